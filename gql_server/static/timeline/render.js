// The DOM of the timeline and its view (zoom and pan). Every bar is a <button> carrying the
// event's id and the chaser's name (data-event-id, data-chaser, aria-label), positioned in
// percent of its row's track: zooming changes one CSS variable (the track's width in px),
// panning is the scroll container's own scrolling (touch, trackpad, scrollbars, keys),
// plus dragging with the mouse.

import { ticks } from "./axis.js";
import { formatDate } from "./format.js";
import { AWAY, KIND_LABELS, barEnd } from "./model.js";

const DAY = 86400000;
const YEAR = 365.25 * DAY;
const LANE = 22; // px per lane of a row (bars are 16 px high)
const MAX_TRACK = 16e6; // px: well under Chromium's largest layout size (about 33.5 million)
const DAY_PX = 96; // the deepest zoom: a day this wide

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const percent = (fraction) => `${fraction * 100}%`;

export class TimelineView {
  constructor(scroller, { onOpen }) {
    this.scroller = scroller;
    this.canvas = null;
    this.domain = [0, 1];
    this.trackWidth = 0;
    this.now = Date.now();
    this.rows = new Map(); // location id -> {row, track}
    this.bars = new Map(); // event id -> button
    this.counts = new Map(); // section key -> its count's element
    this.matches = null; // Set of event ids while a search is active
    this.dockedNow = new Set();
    this.tickFrame = 0;
    this.measure();
    this.current = null; // the event id of the bar that is the timeline's one tab stop
    scroller.addEventListener("click", (event) => {
      const bar = event.target.closest(".bar");
      if (!bar || this.dragged) return;
      this.focusBar(bar);
      onOpen(Number(bar.dataset.eventId));
    });
    scroller.addEventListener("keydown", (event) => {
      const bar = event.target.closest(".bar");
      const next = bar && this.neighbour(bar, event.key);
      if (!next) return;
      event.preventDefault(); // the arrows move between bars here, not the scroll
      this.focusBar(next);
    });
    scroller.addEventListener("scroll", () => this.scheduleTicks(), { passive: true });
    scroller.addEventListener("wheel", (event) => this.wheel(event), { passive: false });
    this.enableDrag();
    // After layout, before paint: reading sizes here costs nothing. It also reports the
    // vertical scrollbar that appears once the rows are in.
    new ResizeObserver(() => this.resize()).observe(scroller);
  }

  // The label column's width and the width the track has on screen (the scroller less the
  // labels), read from the DOM only here: reading a size right after a change to 10,000
  // bars would lay them all out once more.
  measure() {
    this.labelWidth = parseFloat(getComputedStyle(this.scroller).getPropertyValue("--label-w")) || 0;
    this.viewWidth = Math.max(80, this.scroller.clientWidth - this.labelWidth);
  }

  get span() {
    return this.domain[1] - this.domain[0];
  }

  fraction(ms) {
    return (ms - this.domain[0]) / this.span;
  }

  // Builds everything from a layout (model.layout), keeping the visible time and the
  // vertical position when it replaces an earlier render.
  render(layout, domain, now) {
    const first = this.canvas === null;
    this.measure();
    const keep = first ? null : this.visibleMiddle();
    const top = this.scroller.scrollTop;
    this.domain = domain;
    this.now = now;
    this.rows.clear();
    this.bars.clear();
    this.counts.clear();
    const canvas = element("div", "canvas");
    const axis = element("div", "axis");
    axis.setAttribute("aria-hidden", "true");
    axis.append(element("div", "axis-corner", "UTC"));
    this.axisTrack = element("div", "axis-track");
    this.nowFlag = element("div", "now-flag", "now");
    axis.append(this.axisTrack);
    this.grid = element("div", "grid");
    this.grid.setAttribute("aria-hidden", "true");
    this.nowLine = element("div", "now-line");
    this.nowLine.setAttribute("aria-hidden", "true");
    canvas.append(axis, this.grid);
    for (const section of layout.sections) canvas.append(this.section(section));
    canvas.append(this.nowLine);
    const focused = this.scroller.contains(document.activeElement) && document.activeElement !== this.scroller;
    this.canvas = canvas;
    this.keepTabStop();
    this.applyMatches();
    this.applyDockedNow();
    this.placeNow(now);
    // Sized before it is attached, and scrolled right after: one layout of all the bars
    // (reading a size between two writes would force one more).
    this.setTrackWidth(first ? this.recentWidth() : this.trackWidth);
    this.scroller.replaceChildren(canvas);
    if (focused) this.bars.get(this.current)?.focus({ preventScroll: true });
    if (first) {
      this.showRecent();
    } else {
      this.scroller.scrollTop = top;
      this.centerOn(keep);
    }
  }

