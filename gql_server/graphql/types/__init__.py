"""GraphQL object types, one module per domain; each wraps rows of one table."""
