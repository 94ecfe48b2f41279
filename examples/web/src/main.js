// A minimal frontend-style client of the LL2 docking gateway: urql with Graphcache, its
// normalized cache. Lists the latest dockings at the ISS page by page, then opens one event
// and reads its chaser and target through the DockingParty union (__typename + fragments).
//
//   GRAPHQL_URL=http://127.0.0.1:8000/graphql node src/main.js
//
// Prints the same text for the same data; exits 1 on any error or cache warning.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { Client, fetchExchange } from "@urql/core";
import { cacheExchange } from "@urql/exchange-graphcache";
import { buildSchema, introspectionFromSchema, Kind, parse } from "graphql";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const url = process.env.GRAPHQL_URL ?? "http://127.0.0.1:8000/graphql";
const schemaFile = process.env.SCHEMA_FILE ?? here("../../../schema.graphql");
const ISS = 4;
const PAGE_SIZE = 3;

// Graphcache is told the schema so that it knows the union's members (fragment matching)
// and can check that every entity is keyable.
const schema = introspectionFromSchema(buildSchema(readFileSync(schemaFile, "utf8")));

// One document per operation, each with the fragments it uses.
const operations = documentsByName(readFileSync(here("./operations.graphql"), "utf8"));

const problems = [];
let requests = 0;

const cache = cacheExchange({
  schema,
  // Every object type has an `id` (the default key: __typename:id). The page envelopes
  // have none: they are embedded in the field that returns them.
  keys: {
    DockingEventPage: () => null,
    DockingLocationPage: () => null,
    SpaceStationPage: () => null,
  },
  // Opening an event by id reads the event already cached by the list.
  resolvers: {
    Query: {
      dockingEvent: (_parent, args) => ({ __typename: "DockingEvent", id: args.id }),
    },
  },
  logger: (severity, message) => {
    if (severity !== "debug") problems.push(`graphcache ${severity}: ${message}`);
  },
});

const client = new Client({
  url,
  exchanges: [cache, fetchExchange],
  fetch: (...args) => {
    requests += 1;
    return fetch(...args);
  },
  preferGetMethod: false,
});

// The first complete (not stale, not partial) result of a query.
function query(name, variables, requestPolicy = "cache-first") {
  return new Promise((resolve, reject) => {
    const { unsubscribe } = client
      .query(operations[name], variables, { requestPolicy })
      .subscribe((result) => {
        if (result.error) {
          queueMicrotask(() => unsubscribe());
          reject(result.error);
        } else if (!result.stale || requestPolicy === "cache-only") {
          queueMicrotask(() => unsubscribe());
          resolve(result);
        }
      });
  });
}

function party(p) {
  if (!p) return "nothing";
  switch (p.__typename) {
    case "SpacecraftFlight":
      return `SpacecraftFlight:${p.id} ${p.spacecraft?.name ?? "?"}`;
    case "PayloadFlight":
      return `PayloadFlight:${p.id} ${p.payload?.name ?? "?"}`;
    case "SpaceStation":
      return `SpaceStation:${p.id} ${p.name}`;
    default:
      throw new Error(`unexpected union member ${p.__typename}`);
  }
}

async function main() {
  // 1. The latest dockings at the ISS, page by page (limit/offset; `count` is the total).
  const events = [];
  let count = Infinity;
  for (let offset = 0; offset < count; offset += PAGE_SIZE) {
    const { data } = await query("LatestDockings", { stationId: ISS, limit: PAGE_SIZE, offset });
    count = data.dockingEvents.count;
    if (offset === 0) console.log(`latest dockings at station ${ISS}: ${count} in all`);
    console.log(`page at offset ${offset} (limit ${PAGE_SIZE})`);
    for (const e of data.dockingEvents.results) {
      events.push(e);
      const until = e.departure ? `until ${e.departure}` : "still docked";
      console.log(`  #${e.id} ${e.docking} ${until} at ${e.dockingLocation.name}`);
      console.log(`    ${party(e.chaser)} -> ${party(e.target)}`);
    }
  }

  // 2. The normalized cache already answers a summary of the first event: no request.
  const first = events[0].id;
  const before = requests;
  const summary = await query("DockingEventSummary", { id: first }, "cache-only");
  if (!summary.data?.dockingEvent || requests !== before) {
    throw new Error("the summary was not answered from the cache");
  }
  console.log(`from the cache alone: #${summary.data.dockingEvent.id} ${party(summary.data.dockingEvent.chaser)}`);

  // 3. Open the event: the fields the list lacks come from the server.
  const { data } = await query("DockingEventDetail", { id: first });
  const e = data.dockingEvent;
  console.log(`event #${e.id}`);
  console.log(`  docked ${e.docking} at ${e.dockingLocation.name}, ${e.departure ? `departed ${e.departure}` : "still docked"}`);
  const c = e.chaser;
  if (c?.__typename === "SpacecraftFlight") {
    const config = c.spacecraft?.spacecraftConfig;
    console.log(`  chaser: ${party(c)} (${config?.name}, ${config?.agency?.abbrev}); launch: ${c.launch?.name}`);
  } else if (c?.__typename === "PayloadFlight") {
    console.log(`  chaser: ${party(c)}; launch: ${c.launch?.name}`);
  } else {
    console.log(`  chaser: ${party(c)}`);
  }
  console.log(`  target: ${party(e.target)}`);

  // 4. Opening it again is a cache hit; the ISS is one entity for every event.
  const again = await query("DockingEventDetail", { id: first });
  console.log(`opened again: cache ${again.operation.context.meta?.cacheOutcome ?? "?"}`);
  const stations = new Set(events.map((ev) => `${ev.target.__typename}:${ev.target.id}`));
  console.log(`targets in the list: ${[...stations].join(", ")}`);
  console.log(`network requests: ${requests}`);
}

function documentsByName(source) {
  const document = parse(source);
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  const byName = {};
  for (const d of document.definitions) {
    if (d.kind === Kind.OPERATION_DEFINITION) {
      byName[d.name.value] = { kind: Kind.DOCUMENT, definitions: [d, ...fragments] };
    }
  }
  return byName;
}

try {
  await main();
} catch (error) {
  console.error(`error: ${error.message ?? error}`);
  process.exitCode = 1;
}
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exitCode = 1;
}
