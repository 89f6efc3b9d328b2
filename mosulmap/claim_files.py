"""Claim files: reading (CSV, JSON Lines, Parquet), resolving every place through the gazetteer,
and writing.

Loading validates every field, names file, line, column and value for each problem, and
re-resolves every place through the gazetteer; unresolved places are kept and reported, never
dropped. The record itself and the validation of one row are :mod:`mosulmap.claims`.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from mosulmap.campaign import using
from mosulmap.claims import (
    CLAIM_FIELDS,
    FIELD_LIMIT,
    REQUIRED,
    Claim,
    ClaimSet,
    claim_of,
    csv_unsafe,
)
from mosulmap.errors import InputError, MosulmapError
from mosulmap.io import atomic_write_bytes, atomic_write_text
from mosulmap.resolver import Resolver

_SET = object.__setattr__


def _placed(claim: Claim, place_ids: tuple[str, ...], resolution: str) -> Claim:
    """``replace(claim, place_ids=…, resolution=…)`` without ``replace``'s cost."""
    given = {"place_ids": place_ids, "resolution": resolution}
    return claim_of(given[name] if name in given else getattr(claim, name) for name in CLAIM_FIELDS)


def _place_in(claim: Claim, place_ids: tuple[str, ...], resolution: str) -> Claim:
    """Complete a claim that was just read and that nothing else holds yet, in place."""
    _SET(claim, "place_ids", place_ids)
    _SET(claim, "resolution", resolution)
    return claim


def _json_rows(path: Path, text: str) -> Iterable[tuple[int, dict[str, object] | InputError]]:
    stripped = text.lstrip()
    if stripped.startswith("["):
        raise InputError("a JSON array, not JSON Lines (one object per line)", path, 1)
    # Only \n ends a line: U+2028, U+2029 and U+0085 are legal inside JSON strings.
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except ValueError as exc:
            yield number, InputError(f"not valid JSON: {exc.msg}", path, number, None, raw)
            continue
        if not isinstance(obj, dict):
            yield number, InputError("a JSON Lines row must be an object", path, number, None, raw)
            continue
        yield number, obj


def _csv_records(path: Path, text: str) -> Iterable[tuple[int, list[str] | InputError]]:
    """(first line, fields) per CSV record. A structurally broken record (an unbalanced quote,
    junk after a closing quote) is reported at its first line and reading starts again on the
    next physical line, so the rows after it are read and reported too."""
    if "\n" not in text:
        text = text.replace("\r", "\n")  # old Mac line ends
    # Split on \n only and leave \r to the csv module, so a \r inside a quoted field survives.
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    position = 0

    def feed():
        nonlocal position
        while position < len(lines):
            position += 1
            yield lines[position - 1] + "\n"

    width = None  # fields per record, from the header (the first non-blank record)
    previous_limit = csv.field_size_limit(FIELD_LIMIT)
    try:
        while position < len(lines):
            first = position
            reader = csv.reader(feed(), strict=True)
            try:
                for values in reader:
                    if width is None and any(v.strip() for v in values):
                        width = len(values)
                    elif width is not None and len(values) != width and position - first > 1:
                        # A quote opened on this line swallowed the lines after it.
                        yield first + 1, InputError(
                            f"malformed CSV: a quoted field runs over {position - first} lines and leaves "
                            f"{len(values)} fields where the header has {width}", path, first + 1)
                        position = first + 1
                        break
                    yield first + 1, values
                    first = position
                else:
                    return
            except csv.Error as exc:
                line = lines[first].rstrip("\r")
                if "new-line character" in str(exc) and "\r" in line:
                    # A lone CR outside quotes ends a line (a file edited on an old Mac): split it
                    # there and read on, rather than losing the rows it joined.
                    lines[first:first + 1] = line.split("\r")
                    position = first
                    continue
                yield first + 1, InputError(f"malformed CSV: {exc}", path, first + 1)
                position = first + 1
    finally:
        csv.field_size_limit(previous_limit)


