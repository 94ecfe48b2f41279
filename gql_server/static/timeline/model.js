// The page's data, without the DOM: events as bars, grouped into sections (a station, or
// the dockings away from any station) and rows (docking locations), each bar on a lane of
// its row so that overlapping stays do not hide each other.

const DAY = 86400000;

export const KINDS = {
  SpacecraftFlight: "spacecraft",
  PayloadFlight: "payload",
  SpaceStation: "station",
};
export const KIND_LABELS = {
  spacecraft: "spacecraft flight",
  payload: "payload flight",
  station: "station",
  unknown: "unknown chaser",
};
export const AWAY = "away"; // the section of dockings at no station's port

// A docking party's name: the spacecraft's, the payload's or the station's.
export function partyName(party) {
  if (!party) return "Unknown";
  switch (party.__typename) {
    case "SpacecraftFlight":
      return party.spacecraft?.name ?? `Spacecraft flight ${party.id}`;
    case "PayloadFlight":
      return party.payload?.name ?? `Payload flight ${party.id}`;
    case "SpaceStation":
      return party.name;
    default:
      return "Unknown";
  }
}

// An event as the API serves it (the `Bar` fragment) -> what a bar needs.
export function toBar(event) {
  const station = (party) => (party?.__typename === "SpaceStation" ? party.id : null);
  return {
    id: event.id,
    docking: Date.parse(event.docking),
    departure: event.departure ? Date.parse(event.departure) : null,
    locationId: event.dockingLocation.id,
    locationName: event.dockingLocation.name,
    // The port's station; for a port that is on no station, the station taking part.
    stationId:
      event.dockingLocation.spacestation?.id ?? station(event.target) ?? station(event.chaser),
    chaser: partyName(event.chaser),
    kind: KINDS[event.chaser?.__typename] ?? "unknown",
    target: partyName(event.target),
  };
}

// Where a bar ends on the time axis: its departure, or now while it is still docked.
export const barEnd = (bar, now) => bar.departure ?? Math.max(bar.docking, now);

export class TimelineModel {
  constructor() {
    this.stations = []; // [{id, name, dockingLocations: [{id, name}]}], in API order
    this.bars = new Map(); // event id -> bar
  }

  setStations(stations) {
    this.stations = stations;
  }

  // Adds or replaces an event; the bar it replaced, if any.
  upsert(event) {
    const bar = toBar(event);
    const old = this.bars.get(bar.id);
    this.bars.set(bar.id, bar);
    return old;
  }

  remove(id) {
    const old = this.bars.get(id);
    this.bars.delete(id);
    return old;
  }

  // Sections (stations with at least one event, busiest first; then the dockings at no
  // station), their rows (every port of the station, in the API's order, then ports only
  // events name), each row's bars with their lane, the time the bars cover (`extent`) and
  // the time axis' `domain` (the extent and a margin).
  layout(now) {
    const sections = new Map();
    const portSection = new Map();
    for (const station of this.stations) {
      const section = newSection(`station-${station.id}`, station.name, station.id);
      for (const port of station.dockingLocations) {
        section.rows.set(port.id, newRow(port.id, port.name));
        portSection.set(port.id, section.key);
      }
      sections.set(section.key, section);
    }
    let first = Infinity;
    let last = now;
    for (const bar of this.bars.values()) {
      first = Math.min(first, bar.docking);
      last = Math.max(last, barEnd(bar, now));
      let key = portSection.get(bar.locationId);
      if (key === undefined) key = bar.stationId == null ? AWAY : `station-${bar.stationId}`;
      let section = sections.get(key);
      if (!section) {
        const title = key === AWAY ? "Away from stations" : `Station ${bar.stationId}`;
        section = newSection(key, title, key === AWAY ? null : bar.stationId);
        sections.set(key, section);
      }
      let row = section.rows.get(bar.locationId);
      if (!row) {
        row = newRow(bar.locationId, bar.locationName);
        section.rows.set(bar.locationId, row);
      }
      row.bars.push(bar);
      section.count += 1;
    }
    const ordered = [...sections.values()]
      .filter((s) => s.count > 0)
      .sort((a, b) => (a.key === AWAY) - (b.key === AWAY) || b.count - a.count || a.title.localeCompare(b.title));
    for (const section of ordered) {
      section.rows = [...section.rows.values()];
      for (const row of section.rows) assignLanes(row, now);
    }
    if (first === Infinity) first = now - 365 * DAY;
    const pad = Math.max((last - first) * 0.02, 15 * DAY);
    return { sections: ordered, extent: [first, last], domain: [first - pad, last + pad] };
  }
}

function newSection(key, title, stationId) {
  return { key, title, stationId, rows: new Map(), count: 0 };
}

function newRow(id, name) {
  return { id, name, bars: [], lanes: 1, lane: new Map() };
}

// First fit by docking time: the fewest lanes for intervals (a bar takes the first lane
// whose last bar has departed by the time it docks).
export function assignLanes(row, now) {
  row.bars.sort((a, b) => a.docking - b.docking || a.id - b.id);
  const ends = [];
  for (const bar of row.bars) {
    let lane = ends.findIndex((end) => end <= bar.docking);
    if (lane === -1) lane = ends.push(0) - 1;
    ends[lane] = barEnd(bar, now);
    row.lane.set(bar.id, lane);
  }
  row.lanes = Math.max(1, ends.length);
}
