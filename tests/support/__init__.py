"""What the tests share, imported by name (``from support.client import Client``); pytest puts
``tests/`` on the path (pyproject's ``pythonpath``). Fixtures stay in ``tests/conftest.py``.

- ``data``: the repository's files the tests read (its root, the seed page, the full-page query).
- ``databases``: the two backends, empty migrated databases on each, running a coroutine.
- ``client``: the app through real HTTP (``Client``, ``make_client``), counting SQL statements.
- ``db_dump``: ingest files as the CLI does; read a whole database as a value.
- ``pg_server``: a throwaway PostgreSQL server on 127.0.0.1.
- ``servers``: a real ``python -m gql_server serve`` on a free port of 127.0.0.1.
"""
