// The example's GraphQL, read by relay-compiler (`npm run relay`), which writes one artifact
// per operation and fragment into __generated__/. This file is never run: there is no Babel
// here, so main.js loads the artifacts themselves (what babel-plugin-relay makes of each
// graphql`...` literal in an app).

// A docking party through the DockingParty union: __typename and a fragment per member.
graphql`
  fragment DockingsParty_party on DockingParty {
    __typename
    ... on SpacecraftFlight {
      id
      spacecraft {
        name
        spacecraftConfig {
          id
          name
        }
      }
    }
    ... on PayloadFlight {
      id
      payload {
        name
      }
    }
    ... on SpaceStation {
      id
      name
    }
  }
`;

// Every event, with both parties: PayloadFlight 38 and SpacecraftConfig 38 both appear,
// two records in the store because they are keyed by `nodeId`, not by `id`.
graphql`
  query DockingsEventsQuery {
    dockingEvents(limit: 100, ordering: [DOCKING_DESC]) {
      count
      results {
        id
        docking
        chaser {
          ...DockingsParty_party
        }
        target {
          ...DockingsParty_party
        }
      }
    }
  }
`;

// A station's docking events as a paginated list: @connection over the station's
// dockingEventsConnection, and @refetchable, so that the next page is fetched through
// `node(id:)` (relay-compiler writes DockingsStationPaginationQuery for it).
graphql`
  fragment DockingsStation_station on SpaceStation
  @refetchable(queryName: "DockingsStationPaginationQuery")
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 2 }
    cursor: { type: "String" }
  ) {
    id
    name
    dockingEventsConnection(
      first: $count
      after: $cursor
      role: TARGET
      ordering: [DOCKING_DESC]
    ) @connection(key: "DockingsStation_dockingEventsConnection") {
      totalCount
      edges {
        node {
          id
          docking
          chaser {
            ...DockingsParty_party
          }
        }
      }
    }
  }
`;

graphql`
  query DockingsStationQuery($station: Int!) {
    spaceStation(id: $station) {
      ...DockingsStation_station
    }
  }
`;

// A payload flight fetched again by its global id alone: @refetchable through `node`.
graphql`
  fragment DockingsPayloadFlight_flight on PayloadFlight
  @refetchable(queryName: "DockingsPayloadFlightRefetchQuery") {
    id
    payload {
      name
    }
  }
`;
