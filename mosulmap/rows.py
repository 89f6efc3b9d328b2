"""The rows of a table file, as (row number, row or error): JSON Lines (read in blocks, with an
optional relevance scan of each block's raw bytes), CSV and Parquet. What a row must hold to be
a record, and what a record is, is :mod:`mosulmap.records`' business; here a row is whatever the
file holds, and a row that cannot be parsed is an error in its place. A stream that cannot be read
further (a truncated gzip file) raises, after the rows read before the fault.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

FIELDS = ("text", "published", "url", "publisher", "title")
READ_ERRORS = (OSError, EOFError, zlib.error, UnicodeError)
Scan = Callable[[bytes], list[int]]  # a block of whole lines -> offsets of the lines to read in full


def size_text(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n} bytes"


def open_binary(path: Path) -> io.BufferedIOBase:
    return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else path.open("rb")


def first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]


class ParquetError(Exception):
    pass


@dataclass(frozen=True)
class Cleared:
    """Good records that the scan of their lines cleared: read and checked, and never naming the place."""

    count: int


BLOCK_BYTES = 4 << 20  # JSON Lines are read in blocks of this size (the scan reads a block at once)


def json_lines(handle, limit: int, first: int = 1, end: int | None = None, scan: Scan | None = None,
               check: Callable[[dict], object] | None = None) -> Iterator[tuple[int, dict | Exception | Cleared]]:
    """(line number, object or error) for each non-blank line of a binary stream, lines split on
    ``\\n`` only; a line longer than ``limit`` is skipped unparsed. ``end`` stops at a byte offset
    (the end of a Dask worker's share of the file). ``scan``, given a block of whole lines, names
    the offsets of those that may mention the place (:meth:`mosulmap.relevance.Relevance.lines`):
    the others are parsed all the same, and those that pass ``check`` (which raises ValueError or
    TypeError for a row that is no good record) are counted as :class:`Cleared`; the rest are given
    as they read, so a bad record is reported wherever it stands.
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
            yield from _block_lines(block, number, limit, scan, check)
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
        yield from _block_lines(carry + b"\n", number, limit, scan, check)


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
    return ValueError(f"line longer than the record limit ({size_text(limit)})")


def _block_lines(block: bytes, number: int, limit: int, scan: Scan | None,
                 check: Callable[[dict], object] | None) -> Iterator[tuple[int, dict | Exception | Cleared]]:
    """The lines of a block of whole lines (each ends with ``\\n``), the first being line
    ``number + 1``. A line the scan clears that parses and passes ``check`` is counted, and a run
    of them given as one :class:`Cleared`, numbered as its last line; any other line is given as
    it reads, so a bad one is reported with the error it always had."""
    check = check or _any_row
    named = iter(scan(block)) if scan is not None else None
    wanted = next(named, -1) if named is not None else 0
    offset, cleared = 0, 0
    for line in block.split(b"\n")[:-1]:
        number += 1
        at, offset = offset, offset + len(line) + 1
        if named is not None and at != wanted and len(line) <= limit:
            try:  # names no place: checked and counted, never built into a record
                obj = orjson.loads(line)
                if type(obj) is dict:
                    check(obj)
                    cleared += 1
                    continue
            except (ValueError, TypeError):  # orjson.JSONDecodeError is a ValueError
                pass
        if len(line) > limit:
            row: dict | Exception = _oversized(limit)
        else:
            if number == 1:
                line = line.removeprefix(b"\xef\xbb\xbf")
            if not line.strip():
                continue
            try:
                obj = _parse_json(line)
                row = obj if isinstance(obj, dict) else ValueError("not a JSON object")
            except ValueError as exc:
                row = ValueError(first_line(exc))
        if cleared:
            yield number - 1, Cleared(cleared)
            cleared = 0
        yield number, row
        if named is not None and at == wanted:
            wanted = next(named, -1)
    if cleared:
        yield number, Cleared(cleared)


def _any_row(row: dict) -> None:
    """The default check of :func:`json_lines`: every object is a good row."""


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


def csv_rows(path: Path, limit: int) -> Iterator[tuple[int, dict | Exception]]:
    csv.field_size_limit(limit)
    with io.TextIOWrapper(open_binary(path), encoding="utf-8-sig", errors="replace", newline="") as handle:
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
                yield number, ValueError(first_line(exc))
                continue
            while len(lines.oversized) > reported:  # skipped before this row: a record of its own
                number += 1
                yield number, ValueError(f"a line longer than the record limit ({size_text(limit)}) at line "
                                         f"{lines.oversized[reported]}")
                reported += 1
            number += 1
            yield number, row


def parquet_rows(path: Path) -> Iterator[tuple[int, dict | Exception]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if path.suffix.lower() == ".gz":
        raise ParquetError("a gzip-compressed Parquet file: Parquet compresses itself; decompress it first")
    try:
        parquet = pq.ParquetFile(path)
        names = parquet.schema_arrow.names
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise ParquetError(f"not a readable Parquet file ({first_line(exc)})") from None
    repeated = sorted({n for n in names if names.count(n) > 1 and n in FIELDS})
    if repeated:
        raise ParquetError(f"column {repeated[0]!r} appears more than once")
    columns = [c for c in FIELDS if c in names]
    if "text" not in columns:
        raise ParquetError("no 'text' column")
    number = 0
    try:
        for batch in parquet.iter_batches(batch_size=256, columns=columns):
            for row in batch.to_pylist():
                number += 1
                yield number, row
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise ParquetError(first_line(exc)) from None