  section(section) {
    const node = element("section", "section");
    node.dataset.section = section.key;
    if (section.stationId != null) node.dataset.stationId = section.stationId;
    const title = element("h2", "section-title");
    const name = element("span", "section-name", section.title);
    const count = element("small");
    this.counts.set(section.key, count);
    this.setCount(section);
    name.append(count);
    title.append(name);
    if (section.key === AWAY) title.title = "Dockings at ports that are on no station (payload to payload)";
    node.append(title);
    for (const row of section.rows) node.append(this.row(row));
    return node;
  }

  setCount(section) {
    const count = this.counts.get(section.key);
    if (count) count.textContent = ` ${section.count.toLocaleString("en")} docking${section.count === 1 ? "" : "s"}`;
  }

  row(row) {
    const node = element("div", "row");
    node.dataset.locationId = row.id;
    node.setAttribute("role", "group");
    node.setAttribute("aria-label", row.name);
    const label = element("div", "row-label");
    label.append(element("span", null, row.name)); // sticks under the axis in a tall row
    label.title = row.name;
    const track = element("div", "track");
    node.append(label, track);
    // Chromium tells when content-visibility: auto starts or stops skipping the row.
    node.addEventListener("contentvisibilityautostatechange", (event) =>
      node.classList.toggle("shown", !event.skipped),
    );
    this.rows.set(row.id, { row, node, track });
    this.fillTrack(row, track);
    return node;
  }

  fillTrack(row, track) {
    const height = row.lanes * LANE + 4;
    track.style.height = `${height}px`;
    // Rows off screen are neither laid out nor painted (content-visibility: auto in the
    // CSS); this is the height they keep meanwhile.
    track.parentElement.style.containIntrinsicHeight = `auto ${height}px`;
    const bars = document.createDocumentFragment();
    for (const bar of row.bars) bars.append(this.bar(bar, row));
    track.replaceChildren(bars);
  }

  // Re-renders one row (a live change touched it); false when it is not on the page.
  updateRow(row) {
    const shown = this.rows.get(row.id);
    if (!shown) return false;
    for (const old of shown.track.querySelectorAll(".bar")) {
      if (this.bars.get(Number(old.dataset.eventId)) === old) this.bars.delete(Number(old.dataset.eventId));
    }
    const focused = shown.track.contains(document.activeElement);
    shown.row = row;
    this.fillTrack(row, shown.track);
    this.keepTabStop(focused);
    return true;
  }

  bar(bar, row) {
    const open = bar.departure === null;
    const node = element("button", `bar kind-${bar.kind}${open ? " open" : ""}`);
    node.type = "button";
    node.dataset.eventId = bar.id;
    node.dataset.chaser = bar.chaser;
    node.dataset.kind = bar.kind;
    node.tabIndex = bar.id === this.current ? 0 : -1; // one tab stop: see focusBar
    // In a span that sticks to the left edge: a bar that began off screen keeps its label.
    // A station that berths a vehicle is the chaser: say what it caught.
    node.append(element("span", null, bar.kind === "station" ? `${bar.chaser} → ${bar.target}` : bar.chaser));
    const until = open ? "still docked" : formatDate(bar.departure);
    const text = `${bar.chaser} (${KIND_LABELS[bar.kind]}) at ${row.name}, ${formatDate(bar.docking)} to ${until}`;
    node.setAttribute("aria-label", text);
    node.title = `${text}; target: ${bar.target}`;
    const start = this.fraction(bar.docking);
    node.style.left = percent(start);
    node.style.width = percent(Math.max(0, this.fraction(barEnd(bar, this.now)) - start));
    node.style.top = `${(row.lane.get(bar.id) ?? 0) * LANE + 3}px`;
    this.bars.set(bar.id, node);
    return node;
  }

  // --- keyboard: one tab stop, arrows between bars (a roving tab index) ----------------
  // Tab reaches one bar (not 10,000); ← → go to the previous or next stay at the same port,
  // Home and End to its first and last, ↑ ↓ to the nearest in time on the row above or
  // below; Enter or Space opens the details, as a click does.

