// The docking timeline: loads stations and events through the public GraphQL API, draws
// them (render.js), keeps them live (ws.js) and answers search, zoom and clicks.
// Performance marks for tests and the benchmark: timeline:data (every event read),
// timeline:rendered (DOM built), timeline:painted (after the first frame with it).

import { DetailsPanel } from "./details.js";
import { daysBetween, formatDate, formatDateTime } from "./format.js";
import { PAGE_SIZE, readPages, request, requestFitted } from "./graphql.js";
import { TimelineModel, partyName } from "./model.js";
import { LIVE, NOW, START, STATIONS, eventPages, searchPages } from "./queries.js";
import { TimelineView } from "./render.js";
import { socketURL, subscribe } from "./ws.js";

const MINUTE = 60000;
const body = document.body;
const endpoint = body.dataset.endpoint;
const scroller = document.getElementById("timeline");
const model = new TimelineModel();
const details = new DetailsPanel(endpoint, document.getElementById("details"));
const view = new TimelineView(scroller, { onOpen: (id) => details.open(id) });
let domain = null;
let version = null; // the data version the page shows (the subscription resumes from it)

function setState(state, message) {
  body.dataset.state = state;
  scroller.setAttribute("aria-busy", String(state === "loading"));
  if (message !== undefined) document.getElementById("loading").textContent = message;
}

// --- loading ---------------------------------------------------------------------------

async function load() {
  // A smaller first page if the server's GQL_MAX_COST wants one.
  const first = await requestFitted(endpoint, START, { size: PAGE_SIZE }, "size");
  version = first.dataVersion;
  const stations = [...first.spaceStations.results];
  for (let offset = 100; offset < first.spaceStations.count; offset += 100) {
    stations.push(...(await request(endpoint, STATIONS, { offset })).spaceStations.results);
  }
  model.setStations(stations);
  const total = first.dockingEvents.count;
  const progress = () =>
    setState("loading", `Loading docking events: ${model.bars.size.toLocaleString("en")} of ${total.toLocaleString("en")}…`);
  for (const event of first.dockingEvents.results) model.upsert(event);
  progress();
  await readPages(endpoint, eventPages, {}, first.dockingEvents.results.length, total, (page) => {
    for (const event of page.results) model.upsert(event);
    progress();
  });
  performance.mark("timeline:data");
  renderAll();
  performance.mark("timeline:rendered");
  body.dataset.events = String(model.bars.size);
  requestAnimationFrame(() =>
    setTimeout(() => {
      performance.mark("timeline:painted");
      setState("ready");
    }, 0),
  );
}

function renderAll() {
  const now = Date.now();
  const layout = model.layout(now);
  domain = layout.domain;
  view.render(layout, domain, now);
}

// --- now: the line and who is docked -----------------------------------------------------

async function refreshNow() {
  const stations = [];
  for (let offset = 0, count = 1; offset < count; ) {
    const page = (await requestFitted(endpoint, NOW, { offset, size: 100 }, "size")).spaceStations;
    count = page.count;
    stations.push(...page.results);
    if (page.results.length === 0) break;
    offset += page.results.length;
  }
  const now = Date.now();
  const list = document.createElement("ul");
  const ids = new Set();
  for (const station of stations) {
    if (station.dockedAt.length === 0) continue;
    const item = document.createElement("li");
    item.dataset.stationId = station.id;
    const name = document.createElement("strong");
    name.textContent = station.name;
    const docked = document.createElement("ul");
    for (const event of station.dockedAt) {
      ids.add(event.id);
      const since = Date.parse(event.docking);
      const entry = document.createElement("li");
      entry.dataset.eventId = event.id;
      const open = document.createElement("button");
      open.type = "button";
      open.className = "link";
      open.textContent = partyName(event.chaser);
      open.addEventListener("click", () => {
        view.reveal(event.id);
        details.open(event.id, open);
      });
      const where = document.createElement("span");
      where.textContent = ` at ${event.dockingLocation.name}, since ${formatDate(since)} (${daysBetween(since, now).toLocaleString("en")} d)`;
      entry.append(open, where);
      docked.append(entry);
    }
    item.append(name, docked);
    list.append(item);
  }
  const panel = document.getElementById("now-list");
  if (list.childElementCount) panel.replaceChildren(list);
  else panel.textContent = "Nothing is docked at any station.";
  document.getElementById("now-count").textContent = `(${ids.size})`;
  const time = document.getElementById("now-time");
  time.dateTime = new Date(now).toISOString();
  time.textContent = formatDateTime(now);
  view.placeNow(now);
  view.setDockedNow(ids, `now · ${ids.size} docked`);
  document.getElementById("now-panel").dataset.loaded = "true";
}

function tick() {
  const now = Date.now();
  if (domain && now > domain[1]) renderAll(); // the page outlived its time axis
  refreshNow().catch(report);
}

