// The details panel: one event fetched by id when its bar is clicked.

import { request } from "./graphql.js";
import { daysBetween, formatDateTime, formatDuration } from "./format.js";
import { KINDS, KIND_LABELS, partyName } from "./model.js";
import { DETAILS } from "./queries.js";

export class DetailsPanel {
  constructor(endpoint, panel) {
    this.endpoint = endpoint;
    this.panel = panel;
    this.title = panel.querySelector("#details-title");
    this.body = panel.querySelector("#details-body");
    this.shown = null; // the event id on show
    this.opener = null; // where focus goes back to
    panel.querySelector("#details-close").addEventListener("click", () => this.close());
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !panel.hidden) this.close();
    });
  }

  async open(id, opener) {
    this.shown = id;
    this.opener = opener ?? document.activeElement;
    this.panel.hidden = false;
    this.panel.dataset.eventId = id;
    this.panel.setAttribute("aria-busy", "true");
    this.title.textContent = "Loading…";
    this.body.replaceChildren();
    let event;
    try {
      event = (await request(this.endpoint, DETAILS, { id })).dockingEvent;
    } catch (error) {
      if (this.shown !== id) return;
      this.title.textContent = "Could not load this event";
      this.body.replaceChildren(paragraph(error.message));
      this.panel.removeAttribute("aria-busy");
      return;
    }
    if (this.shown !== id) return; // another bar was clicked meanwhile
    this.panel.removeAttribute("aria-busy");
    if (!event) {
      this.title.textContent = `Event ${id} no longer exists`;
      return;
    }
    this.title.textContent = partyName(event.chaser);
    this.body.replaceChildren(describe(event));
    this.title.focus();
  }

  close() {
    this.shown = null;
    this.panel.hidden = true;
    this.opener?.focus?.({ preventScroll: true });
  }
}

function paragraph(text) {
  const node = document.createElement("p");
  node.textContent = text;
  return node;
}

function describe(event) {
  const list = document.createElement("dl");
  const add = (term, value, name) => {
    if (value === null || value === undefined || value === "") return;
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = value;
    if (name) dd.dataset.field = name;
    list.append(dt, dd);
  };
  const docking = Date.parse(event.docking);
  const location = event.dockingLocation;
  const on = location.spacestation?.name ?? location.payload?.name ?? location.spacecraft?.name;
  add("Chaser", party(event.chaser), "chaser");
  add("Target", party(event.target), "target");
  add("Port", on && on !== location.name ? `${location.name} (${on})` : location.name, "port");
  add("Docked", formatDateTime(docking), "docking");
  if (event.departure) {
    add("Departed", formatDateTime(Date.parse(event.departure)), "departure");
    add("Duration", `${formatDuration(event.durationSeconds)} (${event.duration})`, "duration");
  } else {
    add("Departed", "still docked", "departure");
    add("Duration", `${daysBetween(docking, Date.now()).toLocaleString("en")} d so far`, "duration");
  }
  add("Launch", event.chaser?.launch?.name, "launch");
  add("Event id", String(event.id), "id");
  return list;
}

// "Crew Dragon Endurance (spacecraft flight; Crew Dragon 2, SpaceX)"
function party(side) {
  if (!side) return "unknown";
  const about = [KIND_LABELS[KINDS[side.__typename]]];
  if (side.__typename === "SpacecraftFlight") {
    const config = side.spacecraft?.spacecraftConfig;
    if (config) about.push([config.name, config.agency?.name].filter(Boolean).join(", "));
  } else if (side.__typename === "PayloadFlight") {
    if (side.payload?.operator?.name) about.push(side.payload.operator.name);
  } else if (side.orbit) {
    about.push(side.orbit);
  }
  return `${partyName(side)} (${about.join("; ")})`;
}
