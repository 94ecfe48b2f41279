// Runs the example's Relay operations against a live gateway (GRAPHQL_URL) with
// relay-runtime alone, as React Relay's hooks would: fetchQuery, then reading fragments
// out of the store (what useFragment does), paging (usePaginationFragment's loadNext) and
// refetching through `node` (useRefetchableFragment's refetch). Exits 1 on any warning.
"use strict";

const warnings = [];
for (const level of ["warn", "error"]) {
  const original = console[level];
  console[level] = (...args) => {
    warnings.push(args.map(String).join(" "));
    original(...args);
  };
}

const { fetchQuery, getSelector } = require("relay-runtime");
const { createEnvironment } = require("./environment");

const EventsQuery = require("./__generated__/DockingsEventsQuery.graphql");
const PartyFragment = require("./__generated__/DockingsParty_party.graphql");
const StationQuery = require("./__generated__/DockingsStationQuery.graphql");
const StationFragment = require("./__generated__/DockingsStation_station.graphql");
const StationPaginationQuery = require("./__generated__/DockingsStationPaginationQuery.graphql");
const PayloadFlightFragment = require("./__generated__/DockingsPayloadFlight_flight.graphql");
const PayloadFlightRefetchQuery = require("./__generated__/DockingsPayloadFlightRefetchQuery.graphql");

const environment = createEnvironment(process.env.GRAPHQL_URL || "http://127.0.0.1:8000/graphql");

// What useFragment(fragment, ref) returns: the fragment's data, read from the store.
function readFragment(fragment, ref) {
  return environment.lookup(getSelector(fragment, ref)).data;
}

function describeParty(ref) {
  const party = readFragment(PartyFragment, ref);
  switch (party.__typename) {
    case "SpacecraftFlight":
      return `SpacecraftFlight:${party.id} ${party.spacecraft.name} (config ${party.spacecraft.spacecraftConfig.id} ${party.spacecraft.spacecraftConfig.name})`;
    case "PayloadFlight":
      return `PayloadFlight:${party.id} ${party.payload.name}`;
    case "SpaceStation":
      return `SpaceStation:${party.id} ${party.name}`;
    default:
      return party.__typename;
  }
}

async function main() {
  // 1. Fragments through the DockingParty union.
  const events = await fetchQuery(environment, EventsQuery, {}).toPromise();
  console.log(`all events: ${events.dockingEvents.count}`);
  for (const event of events.dockingEvents.results) {
    console.log(`  #${event.id} ${describeParty(event.chaser)} -> ${describeParty(event.target)}`);
  }

  // 2. A paginated list: the ISS's events two at a time through @connection.
  const station = await fetchQuery(environment, StationQuery, { station: 4 }).toPromise();
  const ref = station.spaceStation;
  let data = readFragment(StationFragment, ref);
  let connection = data.dockingEventsConnection;
  console.log(`${data.name}: ${connection.totalCount} events as target`);
  console.log(`  page 1: ${connection.edges.map((e) => e.node.id).join(", ")}`);
  for (let page = 2; connection.pageInfo.hasNextPage && page <= 10; page++) {
    // loadNext(2): the refetch query through node(id:), the connection handler appends.
    await fetchQuery(environment, StationPaginationQuery, {
      count: 2,
      cursor: connection.pageInfo.endCursor,
      nodeId: data.nodeId,
    }).toPromise();
    data = readFragment(StationFragment, ref);
    connection = data.dockingEventsConnection;
    console.log(`  after page ${page}: ${connection.edges.map((e) => e.node.id).join(", ")}`);
  }
  console.log(`  has next page: ${connection.pageInfo.hasNextPage}`);

  // 3. @refetchable through node: PayloadFlight 38 again by its global id alone.
  const payloadFlightId = Buffer.from("PayloadFlight:38").toString("base64");
  const refetched = await fetchQuery(environment, PayloadFlightRefetchQuery, {
    nodeId: payloadFlightId,
  }).toPromise();
  const flight = readFragment(PayloadFlightFragment, refetched.node);
  console.log(`node(${payloadFlightId}): PayloadFlight:${flight.id} ${flight.payload.name}`);

  // PayloadFlight 38 and SpacecraftConfig 38 are two records, keyed by nodeId.
  const source = environment.getStore().getSource();
  const records = source
    .getRecordIDs()
    .map((id) => source.get(id))
    .filter((record) => record.id === 38)
    .map((record) => `${record.__typename}:${record.id}`)
    .sort();
  console.log(`records with id 38: ${records.join(", ")}`);
}

main().then(
  () => {
    if (warnings.length > 0) {
      process.stderr.write(`${warnings.length} warning(s)\n`);
      process.exit(1);
    }
  },
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
