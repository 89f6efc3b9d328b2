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
record of a table) from which :func:`claim_prefix` makes claim ids unique across inputs.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import stat
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import orjson

from mosulmap.errors import InputError
from mosulmap.extract import read_metadata

TABLE_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".parquet")
FIELDS = ("text", "published", "url", "publisher", "title")
MAX_RECORD_BYTES = 1 << 20  # 1 MiB: fifty times a long news article; the extractor reads ~200 KB/s
READ_ERRORS = (OSError, EOFError, zlib.error, UnicodeError)
Scan = Callable[[bytes], list[int]]  # a block of whole lines -> offsets of the lines to read in full


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


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n} bytes"


def _open_binary(path: Path) -> io.BufferedIOBase:
    return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else path.open("rb")


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
        with _open_binary(path) as handle:
            raw = handle.read(limit + 1)
        if len(raw) > limit:
            yield from _report(BadRecord(str(path), f"larger than the record limit ({_size(limit)})"), strict)
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
        raise ValueError(f"larger than the record limit ({_size(limit)})")
    return text, parse_published(row.get("published"))


def read_table(path: Path, options: ReadOptions, strict: bool = False,
               scan: Scan | None = None) -> Iterator[Record | BadRecord | Cleared]:
    """Records of a JSON Lines, CSV or Parquet file; a bad row is reported and the rest read.
    ``scan`` (JSON Lines only): see :func:`json_lines`."""
    number = 0
    try:
        for number, row in _rows(path, options, scan):
            yield table_record(row, str(path), number, options.max_record_bytes, strict)
    except (*READ_ERRORS, _ParquetError) as exc:  # a truncated gzip, bad deflate data, a broken Parquet file
        where = f"{path}:{number + 1}" if number else str(path)
        yield from _report(BadRecord(where, f"cannot read further: {_first_line(exc)}"), strict)


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


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]


class _ParquetError(Exception):
    pass


def _rows(path: Path, options: ReadOptions,
          scan: Scan | None = None) -> Iterator[tuple[int, dict | Exception | Cleared]]:
    kind = kind_of(path)
    if kind == ".parquet":
        yield from _parquet_rows(path)
    elif kind == ".csv":
        yield from _csv_rows(path, options.max_record_bytes)
    else:
        with _open_binary(path) as handle:
            yield from json_lines(handle, options.max_record_bytes, scan=scan)


@dataclass(frozen=True)
class Cleared:
    """Good records that the scan of their lines cleared: read and checked, and never naming the place."""

    count: int


BLOCK_BYTES = 4 << 20  # JSON Lines are read in blocks of this size (the scan reads a block at once)


def json_lines(handle, limit: int, first: int = 1, end: int | None = None,
               scan: Scan | None = None) -> Iterator[tuple[int, dict | Exception | Cleared]]:
    """(line number, object or error) for each non-blank line of a binary stream, lines split on
    ``\\n`` only; a line longer than ``limit`` is skipped unparsed. ``end`` stops at a byte offset
    (the end of a Dask worker's share of the file). ``scan``, given a block of whole lines, names
    the offsets of those that may mention the place (:meth:`mosulmap.relevance.Relevance.lines`):
    the others are parsed all the same (a bad one is reported) and given as :class:`Cleared`.
    The stream is read in blocks; memory stays within a block and one line of ``limit`` bytes.
    A read error (a truncated gzip stream) is raised after the whole lines read before it."""
    number = first - 1
    position = handle.tell() if end is not None else 0
    carry = b""  # the start of a line that goes on in the next block
    skipping = False  # inside a line longer than the limit: read to its end, not kept
    while True:
        data, fault = _read_block(handle, BLOCK_BYTES if end is None else max(0, min(BLOCK_BYTES, end - position)))
        position += len(data)
        cut = data.rfind(b"\n")
        if cut < 0:
            if not skipping:
                carry += data
                if len(carry) > limit:
                    number += 1
                    yield number, _oversized(limit)
                    carry, skipping = b"", True
        else:
            if skipping:
                block, skipping = data[data.find(b"\n") + 1:cut + 1], False
            else:
                block = carry + data[:cut + 1] if carry else data[:cut + 1]
            carry = data[cut + 1:]
            yield from _block_lines(block, number, limit, scan)
            number += block.count(b"\n")
            if len(carry) > limit:
                number += 1
                yield number, _oversized(limit)
                carry, skipping = b"", True
        if fault is not None:
            raise fault
        if not data:
            break
    if carry and not skipping:  # the last line, without a line end
        yield from _block_lines(carry + b"\n", number, limit, scan)


def _read_block(handle, size: int) -> tuple[bytes, Exception | None]:
    """Up to ``size`` bytes of a stream (fewer only at its end), and the error that stopped the
    read, if one did: a compressed stream is read a piece at a time (``read1``), so what it gave
    before a fault is kept."""
    parts, got = [], 0
    try:
        while got < size:
            piece = handle.read1(size - got)
            if not piece:
                break
            parts.append(piece)
            got += len(piece)
    except READ_ERRORS as exc:
        return b"".join(parts), exc
    return parts[0] if len(parts) == 1 else b"".join(parts), None


def _oversized(limit: int) -> ValueError:
    return ValueError(f"line longer than the record limit ({_size(limit)})")


