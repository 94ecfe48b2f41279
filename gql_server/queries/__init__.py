"""SQL for the list queries: filters, search, ordering and paging. No GraphQL here."""
