"""Reading news archives record by record, with limits: what a corpus run reads and what it skips.

Input is any mix of folders of ``.txt`` articles (with ``.meta.json`` sidecars), JSON Lines, CSV
and Parquet files with a ``text`` column (``.gz`` compressed too, except Parquet); output is a
stream of :class:`Record` and :class:`BadRecord`, in a fixed order. Nothing one input holds can
stop the run or exhaust memory: a record larger than ``max_record_bytes`` (compressed or not) is
skipped with its size, only regular files are read (a FIFO or a device is skipped), a link that
leaves its folder is not followed unless ``follow_links``, and a file that cannot be read or
decompressed (truncated gzip, bad deflate data, garbage Parquet) is reported with the records it
gave before the fault kept. JSON Lines are split on ``\\n`` only, as the format says, so every
engine reads a file the same way. Each record has a key (the path as given, ``#N`` for the Nth
record of a table) from which :func:`claim_prefix` makes claim ids unique across inputs. The rows
of each table format come from :mod:`mosulmap.rows`; what makes a row a record is checked here.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from pathlib import Path

from mosulmap.errors import InputError
from mosulmap.extract import read_metadata
from mosulmap.rows import (
    READ_ERRORS,
    Cleared,
    ParquetError,
    Scan,
    csv_rows,
    first_line,
    json_lines,
    open_binary,
    parquet_rows,
    size_text,
)

TABLE_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".parquet")
MAX_RECORD_BYTES = 1 << 20  # 1 MiB: fifty times a long news article; the extractor reads ~200 KB/s


@dataclass(frozen=True)
class Record:
    """One article of a corpus, wherever it came from."""

    key: str  # FILE or FILE#N: where it is, and the stem of its claim ids
    text: str
    published: date | None = None
    url: str = ""
    publisher: str = ""
    title: str | None = None


@dataclass(frozen=True)
class BadRecord:
    where: str  # FILE:RECORD
    reason: str


@dataclass(frozen=True)
class ReadOptions:
    """Limits of a corpus run (see the module docstring)."""

    max_record_bytes: int = MAX_RECORD_BYTES
    follow_links: bool = False


def parse_published(value: object) -> date | None:
    """A publication date from metadata: a date, a datetime (pandas' too), or ISO text with or
    without a time ("2016-11-04", "2016-11-04T10:30:00Z")."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    if len(text) > 10 and text[10] not in "T ":
        raise ValueError(f"not an ISO date: {text[:40]!r}")
    return date.fromisoformat(text[:10])


def kind_of(path: Path) -> str:
    name = path.name.lower().removesuffix(".gz")
    return next((s for s in TABLE_SUFFIXES if name.endswith(s)), ".txt")


def regular_file_problem(path: Path) -> str | None:
    """Why ``path`` is not read (None if it is a regular file): FIFOs block, devices never end."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    what = "a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else \
        "a folder" if stat.S_ISDIR(mode) else "not a regular file"
    return f"{what}: only regular files are read"


def folder_files(folder: Path, options: ReadOptions) -> Iterator[Path | BadRecord]:
    """The articles of a folder in name order; links that leave the folder and files that are
    not regular are reported, not read."""
    root = folder.resolve()
    for path in sorted(p for p in folder.iterdir() if re.search(r"\.txt(\.gz)?$", p.name, re.I)):
        if path.is_symlink() and not options.follow_links:
            target = path.resolve()
            if root != target and root not in target.parents:
                yield BadRecord(str(path), f"a link to {target}, outside the folder: not followed "
                                           "(--follow-links reads it)")
                continue
        problem = regular_file_problem(path)
        if problem:
            yield BadRecord(str(path), problem)
            continue
        yield path


def iter_records(inputs: Iterable[str | Path], strict: bool = False, options: ReadOptions | None = None,
                 scan: Scan | None = None) -> Iterator[Record | BadRecord | Cleared]:
    """Every record of every input, in a fixed order (folders sorted by file name); JSON Lines
    records that ``scan`` clears are counted, not built (see :func:`json_lines`)."""
    options = options or ReadOptions()
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            for entry in folder_files(path, options):
                yield from _report(entry, strict) if isinstance(entry, BadRecord) else read_article(entry, options,
                                                                                                     strict)
            continue
        if not path.exists() and not path.is_symlink():
            raise InputError("no such file or folder", path)
        problem = regular_file_problem(path)
        if problem:
            yield from _report(BadRecord(str(path), problem), strict)
        elif kind_of(path) == ".txt":
            yield from read_article(path, options, strict)
        else:
            yield from read_table(path, options, strict, scan)


def _report(bad: BadRecord, strict: bool) -> Iterator[BadRecord]:
    if strict:
        raise InputError(bad.reason, bad.where)
    yield bad


def read_article(path: Path, options: ReadOptions, strict: bool = False) -> Iterator[Record | BadRecord]:
    """One ``.txt`` (or ``.txt.gz``) article with its sidecar, at most ``max_record_bytes`` of it."""
    limit = options.max_record_bytes
    try:
        with open_binary(path) as handle:
            raw = handle.read(limit + 1)
        if len(raw) > limit:
            yield from _report(BadRecord(str(path), f"larger than the record limit ({size_text(limit)})"), strict)
            return
        meta = read_metadata(path)
        published = parse_published(meta.get("published"))
    except (*READ_ERRORS, ValueError, InputError) as exc:
        yield from _report(BadRecord(str(path), f"cannot read: {exc}"), strict)
        return
    text = raw.decode("utf-8-sig", errors="replace")
    yield Record(str(path), text, published, meta.get("url", ""), meta.get("publisher", ""), meta.get("title"))


def record_from_row(row: dict, key: str, limit: int) -> Record:
    """A table row as a Record (ValueError when it has no text, bad metadata or is too large)."""
    text, published = checked_row(row, limit)
    title = row.get("title")
    return Record(key, text, published, str(row.get("url") or ""), str(row.get("publisher") or ""),
                  str(title) if title else None)


def checked_row(row: dict, limit: int) -> tuple[str, date | None]:
    """The text and publication date of a row, or the ValueError that makes it a bad record."""
    text = row.get("text")
    if not isinstance(text, str) or not text or text.isspace():
        raise ValueError("no text")
    if len(text) > limit:
        raise ValueError(f"larger than the record limit ({size_text(limit)})")
    return text, parse_published(row.get("published"))


def read_table(path: Path, options: ReadOptions, strict: bool = False,
               scan: Scan | None = None) -> Iterator[Record | BadRecord | Cleared]:
    """Records of a JSON Lines, CSV or Parquet file; a bad row is reported and the rest read.
    ``scan`` (JSON Lines only): see :func:`json_lines`."""
    number = 0
    try:
        for number, row in _rows(path, options, scan):
            yield table_record(row, str(path), number, options.max_record_bytes, strict)
    except (*READ_ERRORS, ParquetError) as exc:  # a truncated gzip, bad deflate data, a broken Parquet file
        where = f"{path}:{number + 1}" if number else str(path)
        yield from _report(BadRecord(where, f"cannot read further: {first_line(exc)}"), strict)


def table_record(row: dict | Exception | Cleared, shown: str, number: int, limit: int,
                 strict: bool) -> Record | BadRecord | Cleared:
    """Record ``number`` of a table named ``shown``: the record, or a bad record (an error with
    ``strict``); cleared records pass as they are."""
    try:
        if type(row) is Cleared:
            return row
        if isinstance(row, Exception):
            raise row
        return record_from_row(row, f"{shown}#{number}", limit)
    except (ValueError, TypeError) as exc:
        if strict:
            raise InputError(f"bad record: {exc}", shown, number) from None
        return BadRecord(f"{shown}:{number}", str(exc))


def _rows(path: Path, options: ReadOptions,
          scan: Scan | None = None) -> Iterator[tuple[int, dict | Exception | Cleared]]:
    kind = kind_of(path)
    if kind == ".parquet":
        yield from parquet_rows(path)
    elif kind == ".csv":
        yield from csv_rows(path, options.max_record_bytes)
    else:
        with open_binary(path) as handle:
            yield from _json_rows(handle, options.max_record_bytes, scan)


def _json_rows(handle, limit: int, scan: Scan | None, first: int = 1,
               end: int | None = None) -> Iterator[tuple[int, dict | Exception | Cleared]]:
    """JSON Lines rows, the lines the scan clears checked as records are."""
    return json_lines(handle, limit, first, end, scan, partial(checked_row, limit=limit))


def line_records(handle, shown: str, options: ReadOptions, strict: bool, first: int, end: int,
                 scan: Scan | None = None) -> Iterator[Record | BadRecord | Cleared]:
    """The records of a byte range of a JSON Lines file (a Dask worker's share), from line ``first``."""
    limit = options.max_record_bytes
    for number, row in _json_rows(handle, limit, scan, first, end):
        yield table_record(row, shown, number, limit, strict)
