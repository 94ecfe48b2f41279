// Starts GraphiQL on this page (what Strawberry's page does in an inline script, moved to
// a file so that the Content-Security-Policy can forbid inline scripts).
/* global React, ReactDOM, GraphiQL, GraphiQLPluginExplorer */
"use strict";

(function () {
  const DEFAULT_QUERY = document.getElementById("default-query").textContent.trim() + "\n";

  // ?q=...&variables=... share a query, as on Strawberry's page (not `query`: a GET with
  // `query` runs it instead of serving this page).
  const parameters = Object.fromEntries(new URLSearchParams(window.location.search));

  function updateURL(data) {
    Object.assign(parameters, data);
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(parameters)) {
      if (value) search.set(key, value);
    }
    history.replaceState(null, "", "?" + search.toString());
  }

  // Queries over HTTP to this page's own URL; subscriptions over graphql-transport-ws to the
  // same path on the same origin (ws: for an http: page, wss: for https:).
  const url = window.location.origin + window.location.pathname;
  const subscriptionUrl = url.replace(/^http/, "ws");
  const fetcher = sortedTypes(GraphiQL.createFetcher({ url: url, subscriptionUrl: subscriptionUrl }));

  // The Docs pane lists "All Schema Types" in the order the introspection gives them (the
  // order Python defined them in); sorted by name, a type is where a reader looks for it.
  function sortedTypes(inner) {
    return function (params, options) {
      const result = inner(params, options);
      if (params.operationName !== "IntrospectionQuery" || typeof result.then !== "function") {
        return result;
      }
      return result.then(function (response) {
        const types = response && response.data && response.data.__schema && response.data.__schema.types;
        if (Array.isArray(types)) {
          types.sort(function (a, b) {
            return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
          });
        }
        return response;
      });
    };
  }

  // First-visit pane sizes, so the default query is readable with the Docs pane open at
  // laptop widths (1280 px): GraphiQL's own defaults give the Docs pane a quarter of the
  // width and split the rest evenly, which leaves the query editor about 430 px. A size
  // the reader dragged to is stored under the same keys and wins.
  const FIRST_VISIT_SIZES = { "graphiql:docExplorerFlex": "0.3", "graphiql:editorFlex": "1.5" };
  try {
    for (const [key, value] of Object.entries(FIRST_VISIT_SIZES)) {
      if (window.localStorage.getItem(key) === null) window.localStorage.setItem(key, value);
    }
  } catch (error) {
    // Storage may be disabled (private mode, policies): GraphiQL's defaults then apply.
  }
  const explorerPlugin = GraphiQLPluginExplorer.explorerPlugin();

  // The header's logo links to the docking timeline when the server serves it.
  const timeline = document.body.dataset.timeline;
  const logo = timeline
    ? React.createElement(
        GraphiQL.Logo,
        null,
        React.createElement("a", { className: "graphiql-logo-link", href: timeline }, "Docking timeline"),
      )
    : null;

  function App() {
    const [query, setQuery] = React.useState(parameters.q);
    const [variables, setVariables] = React.useState(parameters.variables);
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: DEFAULT_QUERY,
      query: query,
      variables: variables,
      onEditQuery: function (value) {
        setQuery(value);
        updateURL({ q: value });
      },
      onEditVariables: function (value) {
        setVariables(value);
        updateURL({ variables: value });
      },
      plugins: [explorerPlugin],
      // Open the documentation explorer (our schema's descriptions) on first load.
      visiblePlugin: GraphiQL.React.DOC_EXPLORER_PLUGIN,
      defaultEditorToolsVisibility: true,
      inputValueDeprecation: true,
      isHeadersEditorEnabled: true,
    }, logo);
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(App));
})();
