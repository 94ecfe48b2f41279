from gql_server.cli import main

raise SystemExit(main())
