// Every GraphQL document the page sends, with exactly the fields it shows.

// What a bar needs: its times, its row (the port, and the station the port or the target
// belongs to) and its label (the chaser's name; the target's too, for a station that
// berths a visiting vehicle).
export const BAR_FRAGMENTS = `
fragment Party on DockingParty {
  __typename
  ... on SpacecraftFlight { id spacecraft { id name } }
  ... on PayloadFlight { id payload { id name } }
  ... on SpaceStation { id name }
}
fragment Bar on DockingEvent {
  id
  docking
  departure
  dockingLocation { id name spacestation { id } }
  chaser { ...Party }
  target { ...Party }
}`;

// The first request: the data version (where the subscription starts), the stations with
// their ports (the rows), and the first page of events with the total count.
export const START = `
query TimelineStart($size: Int!) {
  dataVersion
  spaceStations(limit: 100) {
    count
    results { id name dockingLocations { id name } }
  }
  dockingEvents(limit: $size, ordering: [DOCKING_ASC]) {
    count
    results { ...Bar }
  }
}
${BAR_FRAGMENTS}`;

// More stations, when there are over 100 (the API's largest page).
export const STATIONS = `
query TimelineStations($offset: Int!) {
  spaceStations(limit: 100, offset: $offset) {
    results { id name dockingLocations { id name } }
  }
}`;

// `pages` pages of `size` events from `offset`, as aliases of one request (a root field
// each: the server's GQL_MAX_ROOT_FIELDS caps how many).
export function eventPages(offset, pages, size) {
  const fields = [];
  for (let i = 0; i < pages; i++) {
    fields.push(
      `p${i}: dockingEvents(limit: ${size}, offset: ${offset + i * size}, ordering: [DOCKING_ASC]) { results { ...Bar } }`,
    );
  }
  return `query TimelineEvents {\n  ${fields.join("\n  ")}\n}\n${BAR_FRAGMENTS}`;
}

// The ids of the events a search matches, page by page (the same aliases as above).
export function searchPages(offset, pages, size) {
  const fields = [];
  for (let i = 0; i < pages; i++) {
    fields.push(
      `p${i}: dockingEvents(search: $search, limit: ${size}, offset: ${offset + i * size}) { count results { id } }`,
    );
  }
  return `query TimelineSearch($search: String!) {\n  ${fields.join("\n  ")}\n}`;
}

// Who is docked where now (the "now" line): each station's `dockedAt`.
export const NOW = `
query TimelineNow($offset: Int!, $size: Int!) {
  spaceStations(limit: $size, offset: $offset) {
    count
    results {
      id
      name
      dockedAt { id docking dockingLocation { id name } chaser { ...Party } }
    }
  }
}
fragment Party on DockingParty {
  __typename
  ... on SpacecraftFlight { id spacecraft { id name } }
  ... on PayloadFlight { id payload { id name } }
  ... on SpaceStation { id name }
}`;

// A clicked bar's details, fetched by id.
export const DETAILS = `
query TimelineEvent($id: Int!) {
  dockingEvent(id: $id) {
    id
    docking
    departure
    duration
    durationSeconds
    dockingLocation {
      id
      name
      spacestation { id name }
      payload { id name }
      spacecraft { id name }
    }
    chaser { ...PartyDetails }
    target { ...PartyDetails }
  }
}
fragment PartyDetails on DockingParty {
  __typename
  ... on SpacecraftFlight {
    id
    destination
    spacecraft { id name serialNumber spacecraftConfig { id name agency { id name } } }
    launch { id name net }
  }
  ... on PayloadFlight {
    id
    destination
    payload { id name operator { id name } }
    launch { id name net }
  }
  ... on SpaceStation { id name orbit }
}`;

// Live changes, replayed from the version the first request read (nothing is missed
// between loading and subscribing, nor while reconnecting).
export const LIVE = `
subscription TimelineLive($since: Int) {
  dockingEventChanged(sinceVersion: $since) {
    kind
    eventId
    version
    event { ...Bar }
  }
}
${BAR_FRAGMENTS}`;
