/**
 * @generated SignedSource<<9ef93b3bfe1a83f38973b78b604af6d9>>
 * @lightSyntaxTransform
 */

/* eslint-disable */

'use strict';

var node = (function(){
var v0 = [
  {
    "kind": "Literal",
    "name": "limit",
    "value": 100
  },
  {
    "kind": "Literal",
    "name": "ordering",
    "value": [
      "DOCKING_DESC"
    ]
  }
],
v1 = {
  "alias": null,
  "args": null,
  "kind": "ScalarField",
  "name": "count",
  "storageKey": null
},
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
  "name": "docking",
  "storageKey": null
},
v4 = [
  {
    "args": null,
    "kind": "FragmentSpread",
    "name": "DockingsParty_party"
  }
],
v5 = {
  "alias": null,
  "args": null,
  "kind": "ScalarField",
  "name": "name",
  "storageKey": null
},
v6 = {
  "alias": null,
  "args": null,
  "kind": "ScalarField",
  "name": "nodeId",
  "storageKey": null
},
v7 = [
  {
    "alias": null,
    "args": null,
    "kind": "ScalarField",
    "name": "__typename",
    "storageKey": null
  },
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
          (v5/*:: as any*/),
          {
            "alias": null,
            "args": null,
            "concreteType": "SpacecraftConfig",
            "kind": "LinkedField",
            "name": "spacecraftConfig",
            "plural": false,
            "selections": [
              (v2/*:: as any*/),
              (v5/*:: as any*/),
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
          (v5/*:: as any*/),
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
      (v5/*:: as any*/)
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
];
return {
  "fragment": {
    "argumentDefinitions": [],
    "kind": "Fragment",
    "metadata": null,
    "name": "DockingsEventsQuery",
    "selections": [
      {
        "alias": null,
        "args": (v0/*:: as any*/),
        "concreteType": "DockingEventPage",
        "kind": "LinkedField",
        "name": "dockingEvents",
        "plural": false,
        "selections": [
          (v1/*:: as any*/),
          {
            "alias": null,
            "args": null,
            "concreteType": "DockingEvent",
            "kind": "LinkedField",
            "name": "results",
            "plural": true,
            "selections": [
              (v2/*:: as any*/),
              (v3/*:: as any*/),
              {
                "alias": null,
                "args": null,
                "concreteType": null,
                "kind": "LinkedField",
                "name": "chaser",
                "plural": false,
                "selections": (v4/*:: as any*/),
                "storageKey": null
              },
              {
                "alias": null,
                "args": null,
                "concreteType": null,
                "kind": "LinkedField",
                "name": "target",
                "plural": false,
                "selections": (v4/*:: as any*/),
                "storageKey": null
              }
            ],
            "storageKey": null
          }
        ],
        "storageKey": "dockingEvents(limit:100,ordering:[\"DOCKING_DESC\"])"
      }
    ],
    "type": "Query",
    "abstractKey": null
  },
  "kind": "Request",
  "operation": {
    "argumentDefinitions": [],
    "kind": "Operation",
    "name": "DockingsEventsQuery",
    "selections": [
      {
        "alias": null,
        "args": (v0/*:: as any*/),
        "concreteType": "DockingEventPage",
        "kind": "LinkedField",
        "name": "dockingEvents",
        "plural": false,
        "selections": [
          (v1/*:: as any*/),
          {
            "alias": null,
            "args": null,
            "concreteType": "DockingEvent",
            "kind": "LinkedField",
            "name": "results",
            "plural": true,
            "selections": [
              (v2/*:: as any*/),
              (v3/*:: as any*/),
              {
                "alias": null,
                "args": null,
                "concreteType": null,
                "kind": "LinkedField",
                "name": "chaser",
                "plural": false,
                "selections": (v7/*:: as any*/),
                "storageKey": null
              },
              {
                "alias": null,
                "args": null,
                "concreteType": null,
                "kind": "LinkedField",
                "name": "target",
                "plural": false,
                "selections": (v7/*:: as any*/),
                "storageKey": null
              },
              (v6/*:: as any*/)
            ],
            "storageKey": null
          }
        ],
        "storageKey": "dockingEvents(limit:100,ordering:[\"DOCKING_DESC\"])"
      }
    ]
  },
  "params": {
    "cacheID": "543f6a06f6c2e4939559aa838b2d1b2a",
    "id": null,
    "metadata": {},
    "name": "DockingsEventsQuery",
    "operationKind": "query",
    "text": "query DockingsEventsQuery {\n  dockingEvents(limit: 100, ordering: [DOCKING_DESC]) {\n    count\n    results {\n      id\n      docking\n      chaser {\n        __typename\n        ...DockingsParty_party\n        ... on Node {\n          __isNode: __typename\n          nodeId\n        }\n      }\n      target {\n        __typename\n        ...DockingsParty_party\n        ... on Node {\n          __isNode: __typename\n          nodeId\n        }\n      }\n      nodeId\n    }\n  }\n}\n\nfragment DockingsParty_party on DockingParty {\n  __isDockingParty: __typename\n  __typename\n  ... on SpacecraftFlight {\n    id\n    spacecraft {\n      name\n      spacecraftConfig {\n        id\n        name\n        nodeId\n      }\n      nodeId\n    }\n  }\n  ... on PayloadFlight {\n    id\n    payload {\n      name\n      nodeId\n    }\n  }\n  ... on SpaceStation {\n    id\n    name\n  }\n}\n"
  }
};
})();

node.hash = "7b383ccc5af7c2e507d36e62522b28f4";

module.exports = node;