def _block_lines(block: bytes, number: int, limit: int,
                 scan: Scan | None) -> Iterator[tuple[int, dict | Exception | Cleared]]:
    """The lines of a block of whole lines (each ends with ``\\n``), the first being line
    ``number + 1``. A line the scan clears is parsed and checked all the same (a bad one is
    reported); a run of good ones is given as one :class:`Cleared`, numbered as its last line."""
    named = iter(scan(block)) if scan is not None else None
    wanted = next(named, -1) if named is not None else 0
    offset, cleared = 0, 0
    for line in block.split(b"\n")[:-1]:
        number += 1
        at, offset = offset, offset + len(line) + 1
        if named is not None and at != wanted and len(line) <= limit:
            try:  # a cleared line, checked on the fast path (a line that fails it is read again below)
                if checked_row(orjson.loads(line), limit):
                    cleared += 1
                    continue
            except (orjson.JSONDecodeError, ValueError, TypeError, AttributeError):
                pass
        if len(line) > limit:
            problem: Exception | None = _oversized(limit)
        else:
            if number == 1:
                line = line.removeprefix(b"\xef\xbb\xbf")
            if not line.strip():
                continue
            try:
                obj = _parse_json(line)
                problem = None if isinstance(obj, dict) else ValueError("not a JSON object")
            except ValueError as exc:
                problem = ValueError(_first_line(exc))
        if problem is None and named is not None and at != wanted:
            try:
                checked_row(obj, limit)
                cleared += 1
                continue
            except (ValueError, TypeError) as exc:
                problem = exc
        if cleared:
            yield number - 1, Cleared(cleared)
            cleared = 0
        yield number, obj if problem is None else problem
        if named is not None and at == wanted:
            wanted = next(named, -1)
    if cleared:
        yield number, Cleared(cleared)


def _parse_json(line: bytes) -> object:
    """One JSON Lines record: orjson (several times faster) where it gives what the standard
    library gives, the standard library otherwise, so a record reads, or fails with the same
    message, either way. orjson refuses what json takes (bytes that are not UTF-8, read here with
    replacement characters; lone surrogates, replaced the same way; NaN and Infinity) and reads
    integers past 64 bits as floats: those lines, and any record whose fields hold a float, go to json."""
    try:
        obj = orjson.loads(line)
        if not (isinstance(obj, dict) and any(type(obj.get(f)) is float for f in FIELDS)):
            return obj
    except orjson.JSONDecodeError:
        pass
    return _without_surrogates(json.loads(line.decode("utf-8", errors="replace")))


_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(obj: object) -> object:
    """A lone surrogate ("\\ud800" in JSON) is no character: it cannot be written as UTF-8, so it
    is replaced like a byte that is not UTF-8 (U+FFFD) in the fields a record reads."""
    if isinstance(obj, dict):
        for f in FIELDS:
            if isinstance(obj.get(f), str) and _SURROGATE.search(obj[f]):
                obj[f] = _SURROGATE.sub("\ufffd", obj[f])
    return obj


class _BoundedLines:
    """Lines of a text stream for the csv module, none longer than ``limit`` (a longer one is
    skipped and its line number kept, so the reader reports it instead of holding it)."""

    def __init__(self, handle: io.TextIOBase, limit: int) -> None:
        self.handle, self.limit, self.line, self.oversized = handle, limit, 0, []

    def __iter__(self) -> _BoundedLines:
        return self

    def __next__(self) -> str:
        text = self.handle.readline(self.limit + 1)
        if not text:
            raise StopIteration
        self.line += 1
        if len(text) > self.limit and not text.endswith("\n"):
            while text and not text.endswith("\n"):
                text = self.handle.readline(1 << 20)
            self.oversized.append(self.line)
            return "\n"
        return text


def _csv_rows(path: Path, limit: int) -> Iterator[tuple[int, dict | Exception]]:
    csv.field_size_limit(limit)
    with io.TextIOWrapper(_open_binary(path), encoding="utf-8-sig", errors="replace", newline="") as handle:
        lines = _BoundedLines(handle, limit)
        reader = csv.DictReader(lines)
        number, reported = 0, 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                number += 1
                yield number, ValueError(_first_line(exc))
                continue
            while len(lines.oversized) > reported:  # skipped before this row: a record of its own
                number += 1
                yield number, ValueError(f"a line longer than the record limit ({_size(limit)}) at line "
                                         f"{lines.oversized[reported]}")
                reported += 1
            number += 1
            yield number, row


def _parquet_rows(path: Path) -> Iterator[tuple[int, dict | Exception]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if path.suffix.lower() == ".gz":
        raise _ParquetError("a gzip-compressed Parquet file: Parquet compresses itself; decompress it first")
    try:
        parquet = pq.ParquetFile(path)
        names = parquet.schema_arrow.names
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise _ParquetError(f"not a readable Parquet file ({_first_line(exc)})") from None
    repeated = sorted({n for n in names if names.count(n) > 1 and n in FIELDS})
    if repeated:
        raise _ParquetError(f"column {repeated[0]!r} appears more than once")
    columns = [c for c in FIELDS if c in names]
    if "text" not in columns:
        raise _ParquetError("no 'text' column")
    number = 0
    try:
        for batch in parquet.iter_batches(batch_size=256, columns=columns):
            for row in batch.to_pylist():
                number += 1
                yield number, row
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise _ParquetError(_first_line(exc)) from None
