"""Exceptions for bad input: each names the file, line, column and value at fault."""

from __future__ import annotations

from pathlib import Path


class MosulmapError(Exception):
    """Base class for errors the CLI reports in one line."""


class InputError(MosulmapError):
    """A problem in an input file, located as precisely as the format allows."""

    def __init__(
        self,
        message: str,
        path: str | Path | None = None,
        line: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        self.value = value
        super().__init__(self.describe())

    def describe(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        what = self.message
        if self.column:
            what = f"column '{self.column}': {what}"
        if self.value is not None:
            shown = str(self.value)
            shown = shown if len(shown) <= 80 else shown[:77] + "..."
            what += f" (got {shown!r})"
        return f"{where}: {what}"
