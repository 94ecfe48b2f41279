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

  const fetcher = GraphiQL.createFetcher({ url: window.location.href.split("?")[0] });
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
