"""The GraphQL layer: types, loaders, root fields and the schema. Never imports the web app."""
