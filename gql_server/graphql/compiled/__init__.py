"""Compiled execution: a query whose every field this package understands is answered by a
small executor of its own (``run.py``) instead of graphql-core's, with graphql-core kept as
the fallback and as the reference (``GQL_COMPILED_CHECK``). See docs/compiled.md."""
