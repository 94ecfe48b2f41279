"""SQL storage: typed ORM models, the engine and the schema."""