def _rows(path: Path, text: str) -> Iterable[tuple[int, dict[str, object] | InputError]]:
    """(line, row) pairs from CSV or JSON Lines text; a malformed record yields an InputError.

    Whole-file problems (no header, missing or repeated columns, a JSON array) raise."""
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        yield from _json_rows(path, text)
        return
    records = _csv_records(path, text)
    header: list[str] | InputError | None = None
    for _, header in records:
        if isinstance(header, InputError) or any(v.strip() for v in header):
            break
    if header is None:
        raise InputError("empty file: no header row", path, 1)
    if isinstance(header, InputError):
        raise header
    header = [h.strip().lstrip("\ufeff") for h in header]
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        raise InputError(f"column repeated in the header: {', '.join(repeated)}", path, 1)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(f"missing columns {', '.join(missing)}", path, 1)
    for line, values in records:
        if isinstance(values, InputError):
            yield line, values
            continue
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            yield line, InputError(f"{len(values)} fields where the header has {len(header)}", path, line)
            continue
        yield line, {h: csv_unsafe(v) for h, v in zip(header, values)}


def read_claims(path: str | Path, strict: bool = False) -> ClaimSet:
    """Read and validate a claims file (CSV, or JSON Lines for ``.jsonl``/``.ndjson``).

    With ``strict`` the first problem raises; otherwise bad rows are skipped and collected in
    ``ClaimSet.problems``. Places are not resolved here; see :func:`load_claims`.
    """
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        return _collect_parquet(path, strict)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read claims: {exc.strerror}", path) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", path) from None
    if "\x00" in text:
        raise InputError("binary data, not a claims file", path)
    return _collect_rows(path, _rows(path, text), strict)


def _collect_parquet(path: Path, strict: bool) -> ClaimSet:
    """Claims from a Parquet file; its record number stands for the line."""
    import pyarrow.parquet as pq

    from mosulmap.claims_table import collect_parquet

    try:
        handle = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for unreadable files
        raise InputError(f"cannot read as Parquet: {exc}", path) from None
    missing = [c for c in REQUIRED if c not in handle.schema_arrow.names]
    if missing:
        raise InputError(f"missing columns {', '.join(missing)}", path, 1)
    try:
        return _usable(path, collect_parquet(path, handle, strict))
    except OSError as exc:  # a damaged page
        raise InputError(f"cannot read as Parquet: {exc}", path) from None


def _collect_rows(path: Path, rows: Iterable[tuple[int, dict[str, object] | InputError]], strict: bool) -> ClaimSet:
    from mosulmap.claims_table import collect_rows  # validates column by column, row by row where flagged

    return _usable(path, collect_rows(path, rows, strict))


def _usable(path: Path, result: ClaimSet) -> ClaimSet:
    if not result.claims:
        # A file that gives nothing to map is a whole-file error: building an empty map from it
        # would replace a good output with a blank one.
        if result.problems:
            first = result.problems[0]
            raise InputError(f"no usable claims: all {len(result.problems)} rows are bad (first: {first.describe()})",
                             path)
        raise InputError("no claims in file (a header and no rows?)", path)
    return result


def _origin(claim: Claim) -> tuple[str, int | None]:
    """(file, line) a loaded claim came from."""
    path, _, line = claim.origin.rpartition(":")
    return (path, int(line)) if line.isdigit() else (claim.origin, None)


