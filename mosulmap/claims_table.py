"""Claims as columns: validation and writing at the speed of the file formats.

A million claims validated row by row in Python take a minute; here a batch of rows is checked
column by column with pyarrow (vocabularies, required values, the event/status table, dates and
their window, publication after the event), and only the rows a check flags go through the
row-by-row validator of :mod:`mosulmap.claims`, which gives the exact error (file, line, column,
value). Rows that pass are built into :class:`~mosulmap.claims.Claim` objects directly. The
result is the same as validating every row one by one, only faster.

Writing goes the other way: claims become one Arrow table (:func:`claims_table`), written as
Parquet or as formula-safe CSV by pyarrow's writers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from operator import attrgetter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mosulmap.campaign import current as current_campaign
from mosulmap.claims import (
    BASIS,
    COLUMNS,
    CONFIDENCE,
    EVENT_STATUSES,
    ISO_DATE,
    REQUIRED,
    Claim,
    ClaimSet,
    DatePrecision,
    InputError,
    Status,
    claim_from_row,
)
from mosulmap.io import csv_pieces

BATCH = 65536
_STATUS = {s.value: s for s in Status}
_PRECISION = {p.value: p for p in DatePrecision}
_PAIRS = pa.array(sorted(f"{e}|{s.value}" for e, statuses in EVENT_STATUSES.items() for s in statuses))
_FORMULA = r"^'*[=+\-@\t\r]"


def _strings(column: pa.ChunkedArray | pa.Array) -> pa.Array | None:
    """A column as trimmed strings with "" for null, or None when it holds values that are not
    text or numbers (lists, structs: the row-by-row path turns those into JSON)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    kind = column.type
    if pa.types.is_dictionary(kind):
        column, kind = column.dictionary_decode(), column.type.value_type
    if pa.types.is_null(kind):
        return pa.array([""] * len(column), pa.string())
    if pa.types.is_large_string(kind):
        column = column.cast(pa.string())
    elif not pa.types.is_string(kind):
        if not (pa.types.is_integer(kind) or pa.types.is_boolean(kind)):
            return None
        # str(True) is "True" where Arrow writes "true": booleans keep Python's spelling
        column = pa.array([None if v is None else str(v) for v in column.to_pylist()], pa.string())
    return pc.utf8_trim_whitespace(column.fill_null(""))


def _day_lookup(values: pa.Array, required: bool) -> tuple[dict[str, date], pa.Array]:
    """Parse each distinct date once: (valid text -> date, mask of rows whose date is valid)."""
    campaign = current_campaign()
    parsed = {}
    for text in pc.unique(values).to_pylist():
        if not text or not ISO_DATE.fullmatch(text):
            continue
        try:
            value = date.fromisoformat(text)
        except ValueError:
            continue
        if campaign.claims_earliest <= value <= campaign.claims_latest:
            parsed[text] = value
    ok = pc.is_in(values, pa.array(list(parsed), pa.string()))
    if not required:
        ok = pc.or_(ok, pc.equal(values, ""))
    return parsed, ok


def validate_batch(batch: pa.RecordBatch | pa.Table | None, path: Path, lines: list[int], seen: dict[str, int],
                   result: ClaimSet, strict: bool, raw: Callable[[int], dict] | None = None) -> None:
    """Validate one batch of rows (``lines``: the line or record number of each) into ``result``.

    ``seen`` maps the claim ids read so far to their line (duplicates are errors); ``raw(i)`` gives
    row ``i`` as read (default: from the batch), for the row-by-row validator. A batch of None
    (values Arrow cannot hold in one column) is validated row by row."""
    if raw is None:
        def raw(i: int) -> dict:
            return batch.slice(i, 1).to_pylist()[0]
    names = list(batch.schema.names) if batch is not None else []
    columns = {n: _strings(batch.column(n)) for n in names} if len(set(names)) == len(names) else {"": None}
    if batch is None or any(v is None for v in columns.values()):
        _slow(raw, path, lines, range(len(lines)), seen, result, strict)
        return
    empty = pa.array([""] * len(lines), pa.string())
    col = {c: columns.get(c, empty) for c in COLUMNS}
    ok = pc.and_(pc.is_in(col["status"], pa.array(list(_STATUS))),
                 pc.is_in(col["event"], pa.array(list(EVENT_STATUSES))))
    for name in REQUIRED:
        ok = pc.and_(ok, pc.not_equal(col[name], ""))
    ok = pc.and_(ok, pc.is_in(pc.binary_join_element_wise(col["event"], col["status"], "|"), _PAIRS))
    ok = pc.and_(ok, pc.is_in(col["date_precision"], pa.array(list(_PRECISION))))
    for name, allowed in (("confidence", CONFIDENCE), ("basis", BASIS)):
        ok = pc.and_(ok, pc.is_in(col[name], pa.array(["", *allowed])))
    days, day_ok = _day_lookup(col["date"], True)
    published, published_ok = _day_lookup(col["published"], False)
    ok = pc.and_(ok, pc.and_(day_ok, published_ok))
    # ISO dates order as text: the event on or before its publication
    ok = pc.and_(ok, pc.or_(pc.equal(col["published"], ""), pc.less_equal(col["date"], col["published"])))
    slow = {i for i, good in enumerate(ok.to_pylist()) if not good}
    values = {c: _values(col[c]) for c in COLUMNS}
    ids, dates, precisions, places = values["claim_id"], values["date"], values["date_precision"], values["place_id"]
    statuses, publication, excepts, actors = values["status"], values["published"], values["except_place_ids"], \
        values["actor"]
    origin = f"{path}:"
    for i in range(len(lines)):
        if i in slow or ids[i] in seen:
            _slow(raw, path, lines, [i], seen, result, strict)
            continue
        seen[ids[i]] = lines[i]
        place_ids, excepted = places[i], excepts[i]
        result.claims.append(Claim(  # positional, in field order: a million keyword calls cost seconds
            ids[i], days[dates[i]], _PRECISION[precisions[i]], values["place_as_written"][i], _STATUS[statuses[i]],
            values["event"][i], values["source"][i], actors[i] or "unspecified", values["place_canonical"][i],
            tuple(p for p in place_ids.split(";") if p) if place_ids else (), "unresolved",
            published.get(publication[i]), values["quote"][i], values["note"][i], values["confidence"][i],
            origin + str(lines[i]), values["url"][i],
            tuple(p.strip() for p in excepted.split(";") if p.strip()) if excepted else (),
            values["claimant"][i], values["basis"][i], values["relay_of"][i],
        ))