// --- live updates ------------------------------------------------------------------------

const changed = new Set(); // event ids changed since the last update
const touchedRows = new Set(); // location ids whose bars changed
let updateTimer = 0;

function onChange(change) {
  version = Math.max(version ?? 0, change.version);
  const old = change.event ? model.upsert(change.event) : model.remove(change.eventId);
  if (old) touchedRows.add(old.locationId);
  if (change.event) touchedRows.add(change.event.dockingLocation.id);
  changed.add(change.eventId);
  clearTimeout(updateTimer);
  updateTimer = setTimeout(applyChanges, 100); // one update for a burst (an ingest)
}

function applyChanges() {
  const now = Date.now();
  const layout = model.layout(now);
  const [first, last] = layout.extent;
  const rows = new Map(layout.sections.flatMap((s) => s.rows.map((r) => [r.id, r])));
  const inPlace =
    first >= domain[0] && last <= domain[1] && [...touchedRows].every((id) => !rows.has(id) || view.rows.has(id));
  if (inPlace) {
    for (const id of touchedRows) if (rows.has(id)) view.updateRow(rows.get(id));
    for (const section of layout.sections) view.setCount(section);
    view.applyMatches();
    view.applyDockedNow();
  } else {
    renderAll(); // a new station, port or year: lay everything out again
  }
  body.dataset.events = String(model.bars.size);
  for (const id of changed) view.flash(id);
  body.dataset.version = String(version);
  changed.clear();
  touchedRows.clear();
  refreshNow().catch(report);
  if (search.value.trim()) runSearch(search.value).catch(searchFailed);
}

function goLive() {
  const status = document.getElementById("live-status");
  subscribe(socketURL(endpoint), LIVE, () => ({ since: version }), {
    onNext: (payload) => {
      if (payload.errors?.length) return report(new Error(payload.errors[0].message));
      onChange(payload.data.dockingEventChanged);
    },
    onStatus: (state) => {
      status.dataset.status = state;
      status.textContent = { live: "live", connecting: "connecting…", offline: "offline" }[state];
    },
    onError: (errors) => report(new Error(errors.map((e) => e.message).join("; "))),
  });
}

// --- search ------------------------------------------------------------------------------

const search = document.getElementById("search");
const searchStatus = document.getElementById("search-status");
let searchTimer = 0;
let searchRun = 0;

async function runSearch(text) {
  const run = ++searchRun;
  if (!text.trim()) {
    view.setMatches(null);
    searchStatus.value = "";
    delete body.dataset.matches;
    return;
  }
  searchStatus.value = "searching…";
  const first = (await request(endpoint, searchPages(0, 1, PAGE_SIZE), { search: text })).p0;
  const ids = new Set(first.results.map((e) => e.id));
  await readPages(endpoint, searchPages, { search: text }, PAGE_SIZE, first.count, (page) => {
    for (const event of page.results) ids.add(event.id);
  });
  if (run !== searchRun) return; // a newer search started
  view.setMatches(ids);
  const count = ids.size.toLocaleString("en");
  searchStatus.value = `${count} docking${ids.size === 1 ? "" : "s"} match`;
  body.dataset.matches = String(ids.size);
  let latest = -1;
  for (const id of ids) latest = Math.max(latest, id);
  if (ids.size) view.reveal(latest); // the latest by id
}

// A search that fails (the API refused its terms, the network) says so beside the box.
function searchFailed(error) {
  searchStatus.value = `search failed: ${error.message}`;
}

search.addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => runSearch(search.value).catch(searchFailed), 300);
});
document.getElementById("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(searchTimer);
  runSearch(search.value).catch(searchFailed);
});

// --- controls ------------------------------------------------------------------------------

document.getElementById("zoom-in").addEventListener("click", () => view.zoom(2));
document.getElementById("zoom-out").addEventListener("click", () => view.zoom(0.5));
document.getElementById("zoom-all").addEventListener("click", () => view.showAll());
document.getElementById("zoom-now").addEventListener("click", () => view.centerOn(Date.now()));
document.addEventListener("keydown", (event) => {
  if (event.target.closest("input, textarea") || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === "+" || event.key === "=") view.zoom(2);
  else if (event.key === "-") view.zoom(0.5);
  else if (event.key === "0") view.showAll();
});

function report(error) {
  // Shown on the page (and kept for tests in data-error), not thrown at the console.
  body.dataset.error = error.message;
  const status = document.getElementById("live-status");
  status.textContent = `error: ${error.message}`;
  status.dataset.status = "error";
}

load()
  .then(() => {
    goLive();
    setInterval(tick, MINUTE);
    return refreshNow();
  })
  .catch((error) => {
    report(error);
    if (body.dataset.state === "loading") setState("error", `Could not load the timeline: ${error.message}`);
  });
