"""Logging set-up for the CLI and uvicorn's processes: text or JSON lines (``GQL_LOG_FORMAT``).

One ``dictConfig`` serves both: the CLI applies it, and ``serve`` hands it to uvicorn, which
applies it in every worker process too. uvicorn's own access log is off: the gateway writes
its own access line (``gql_server.http.observe``), with what uvicorn cannot know.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s"
# Set on a record by the access log: its fields, written as JSON keys (or left in the text).
FIELDS = "gql_fields"


class JSONFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, pid, message, the record's ``gql_fields``,
    and the traceback (``exc``) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "pid": record.process,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, FIELDS, None) or {})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


_RUNNING = re.compile(r"Uvicorn running on (?P<url>\S+)")


class GraphiQLURL(logging.Filter):
    """Adds where GraphiQL is to uvicorn's "Uvicorn running on http://host:port" line (that
    URL's path ``/`` is only a landing page)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "uvicorn.error" and isinstance(record.msg, str):
            found = _RUNNING.search(record.getMessage())
            if found:
                record.msg = f"{record.getMessage()}\nGraphiQL: {found['url']}/graphql"
                record.args = ()
        return True


def config(fmt: str = "text") -> dict[str, Any]:
    """The ``logging.config.dictConfig`` for ``fmt`` ("text" or "json")."""
    formatter: dict[str, Any] = (
        {"()": "gql_server.logs.JSONFormatter"} if fmt == "json" else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "filters": {"graphiql_url": {"()": "gql_server.logs.GraphiQLURL"}},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": ["graphiql_url"],
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["default"], "level": "INFO"},
        "loggers": {
            # uvicorn's loggers go to the root handler, in the same format.
            "uvicorn": {"handlers": [], "level": "INFO", "propagate": True},
            "uvicorn.error": {"handlers": [], "level": "INFO", "propagate": True},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": True},
            "alembic": {"level": "WARNING"},
        },
    }