def _values(column: pa.Array) -> list[str]:
    """A string column as Python strings, each distinct value one object (a million rows of the
    same source share one string)."""
    encoded = column.dictionary_encode()
    return np.array(encoded.dictionary.to_pylist() + [""], dtype=object)[
        encoded.indices.fill_null(-1).to_numpy()].tolist()


def _slow(raw: Callable[[int], dict], path: Path, lines: list[int], rows: Iterable[int], seen: dict[str, int],
          result: ClaimSet, strict: bool) -> None:
    """The row-by-row validator, for the rows a column check flagged: it names the exact problem."""
    for i in rows:
        row = {k: ("" if v is None else v) for k, v in raw(i).items()}
        try:
            claim = claim_from_row(row, path, lines[i])
            if claim.claim_id in seen:
                raise InputError(f"duplicate claim_id (first on line {seen[claim.claim_id]})", path, lines[i],
                                 "claim_id", claim.claim_id)
            seen[claim.claim_id] = lines[i]
            result.claims.append(claim)
        except InputError as exc:
            if strict:
                raise
            result.problems.append(exc)


def collect_rows(path: Path, rows: Iterable[tuple[int, dict[str, object] | InputError]], strict: bool) -> ClaimSet:
    """Validate rows as read from a CSV or JSON Lines file, in batches; records the reader could not
    parse are problems in line order (with ``strict``, the first problem in line order raises)."""
    result, seen = ClaimSet(), {}
    pending: list[dict] = []
    lines: list[int] = []

    def flush() -> None:
        if pending:
            keys = list(dict.fromkeys(k for row in pending for k in row))
            try:
                batch = pa.table({k: [row.get(k) for row in pending] for k in keys})
            except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
                batch = None  # mixed types in a column: row by row
            rows_read = list(pending)
            validate_batch(batch, path, list(lines), seen, result, strict, rows_read.__getitem__)
            pending.clear()
            lines.clear()

    for line, row in rows:
        if isinstance(row, InputError):
            flush()
            if strict:
                raise row
            result.problems.append(row)
            continue
        pending.append(row)
        lines.append(line)
        if len(pending) >= BATCH:
            flush()
    flush()
    return result


def collect_parquet(path: Path, handle, strict: bool) -> ClaimSet:
    """Validate a Parquet file batch by batch (its record number stands for the line)."""
    result, seen, number = ClaimSet(), {}, 0
    for batch in handle.iter_batches(batch_size=BATCH):
        lines = list(range(number + 1, number + batch.num_rows + 1))
        number += batch.num_rows
        validate_batch(batch, path, lines, seen, result, strict)
    return result


def claims_table(claims: Iterable[Claim]) -> pa.Table:
    """Claims as an Arrow table of strings in the standard column order, values raw."""
    claims = list(claims)
    days: dict[date | None, str] = {None: ""}
    for c in claims:  # each distinct day written once
        if c.date not in days:
            days[c.date] = c.date.isoformat()
        if c.published not in days:
            days[c.published] = c.published.isoformat()
    get = {name: attrgetter(name) for name in COLUMNS if name not in ("place_id", "date", "published")}
    get["date"] = lambda c: days[c.date]
    get["published"] = lambda c: days[c.published]
    get["place_id"] = lambda c: ";".join(c.place_ids)
    get["except_place_ids"] = lambda c: ";".join(c.except_place_ids)
    # one column at a time, so a million claims never stand as Python lists of every column at once;
    # enums are str: their value is the text
    return pa.table({k: pa.array(map(get[k], claims), pa.string(), size=len(claims)) for k in COLUMNS})


def safe_table(table: pa.Table) -> pa.Table:
    """The table with formula-like values neutralised for spreadsheets (as :func:`mosulmap.claims.csv_safe`)."""
    return pa.table({k: _safe(table.column(k)) for k in table.column_names})


def _safe(column: pa.ChunkedArray) -> pa.ChunkedArray:
    risky = pc.match_substring_regex(column, _FORMULA)
    return pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)


def write_parquet(table: pa.Table) -> bytes:
    import pyarrow.parquet as pq

    buffer = pa.BufferOutputStream()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue().to_pybytes()


def write_csv(table: pa.Table, header: bool = True) -> str:
    """CSV text of a (formula-safe) claims table: the csv module's quoting, rows written in C
    (``header=False``: the rows alone, to append to a file)."""
    return "".join(csv_chunks(table, header))


def csv_chunks(table: pa.Table, header: bool = True, rows: int = 20_000) -> Iterator[str]:
    """:func:`write_csv` in pieces of ``rows`` rows, to stream a large table to a file."""
    def rows_of(start: int, stop: int) -> Iterable[tuple]:
        part = table.slice(start, stop - start)
        return zip(*(part.column(k).to_pylist() for k in part.column_names))

    return csv_pieces(table.column_names if header else None, table.num_rows, rows_of, rows)
