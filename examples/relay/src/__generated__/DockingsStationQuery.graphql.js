/**
 * @generated SignedSource<<bfddac4c535aa47d4e36ff0644ffa2c3>>
 * @lightSyntaxTransform
 */

/* eslint-disable */

'use strict';

var node = (function(){
var v0 = [
  {
    "defaultValue": null,
    "kind": "LocalArgument",
    "name": "station"
  }
],
v1 = [
  {
    "kind": "Variable",
    "name": "id",
    "variableName": "station"
  }
],
v2 = {
  "alias": null,
  "args": null,
  "kind": "ScalarField",
  "name": "id",
  "storageKey": null
},
v3 = {
  "alias": null,
  "args": null,
  "kind": "ScalarField",
  "name": "name",
  "storageKey": null
},
v4 = [
  {
    "kind": "Literal",
    "name": "first",
    "value": 2
  },
  {
    "kind": "Literal",
    "name": "ordering",
    "value": [
      "DOCKING_DESC"
    ]
  },
  {
    "kind": "Literal",
    "name": "role",
    "value": "TARGET"
  }
],
v5 = {
  "alias": null,
  "args": null,
  "kind": "ScalarField",
  "name": "__typename",
  "storageKey": null
},
v6 = {
  "alias": null,
  "args": null,
  "kind": "ScalarField",
  "name": "nodeId",
  "storageKey": null
};
return {
  "fragment": {
    "argumentDefinitions": (v0/*:: as any*/),
    "kind": "Fragment",
    "metadata": null,
    "name": "DockingsStationQuery",
    "selections": [
      {
        "alias": null,
        "args": (v1/*:: as any*/),
        "concreteType": "SpaceStation",
        "kind": "LinkedField",
        "name": "spaceStation",
        "plural": false,
        "selections": [
          {
            "args": null,
            "kind": "FragmentSpread",
            "name": "DockingsStation_station"
          }
        ],
        "storageKey": null
      }
    ],
    "type": "Query",
    "abstractKey": null
  },
  "kind": "Request",
  "operation": {
    "argumentDefinitions": (v0/*:: as any*/),
    "kind": "Operation",
    "name": "DockingsStationQuery",
    "selections": [
      {
        "alias": null,
        "args": (v1/*:: as any*/),
        "concreteType": "SpaceStation",
        "kind": "LinkedField",
        "name": "spaceStation",
        "plural": false,
        "selections": [
          (v2/*:: as any*/),
          (v3/*:: as any*/),
          {
            "alias": null,
            "args": (v4/*:: as any*/),
            "concreteType": "DockingEventConnection",
            "kind": "LinkedField",
            "name": "dockingEventsConnection",
            "plural": false,
            "selections": [
              {
                "alias": null,
                "args": null,
                "kind": "ScalarField",
                "name": "totalCount",
                "storageKey": null
              },
              {
                "alias": null,
                "args": null,
                "concreteType": "DockingEventEdge",
                "kind": "LinkedField",
                "name": "edges",
                "plural": true,
                "selections": [
                  {
                    "alias": null,
                    "args": null,
                    "concreteType": "DockingEvent",
                    "kind": "LinkedField",
                    "name": "node",
                    "plural": false,
                    "selections": [
                      (v2/*:: as any*/),
                      {
                        "alias": null,
                        "args": null,
                        "kind": "ScalarField",
                        "name": "docking",
                        "storageKey": null
                      },
                      {
                        "alias": null,
                        "args": null,
                        "concreteType": null,
                        "kind": "LinkedField",
                        "name": "chaser",
                        "plural": false,
                        "selections": [
                          (v5/*:: as any*/),
                          {
                            "kind": "TypeDiscriminator",
                            "abstractKey": "__isDockingParty"
                          },
                          {
                            "kind": "InlineFragment",
                            "selections": [
                              (v2/*:: as any*/),
                              {
                                "alias": null,
                                "args": null,
                                "concreteType": "Spacecraft",
                                "kind": "LinkedField",
                                "name": "spacecraft",
                                "plural": false,
                                "selections": [
                                  (v3/*:: as any*/),
                                  {
                                    "alias": null,
                                    "args": null,
                                    "concreteType": "SpacecraftConfig",
                                    "kind": "LinkedField",
                                    "name": "spacecraftConfig",
                                    "plural": false,
                                    "selections": [
                                      (v2/*:: as any*/),
                                      (v3/*:: as any*/),
                                      (v6/*:: as any*/)
                                    ],
                                    "storageKey": null
                                  },
                                  (v6/*:: as any*/)
                                ],
                                "storageKey": null
                              }
                            ],
                            "type": "SpacecraftFlight",
                            "abstractKey": null
                          },
                          {
                            "kind": "InlineFragment",
                            "selections": [
                              (v2/*:: as any*/),
                              {
                                "alias": null,
                                "args": null,
                                "concreteType": "Payload",
                                "kind": "LinkedField",
                                "name": "payload",
                                "plural": false,
                                "selections": [
                                  (v3/*:: as any*/),
                                  (v6/*:: as any*/)
                                ],
                                "storageKey": null
                              }
                            ],
                            "type": "PayloadFlight",
                            "abstractKey": null
                          },
                          {
                            "kind": "InlineFragment",
                            "selections": [
                              (v2/*:: as any*/),
                              (v3/*:: as any*/)
                            ],
                            "type": "SpaceStation",
                            "abstractKey": null
                          },
                          {
                            "kind": "InlineFragment",
                            "selections": [
                              (v6/*:: as any*/)
                            ],
                            "type": "Node",
                            "abstractKey": "__isNode"
                          }
                        ],
                        "storageKey": null
                      },
                      (v6/*:: as any*/),
                      (v5/*:: as any*/)
                    ],
                    "storageKey": null
                  },
                  {
                    "alias": null,
                    "args": null,
                    "kind": "ScalarField",
                    "name": "cursor",
                    "storageKey": null
                  }
                ],
                "storageKey": null
              },
              {
                "alias": null,
                "args": null,
                "concreteType": "PageInfo",
                "kind": "LinkedField",
                "name": "pageInfo",
                "plural": false,
                "selections": [
                  {
                    "alias": null,
                    "args": null,
                    "kind": "ScalarField",
                    "name": "endCursor",
                    "storageKey": null
                  },
                  {
                    "alias": null,
                    "args": null,
                    "kind": "ScalarField",
                    "name": "hasNextPage",
                    "storageKey": null
                  }
                ],
                "storageKey": null
              }
            ],
            "storageKey": "dockingEventsConnection(first:2,ordering:[\"DOCKING_DESC\"],role:\"TARGET\")"
          },
          {
            "alias": null,
            "args": (v4/*:: as any*/),
            "filters": [
              "role",
              "ordering"
            ],
            "handle": "connection",
            "key": "DockingsStation_dockingEventsConnection",
            "kind": "LinkedHandle",
            "name": "dockingEventsConnection"
          },
          (v6/*:: as any*/)
        ],
        "storageKey": null
      }
    ]
  },
  "params": {
    "cacheID": "7a6797e2adef1a5e928c54b37b955eaa",
    "id": null,
    "metadata": {},
    "name": "DockingsStationQuery",
    "operationKind": "query",
    "text": "query DockingsStationQuery(\n  $station: Int!\n) {\n  spaceStation(id: $station) {\n    ...DockingsStation_station\n    nodeId\n  }\n}\n\nfragment DockingsParty_party on DockingParty {\n  __isDockingParty: __typename\n  __typename\n  ... on SpacecraftFlight {\n    id\n    spacecraft {\n      name\n      spacecraftConfig {\n        id\n        name\n        nodeId\n      }\n      nodeId\n    }\n  }\n  ... on PayloadFlight {\n    id\n    payload {\n      name\n      nodeId\n    }\n  }\n  ... on SpaceStation {\n    id\n    name\n  }\n}\n\nfragment DockingsStation_station on SpaceStation {\n  id\n  name\n  dockingEventsConnection(first: 2, role: TARGET, ordering: [DOCKING_DESC]) {\n    totalCount\n    edges {\n      node {\n        id\n        docking\n        chaser {\n          __typename\n          ...DockingsParty_party\n          ... on Node {\n            __isNode: __typename\n            nodeId\n          }\n        }\n        nodeId\n        __typename\n      }\n      cursor\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n  nodeId\n}\n"
  }
};
})();

node.hash = "9fc7779c5bcebbc1da816dc25ec70c50";

module.exports = node;
