"""Look-ahead planning: answer a row type's whole selection with one statement per table
(``plan``: what to answer; ``state``: loading and building; ``executor``: where graphql-core
hands over)."""
