// Validates schema.graphql with the reference implementation (graphql-js): buildSchema
// parses the SDL and checks it, validateSchema runs the type-system validation rules.
// Also checks what normalizing caches rely on: every entity (an object type implementing
// `Node`) has a non-null `id`; the others are values embedded in their parent (pages,
// connections, edges, stats buckets, the root types).
//
//   node scripts/validate-schema.js [path/to/schema.graphql]
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import {
  buildSchema,
  getNamedType,
  isNonNullType,
  isObjectType,
  validateSchema,
  version,
} from "graphql";

const file = process.argv[2] ?? fileURLToPath(new URL("../../../schema.graphql", import.meta.url));
const schema = buildSchema(readFileSync(file, "utf8"));
const errors = [...validateSchema(schema)].map((e) => e.message);

const types = Object.values(schema.getTypeMap()).filter(
  (t) => isObjectType(t) && !t.name.startsWith("__"),
);
const entities = types.filter((t) => t.getInterfaces().some((i) => i.name === "Node"));
const embedded = new Set(types.filter((t) => !entities.includes(t)).map((t) => t.name));
for (const type of entities) {
  const id = type.getFields().id;
  if (!id || !isNonNullType(id.type)) errors.push(`${type.name} has no non-null id`);
}
for (const name of ["SpaceStation", "SpacecraftFlight", "PayloadFlight", "DockingEvent"]) {
  if (!entities.some((t) => t.name === name)) errors.push(`${name} does not implement Node`);
}
const union = schema.getType("DockingParty");
const members = union.getTypes().map((t) => getNamedType(t).name);

if (errors.length > 0) {
  console.error(errors.join("\n"));
  process.exit(1);
}
console.log(`graphql-js ${version}: schema valid`);
console.log(`object types: ${types.length}, with an id: ${types.length - embedded.size}`);
console.log(`DockingParty = ${members.join(" | ")}`);
