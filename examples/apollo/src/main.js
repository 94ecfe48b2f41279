// Runs the example's queries against a live gateway (GRAPHQL_URL) with Apollo Client 4 and
// the cache of src/cache.js, dev warnings on (`node --conditions=development`), and exits 1
// on any console warning or error.
const warnings = [];
for (const level of ["warn", "error"]) {
  const original = console[level];
  console[level] = (...args) => {
    warnings.push(args.map(String).join(" "));
    original(...args);
  };
}

const { ApolloClient, HttpLink, gql } = await import("@apollo/client");
const { loadDevMessages, loadErrorMessages } = await import("@apollo/client/dev");
const { __DEV__ } = await import("@apollo/client/utilities/environment");
const { createCache } = await import("./cache.js");
loadDevMessages();
loadErrorMessages();

const client = new ApolloClient({
  link: new HttpLink({ uri: process.env.GRAPHQL_URL || "http://127.0.0.1:8000/graphql" }),
  cache: createCache(),
});

// Fragments on the DockingParty union: matched through the generated possibleTypes.
const PARTY = gql`
  fragment Party on DockingParty {
    __typename
    ... on SpacecraftFlight { id spacecraft { name spacecraftConfig { id name } } }
    ... on PayloadFlight { id payload { name } }
    ... on SpaceStation { id name }
  }
`;

const EVENTS = gql`
  query Events($offset: Int) {
    dockingEvents(ordering: [DOCKING_DESC], limit: 3, offset: $offset) {
      count
      results { id chaser { ...Party } target { ...Party } }
    }
  }
  ${PARTY}
`;

const STATION_COUNT = gql`
  query StationCount {
    spaceStation(id: 4) { id name dockingEvents(role: TARGET) { count } }
  }
`;

const STATION_RESULTS = gql`
  query StationResults {
    spaceStation(id: 4) { id dockingEvents(role: TARGET) { results { id docking } } }
  }
`;

const STATION_CONNECTION = gql`
  query StationConnection($after: String) {
    spaceStation(id: 4) {
      id
      dockingEventsConnection(role: TARGET, ordering: [DOCKING_DESC], first: 2, after: $after) {
        totalCount
        edges { cursor node { id chaser { ...Party } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
  ${PARTY}
`;

function party(p) {
  switch (p.__typename) {
    case "SpacecraftFlight":
      return `SpacecraftFlight:${p.id} ${p.spacecraft.name} (config ${p.spacecraft.spacecraftConfig.id})`;
    case "PayloadFlight":
      return `PayloadFlight:${p.id} ${p.payload.name}`;
    default:
      return `SpaceStation:${p.id} ${p.name}`;
  }
}

console.log(`dev warnings: ${__DEV__ ? "on" : "off"}`);

// 1. An offset list, page by page: fetchMore merges each page at its offset.
const events = client.watchQuery({ query: EVENTS, variables: { offset: 0 } });
let result = await events.refetch();
for (let offset = 3; offset < result.data.dockingEvents.count; offset += 3) {
  await events.fetchMore({ variables: { offset } });
  result = events.getCurrentResult();
}
const list = result.data.dockingEvents.results;
console.log(`events: ${list.length} of ${result.data.dockingEvents.count}`);
for (const event of list) {
  console.log(`  #${event.id} ${party(event.chaser)} -> ${party(event.target)}`);
}

// 2. Two queries, two fields of one page envelope: merged (no "Cache data may be lost").
await client.query({ query: STATION_COUNT });
await client.query({ query: STATION_RESULTS });
const both = client.readQuery({ query: STATION_COUNT });
const results = client.readQuery({ query: STATION_RESULTS });
console.log(
  `${both.spaceStation.name}: ${both.spaceStation.dockingEvents.count} events as target, ` +
    `results ${results.spaceStation.dockingEvents.results.map((e) => e.id).join(", ")}`,
);

// 3. A station's cursor connection: relayStylePagination appends each page.
const connection = client.watchQuery({ query: STATION_CONNECTION });
let page = (await connection.refetch()).data.spaceStation.dockingEventsConnection;
for (let i = 0; page.pageInfo.hasNextPage && i < 10; i++) {
  await connection.fetchMore({ variables: { after: page.pageInfo.endCursor } });
  page = connection.getCurrentResult().data.spaceStation.dockingEventsConnection;
}
console.log(`connection: ${page.edges.length} of ${page.totalCount}, has next page: ${page.pageInfo.hasNextPage}`);
for (const edge of page.edges) console.log(`  #${edge.node.id} ${party(edge.node.chaser)}`);

// The cache keeps PayloadFlight:38 and SpacecraftConfig:38 apart.
const keys = Object.keys(client.cache.extract()).filter((key) => key.endsWith(":38")).sort();
console.log(`cache entries with id 38: ${keys.join(", ")}`);

client.stop();
if (warnings.length > 0) {
  process.stderr.write(`${warnings.length} warning(s)\n`);
  process.exit(1);
}
