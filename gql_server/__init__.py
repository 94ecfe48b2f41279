"""A GraphQL gateway over Launch Library 2 docking data."""