  focusBar(node) {
    const old = this.bars.get(this.current);
    if (old) old.tabIndex = -1;
    this.current = Number(node.dataset.eventId);
    node.tabIndex = 0;
    node.focus(); // scrolls it into view (scroll-padding keeps it clear of the labels)
  }

  neighbour(bar, key) {
    const track = bar.parentElement;
    switch (key) {
      case "ArrowLeft":
        return bar.previousElementSibling;
      case "ArrowRight":
        return bar.nextElementSibling;
      case "Home":
        return track.firstElementChild;
      case "End":
        return track.lastElementChild;
      case "ArrowUp":
      case "ArrowDown": {
        const tracks = [...this.canvas.querySelectorAll(".track")].filter((t) => t.firstElementChild);
        const other = tracks[tracks.indexOf(track) + (key === "ArrowUp" ? -1 : 1)];
        if (!other) return null;
        const at = parseFloat(bar.style.left);
        let nearest = null;
        for (const candidate of other.children) {
          const gap = Math.abs(parseFloat(candidate.style.left) - at);
          if (!nearest || gap < nearest.gap) nearest = { node: candidate, gap };
        }
        return nearest.node;
      }
      default:
        return null;
    }
  }

  // After a render: the tab stop stays on its event, or goes to the first bar; `focused`:
  // the old bar had the focus, the new one takes it.
  keepTabStop(focused = false) {
    const node = this.bars.get(this.current) ?? this.canvas.querySelector(".bar");
    if (!node) return;
    this.current = Number(node.dataset.eventId);
    node.tabIndex = 0;
    if (focused) node.focus({ preventScroll: true });
  }

  // The "now" line, and open bars stretched to it.
  placeNow(now) {
    this.now = now;
    if (!this.canvas) return;
    this.canvas.style.setProperty("--now", String(this.fraction(now)));
    for (const { row } of this.rows.values()) {
      for (const bar of row.bars) {
        if (bar.departure !== null) continue;
        const node = this.bars.get(bar.id);
        const start = this.fraction(bar.docking);
        if (node) node.style.width = percent(Math.max(0, this.fraction(barEnd(bar, now)) - start));
      }
    }
    this.scheduleTicks();
  }

  setDockedNow(ids, label) {
    this.dockedNow = ids;
    this.nowFlag.textContent = label;
    this.applyDockedNow();
  }

  applyDockedNow() {
    if (!this.canvas) return;
    for (const node of this.canvas.querySelectorAll(".bar.docked-now")) node.classList.remove("docked-now");
    for (const id of this.dockedNow) this.bars.get(id)?.classList.add("docked-now");
  }

  setMatches(ids) {
    this.matches = ids;
    this.applyMatches();
  }

  applyMatches() {
    if (!this.canvas) return;
    this.canvas.classList.toggle("searching", this.matches !== null);
    for (const [id, node] of this.bars) node.classList.toggle("match", this.matches?.has(id) ?? false);
  }

  flash(id) {
    const node = this.bars.get(id);
    if (!node) return;
    node.classList.remove("changed");
    void node.offsetWidth; // restart the animation
    node.classList.add("changed");
  }

  reveal(id) {
    this.bars.get(id)?.scrollIntoView({ block: "center", inline: "center", behavior: "smooth" });
  }

  // --- zoom and pan ----------------------------------------------------------------------

  setTrackWidth(width) {
    const max = Math.min(MAX_TRACK, Math.max(this.viewWidth, (this.span / DAY) * DAY_PX));
    this.trackWidth = Math.min(max, Math.max(this.viewWidth, width));
    this.canvas?.style.setProperty("--track-w", `${this.trackWidth}px`);
    this.scheduleTicks();
  }

  // The time at the middle of what is visible.
  visibleMiddle() {
    const x = this.scroller.scrollLeft + this.viewWidth / 2;
    return this.domain[0] + (x / this.trackWidth) * this.span;
  }

  centerOn(ms) {
    this.scroller.scrollLeft = this.fraction(ms) * this.trackWidth - this.viewWidth / 2;
    this.scheduleTicks();
  }

  // A first view: a year for every 200 px of screen (two at least), ending a little after now.
  recentYears() {
    return Math.min(this.span / YEAR, Math.max(2, this.viewWidth / 200));
  }

  recentWidth() {
    return (this.viewWidth * this.span) / (this.recentYears() * YEAR);
  }