def resolve_claims(claims: ClaimSet, resolver: Resolver, fresh: bool = False) -> ClaimSet:
    """Attach gazetteer places to every claim.

    A ``place_canonical`` (or ``place_id``) given in the file wins and must exist in the gazetteer;
    otherwise ``place_as_written`` goes through the resolver. Unresolved claims are kept.
    ``fresh``: the claims were just read and nothing else holds them, so they are completed in
    place instead of copied (a million copies take seconds).
    """
    gazetteer = resolver.gazetteer
    out = ClaimSet(problems=list(claims.problems), warnings=list(claims.warnings))
    names = list(dict.fromkeys(c.place_as_written for c in claims.claims if not c.place_canonical and not c.place_ids))
    by_name = dict(zip(names, resolver.resolve_many(names)))
    complete = _place_in if fresh else _placed
    for claim in claims.claims:
        if claim.except_place_ids:
            excepted = tuple(gazetteer.canonical_id(p) for p in claim.except_place_ids)
            if None in excepted:
                bad = ";".join(p for p, c in zip(claim.except_place_ids, excepted) if c is None)
                out.problems.append(InputError("not a gazetteer place", *_origin(claim), "except_place_ids", bad))
                continue
            claim = replace(claim, except_place_ids=excepted)
        if claim.place_canonical or claim.place_ids:
            place = gazetteer.by_name(claim.place_canonical) if claim.place_canonical else None
            ids = (place.place_id,) if place else tuple(p for p in claim.place_ids if p in gazetteer)
            if not ids or len(ids) != max(1, len(claim.place_ids)):
                column = "place_canonical" if claim.place_canonical else "place_id"
                value = claim.place_canonical or ";".join(claim.place_ids)
                out.problems.append(InputError("not a gazetteer place", *_origin(claim), column, value))
                continue
            out.claims.append(complete(claim, ids, "given"))
            continue
        match = by_name[claim.place_as_written]
        if match.is_resolved:
            out.claims.append(complete(claim, match.place_ids, match.status.value))
        else:
            why = match.status.value + (f": {match.reason}" if match.reason else "")
            out.claims.append(complete(claim, (), match.status.value))
            out.warnings.append(f"{claim.origin} {claim.claim_id}: {claim.place_as_written!r} {why}")
    for claim in [c for c in out.claims if c.except_place_ids]:
        if not any(gazetteer[p].is_whole_area for p in claim.place_ids):
            out.claims.remove(claim)
            out.problems.append(InputError("except_place_ids applies only to a claim on the whole area",
                                           *_origin(claim), "except_place_ids", ";".join(claim.except_place_ids)))
    return out


def load_claims(paths: str | Path | Iterable[str | Path], resolver: Resolver | None = None,
                strict: bool = False) -> ClaimSet:
    """Read, validate and resolve one or more claims files.

    Parameters
    ----------
    paths : path or iterable of paths
        CSV or JSON Lines files with the columns in ``COLUMNS`` (``REQUIRED`` at least).
    resolver : Resolver, optional
        Defaults to one over the bundled gazetteer.
    strict : bool
        Raise on the first bad row instead of skipping and reporting it.

    Returns
    -------
    ClaimSet
        Claims with ``place_ids`` and ``resolution`` set; bad rows in ``problems``;
        unresolved places in ``warnings`` (the claims themselves are kept).
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    resolver = resolver or Resolver()
    result = ClaimSet()
    ids: dict[str, str] = {}
    for path in paths:
        with using(resolver.gazetteer.campaign):
            part = resolve_claims(read_claims(path, strict=strict), resolver, fresh=True)
        for claim in part.claims:
            if claim.claim_id in ids:
                problem = InputError(f"claim_id also used in {ids[claim.claim_id]}", *_origin(claim), "claim_id",
                                     claim.claim_id)
                if strict:
                    raise problem
                part.problems.append(problem)
                continue
            ids[claim.claim_id] = claim.origin
            result.claims.append(claim)
        result.problems += part.problems
        result.warnings += part.warnings
    if strict and result.problems:
        raise result.problems[0]
    return result


def claims_csv(claims: Iterable[Claim]) -> str:
    """Claims as CSV text in the standard column order, formula-like values neutralised
    (:func:`csv_safe`; the loader undoes it, JSON Lines and Parquet keep values raw)."""
    from mosulmap.claims_table import claims_table, safe_table, write_csv

    return write_csv(safe_table(claims_table(claims)))


def claims_jsonl(claims: Iterable[Claim]) -> str:
    """Claims as JSON Lines, values raw."""
    return "".join(json.dumps(c.to_row(), ensure_ascii=False) + "\n" for c in claims)


CLAIM_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".parquet")


def write_claims(claims: Iterable[Claim], path: str | Path) -> Path:
    """Write claims as CSV, JSON Lines (``.jsonl``) or Parquet (``.parquet``), atomically."""
    path = Path(path)
    if path.suffix.lower() not in CLAIM_SUFFIXES:
        raise MosulmapError(f"{path}: claims are written as {', '.join(CLAIM_SUFFIXES)}")
    if path.suffix.lower() == ".parquet":
        from mosulmap.claims_table import claims_table, write_parquet

        return atomic_write_bytes(path, write_parquet(claims_table(claims)))
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return atomic_write_text(path, claims_jsonl(claims))
    return atomic_write_text(path, claims_csv(claims))
