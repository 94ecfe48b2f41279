// The Relay environment for the LL2 docking gateway. The one line that differs from
// Relay's getting-started environment is getDataID: the gateway's global id is `nodeId`
// (`id` is the LL2 id, an Int that two types may share), so records are keyed by it.
"use strict";

const { Environment, Network, RecordSource, Store } = require("relay-runtime");

function createEnvironment(url) {
  async function fetchGraphQL(request, variables) {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json, application/json;q=0.9",
      },
      body: JSON.stringify({ query: request.text, variables, operationName: request.name }),
    });
    return response.json();
  }

  return new Environment({
    network: Network.create(fetchGraphQL),
    store: new Store(new RecordSource()),
    // Objects without a nodeId (page envelopes, edges) get Relay's client ids.
    getDataID: (fieldValue) => fieldValue.nodeId,
  });
}

module.exports = { createEnvironment };
