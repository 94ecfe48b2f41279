"""The one error ingestion reports: which file, where in its JSON, and what is wrong."""

from __future__ import annotations


class IngestError(Exception):
    """Bad input; nothing of the file it names was written."""

    def __init__(self, message: str, *, path: str = "$", file: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.file = file

    def in_file(self, file: str) -> IngestError:
        return IngestError(self.message, path=self.path, file=file)

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        return f"{where}{self.path}: {self.message}"
