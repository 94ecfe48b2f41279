// Apollo Client's cache for the LL2 docking gateway: the whole recipe. Everything
// schema-specific comes from src/schema-facts.js, generated from schema.graphql
// (`npm run schema-facts`), so nothing here goes stale when the schema grows.
import { InMemoryCache } from "@apollo/client";
import { relayStylePagination } from "@apollo/client/utilities";
import { connectionFields, offsetFields, pageTypes, possibleTypes } from "./schema-facts.js";

// An offset page ({ count, results }) fetched in pieces: each piece's results land at its
// `offset`, so `fetchMore({ variables: { offset } })` grows one list. Fields whose other
// arguments differ (filters, ordering) stay separate lists (keyArgs).
export function offsetPage(keyArgs) {
  return {
    keyArgs: keyArgs.length ? keyArgs : false,
    merge(existing, incoming, { args }) {
      const merged = { ...existing, ...incoming };
      if (incoming.results) {
        const results = existing?.results ? existing.results.slice(0) : [];
        const offset = args?.offset ?? 0;
        incoming.results.forEach((result, i) => {
          results[offset + i] = result;
        });
        merged.results = results;
      }
      return merged;
    },
  };
}

export function createCache() {
  const typePolicies = {};
  const policy = (type) => (typePolicies[type] ??= { fields: {} });
  // Page envelopes have no id: two queries selecting different fields of the same page
  // (count here, results there) merge into one object instead of replacing each other.
  for (const type of pageTypes) policy(type).merge = true;
  for (const [type, fields] of Object.entries(offsetFields)) {
    for (const [field, keyArgs] of Object.entries(fields)) {
      policy(type).fields[field] = offsetPage(keyArgs);
    }
  }
  // Cursor connections, root and nested: pages appended by `after`, prepended by `before`.
  for (const [type, fields] of Object.entries(connectionFields)) {
    for (const [field, keyArgs] of Object.entries(fields)) {
      policy(type).fields[field] = relayStylePagination(keyArgs.length ? keyArgs : false);
    }
  }
  // Entities keep Apollo's default key, `__typename:id` (the LL2 id): PayloadFlight:38 and
  // SpacecraftConfig:38 are two entries.
  return new InMemoryCache({ possibleTypes, typePolicies });
}