  showRecent() {
    this.setTrackWidth(this.recentWidth());
    const end = Math.min(this.domain[1], this.now + 0.08 * this.recentYears() * YEAR);
    this.scroller.scrollLeft = this.fraction(end) * this.trackWidth - this.viewWidth;
    this.scheduleTicks();
  }

  showAll() {
    this.setTrackWidth(this.viewWidth);
    this.scroller.scrollLeft = 0;
  }

  // Zooms by `factor`, keeping the time under `clientX` (default: the middle) in place.
  zoom(factor, clientX) {
    const box = this.scroller.getBoundingClientRect();
    const x =
      clientX === undefined
        ? this.viewWidth / 2
        : Math.min(this.viewWidth, Math.max(0, clientX - box.left - this.labelWidth));
    const at = (this.scroller.scrollLeft + x) / this.trackWidth;
    this.setTrackWidth(this.trackWidth * factor);
    this.scroller.scrollLeft = at * this.trackWidth - x;
  }

  wheel(event) {
    // Ctrl or ⌘ with the wheel zooms (a trackpad's pinch sends that too); plain wheel scrolls.
    if (!(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    this.zoom(Math.exp(-event.deltaY * 0.002), event.clientX);
  }

  resize() {
    const [label, view] = [this.labelWidth, this.viewWidth];
    const middle = this.canvas ? this.visibleMiddle() : 0;
    this.measure();
    if (!this.canvas || (label === this.labelWidth && view === this.viewWidth)) return;
    const width = this.trackWidth;
    // Every year on one screen stays so (the scrollbar that came with the rows included).
    this.setTrackWidth(Math.abs(width - view) < 0.5 ? this.viewWidth : width);
    if (this.trackWidth !== width) this.centerOn(middle);
    this.scheduleTicks();
  }

  enableDrag() {
    let start = null;
    this.dragged = false;
    this.scroller.addEventListener("pointerdown", (event) => {
      if (event.pointerType !== "mouse" || event.button !== 0) return;
      start = { x: event.clientX, y: event.clientY, left: this.scroller.scrollLeft, top: this.scroller.scrollTop, id: event.pointerId };
      this.dragged = false;
    });
    this.scroller.addEventListener("pointermove", (event) => {
      if (!start || event.pointerId !== start.id) return;
      const dx = event.clientX - start.x;
      const dy = event.clientY - start.y;
      if (!this.dragged && Math.hypot(dx, dy) < 4) return;
      if (!this.dragged) {
        this.dragged = true;
        this.scroller.setPointerCapture(start.id);
        this.scroller.classList.add("panning");
      }
      this.scroller.scrollLeft = start.left - dx;
      this.scroller.scrollTop = start.top - dy;
    });
    const end = () => {
      if (!start) return;
      if (this.scroller.hasPointerCapture(start.id)) this.scroller.releasePointerCapture(start.id);
      start = null;
      this.scroller.classList.remove("panning");
      // The click that ends a drag must not open a bar: cleared after it is dispatched.
      setTimeout(() => (this.dragged = false), 0);
    };
    this.scroller.addEventListener("pointerup", end);
    this.scroller.addEventListener("pointercancel", end);
  }

  // --- the axis ----------------------------------------------------------------------

  scheduleTicks() {
    if (this.tickFrame || !this.canvas) return;
    this.tickFrame = requestAnimationFrame(() => {
      this.tickFrame = 0;
      this.drawTicks();
    });
  }

  drawTicks() {
    const pxPerMs = this.trackWidth / this.span;
    const left = this.scroller.scrollLeft;
    const from = this.domain[0] + (left - this.viewWidth) / pxPerMs;
    const to = this.domain[0] + (left + 2 * this.viewWidth) / pxPerMs;
    const labels = document.createDocumentFragment();
    const lines = document.createDocumentFragment();
    for (const tick of ticks(Math.max(from, this.domain[0]), Math.min(to, this.domain[1]), pxPerMs)) {
      const position = percent(this.fraction(tick.at));
      const label = element("span", `tick${tick.major ? " major" : ""}`, tick.label);
      label.style.left = position;
      labels.append(label);
      const line = element("div", `grid-line${tick.major ? " major" : ""}`);
      line.style.left = position;
      lines.append(line);
    }
    this.axisTrack.replaceChildren(labels, this.nowFlag);
    this.grid.replaceChildren(lines);
  }
}
