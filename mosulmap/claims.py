"""Claims stage: the dated control-claim record, and loading/validating/writing claim files.

A claim says that one report put one place in one control state on one day. Claims come from a
hand-curated file (CSV or JSON Lines, the columns of ``data/claims/east_mosul_claims.csv``) or
from ``extract``. Loading validates every field, names file, line, column and value for each
problem, and re-resolves every place through the gazetteer; unresolved places are kept and
reported, never dropped.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from pathlib import Path

from mosulmap.campaign import current as current_campaign
from mosulmap.campaign import using
from mosulmap.errors import InputError, MosulmapError
from mosulmap.io import atomic_write_bytes, atomic_write_text
from mosulmap.resolver import Resolver


class Status(StrEnum):
    """Control state a claim implies."""

    GOV_CONTROL = "gov_control"
    CONTESTED = "contested"
    IS_CONTROL = "is_control"


class DatePrecision(StrEnum):
    """How firmly the event date is known (see ``data/claims/README.md``)."""

    EXACT = "exact"
    INFERRED = "inferred"
    APPROXIMATE = "approximate"

    @property
    def acled_time_precision(self) -> int:
        """ACLED-style code: 1 exact day, 2 within a week, 3 within a month."""
        return {"exact": 1, "inferred": 1, "approximate": 2}[self.value]


# Each event and the statuses it may imply (the table in data/claims/README.md).
EVENT_STATUSES: dict[str, frozenset[Status]] = {
    "captured": frozenset({Status.GOV_CONTROL}),
    "liberated": frozenset({Status.GOV_CONTROL}),
    "cleared": frozenset({Status.GOV_CONTROL}),
    "declared_liberated": frozenset({Status.GOV_CONTROL}),
    "admitted_loss": frozenset({Status.GOV_CONTROL}),
    "entered": frozenset({Status.CONTESTED}),
    "stormed": frozenset({Status.CONTESTED}),
    "fighting": frozenset({Status.CONTESTED}),
    "attacked": frozenset({Status.CONTESTED}),
    "counterattack": frozenset({Status.CONTESTED, Status.IS_CONTROL}),
    "withdrew": frozenset({Status.IS_CONTROL}),
    "held": frozenset({Status.IS_CONTROL}),  # IS still holds the place (no withdrawal reported)
}
CONFIDENCE = ("high", "medium", "low")
# On what the claimant says it: its own declaration, what it (or a correspondent) saw, the
# adversary's admission (IS conceding a loss), or an inference (a list of districts, a map).
BASIS = ("declared", "observed", "admitted", "inferred")
REQUIRED = ("claim_id", "date", "date_precision", "place_as_written", "status", "event", "source")
COLUMNS = (
    "claim_id", "date", "date_precision", "place_as_written", "place_canonical", "place_id", "status",
    "event", "actor", "source", "published", "quote", "note", "confidence", "url", "except_place_ids",
    "claimant", "basis", "relay_of",
)


@dataclass(frozen=True, slots=True)
class Claim:
    """One dated statement about who held one place.

    ``place_ids`` is one east-bank id, the members of a numbered family ("Qadisiya" names
    Qadisiya 1 and 2), or empty when the place could not be resolved; ``resolution`` says which.
    """

    claim_id: str
    date: date
    date_precision: DatePrecision
    place_as_written: str
    status: Status
    event: str
    source: str
    actor: str = "unspecified"
    place_canonical: str = ""
    place_ids: tuple[str, ...] = ()
    resolution: str = "unresolved"
    published: date | None = None
    quote: str = ""
    note: str = ""
    confidence: str = ""
    origin: str = ""  # file:line the claim came from
    url: str = ""
    except_place_ids: tuple[str, ...] = ()  # a whole-area claim that says "except these places"
    claimant: str = ""  # who makes the statement (JOC, a ministry, IS/Amaq, a correspondent, a blog)
    basis: str = ""  # declared / observed / admitted / inferred
    relay_of: str = ""  # the claim this one repeats (relays of one statement count once)

    @property
    def place_id(self) -> str | None:
        return self.place_ids[0] if len(self.place_ids) == 1 else None

    def to_row(self) -> dict[str, str]:
        return {
            "claim_id": self.claim_id,
            "date": self.date.isoformat(),
            "date_precision": self.date_precision.value,
            "place_as_written": self.place_as_written,
            "place_canonical": self.place_canonical,
            "place_id": ";".join(self.place_ids),
            "status": self.status.value,
            "event": self.event,
            "actor": self.actor,
            "source": self.source,
            "published": self.published.isoformat() if self.published else "",
            "quote": self.quote,
            "note": self.note,
            "confidence": self.confidence,
            "url": self.url,
            "except_place_ids": ";".join(self.except_place_ids),
            "claimant": self.claimant,
            "basis": self.basis,
            "relay_of": self.relay_of,
        }


_SET = object.__setattr__


def _placed(claim: Claim, place_ids: tuple[str, ...], resolution: str) -> Claim:
    """``replace(claim, place_ids=…, resolution=…)`` without ``replace``'s cost (it re-runs
    ``__init__`` with every field: a third of loading a million claims)."""
    new = object.__new__(Claim)
    for name in Claim.__slots__:
        _SET(new, name, getattr(claim, name))
    _SET(new, "place_ids", place_ids)
    _SET(new, "resolution", resolution)
    return new


def _place_in(claim: Claim, place_ids: tuple[str, ...], resolution: str) -> Claim:
    """Complete a claim that was just read and that nothing else holds yet, in place."""
    _SET(claim, "place_ids", place_ids)
    _SET(claim, "resolution", resolution)
    return claim


@dataclass
class ClaimSet:
    """Claims loaded from one or more files, with every problem found on the way."""

    claims: list[Claim] = field(default_factory=list)
    problems: list[InputError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def unresolved(self) -> list[Claim]:
        return [c for c in self.claims if not c.place_ids]

    def summary(self) -> str:
        counts = Counter(c.resolution for c in self.claims)
        parts = [f"{len(self.claims)} claims"] + [f"{n} {k}" for k, n in sorted(counts.items())]
        if self.problems:
            parts.append(f"{len(self.problems)} bad rows skipped")
        return ", ".join(parts)


def parse_date(raw: str, path: Path, line: int, column: str, required: bool = True) -> date | None:
    raw = (raw or "").strip()
    if not raw:
        if required:
            raise InputError("empty date", path, line, column)
        return None
    try:
        if not ISO_DATE.fullmatch(raw):  # fromisoformat also takes 20161104 and 2016-W44-5
            raise ValueError(raw)
        value = date.fromisoformat(raw)
    except ValueError:
        raise InputError("not an ISO date (YYYY-MM-DD)", path, line, column, raw) from None
    campaign = current_campaign()  # the span claims may cover: the campaign's
    if not campaign.claims_earliest <= value <= campaign.claims_latest:
        raise InputError(f"outside {campaign.claims_earliest}..{campaign.claims_latest}", path, line, column, raw)
    return value


def _vocab(raw: str, allowed: Iterable[str], path: Path, line: int, column: str) -> str:
    value = (raw or "").strip()
    allowed = list(allowed)
    if value not in allowed:
        raise InputError(f"must be one of {', '.join(allowed)}", path, line, column, raw)
    return value


def _text(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        value = json.dumps(value) if isinstance(value, (dict, list)) else str(value)
    return value.strip()


def claim_from_row(row: dict[str, object], path: Path, line: int) -> Claim:
    """Validate one row (field name -> value) and build an unresolved :class:`Claim`."""
    row = {k: _text(v) for k, v in row.items() if isinstance(k, str)}
    for column in REQUIRED:
        if not row.get(column):
            raise InputError("required value is empty", path, line, column)
    status = Status(_vocab(row["status"], [s.value for s in Status], path, line, "status"))
    event = _vocab(row["event"], EVENT_STATUSES, path, line, "event")
    if status not in EVENT_STATUSES[event]:
        allowed = ", ".join(sorted(s.value for s in EVENT_STATUSES[event]))
        raise InputError(f"event '{event}' implies status {allowed}", path, line, "status", status.value)
    when = parse_date(row["date"], path, line, "date")
    published = parse_date(row.get("published", ""), path, line, "published", required=False)
    if published and when and when > published:
        raise InputError(f"event date after the report's publication date {published}", path, line, "date", row["date"])
    confidence = row.get("confidence", "")
    if confidence:
        _vocab(confidence, CONFIDENCE, path, line, "confidence")
    basis = row.get("basis", "")
    if basis:
        _vocab(basis, BASIS, path, line, "basis")
    return Claim(
        claim_id=row["claim_id"],
        date=when,
        date_precision=DatePrecision(
            _vocab(row["date_precision"], [p.value for p in DatePrecision], path, line, "date_precision")
        ),
        place_as_written=row["place_as_written"],
        status=status,
        event=event,
        source=row["source"],
        actor=row.get("actor") or "unspecified",
        place_canonical=row.get("place_canonical", ""),
        place_ids=tuple(p for p in row.get("place_id", "").split(";") if p),
        published=published,
        quote=row.get("quote", ""),
        note=row.get("note", ""),
        confidence=confidence,
        origin=f"{path}:{line}",
        url=row.get("url", ""),
        except_place_ids=tuple(p.strip() for p in row.get("except_place_ids", "").split(";") if p.strip()),
        claimant=row.get("claimant", ""),
        basis=basis,
        relay_of=row.get("relay_of", ""),
    )


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Fields may be as long as the file: a 10 MB quote is odd but is not a reason to lose rows.
FIELD_LIMIT = 2**31 - 1
# OWASP's rule for CSV exports: a value starting with one of these is a formula in a spreadsheet.
FORMULA = re.compile(r"'*[=+\-@\t\r]")


def csv_safe(value: str) -> str:
    """Neutralise a value for a CSV export: prefix ``'`` where a spreadsheet would see a formula.

    Reversible with :func:`csv_unsafe` (a value that already starts with ``'`` and a formula
    character gets one more ``'``), so exported claims files read back unchanged.
    """
    return "'" + value if value and FORMULA.match(value) else value


def csv_unsafe(value: str) -> str:
    """Undo :func:`csv_safe`."""
    return value[1:] if value.startswith("'") and FORMULA.match(value[1:]) else value


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


def claim_prefix(key: str) -> str:
    """Claim-id stem of a record: a readable slug of its file name and a hash of its whole key,
    so that ``a/feed.jsonl#3`` and ``b/feed.jsonl#3`` (or two scraped URLs that differ only at
    the end) never share ids, and the same record always gets the same ones."""
    name = Path(key.split("#", 1)[0]).name.lower()
    stem = re.sub(r"\.(?:txt|jsonl|ndjson|csv|parquet)(?:\.gz)?$", "", name)
    slug = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:40] or "record"
    return f"{slug}-{hashlib.sha1(key.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"
