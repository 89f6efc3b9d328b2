"""Claims stage: the dated control-claim record, its vocabularies and the validation of one row
(reading, resolving and writing claim files is :mod:`mosulmap.claim_files`).

A claim says that one report put one place in one control state on one day. Claims come from a
hand-curated file (CSV or JSON Lines, the columns of ``data/claims/east_mosul_claims.csv``) or
from ``extract``. Loading validates every field, names file, line, column and value for each
problem, and re-resolves every place through the gazetteer; unresolved places are kept and
reported, never dropped.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from enum import StrEnum
from pathlib import Path

from mosulmap.campaign import current as current_campaign
from mosulmap.errors import InputError


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

    def __reduce__(self):
        # Pickled as its values in field order (Dask sends claims from its workers): the
        # dataclass's own state functions look the fields up again for every claim.
        return claim_of, (tuple([getattr(self, name) for name in CLAIM_FIELDS]),)

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


CLAIM_FIELDS = tuple(f.name for f in fields(Claim))


def claim_of(values: Iterable) -> Claim:
    """A claim of already checked values in field order, without ``__init__`` (a frozen
    dataclass's ``__init__`` and ``replace`` cost a third of loading a million claims)."""
    claim = object.__new__(Claim)
    for name, value in zip(CLAIM_FIELDS, values):
        object.__setattr__(claim, name, value)
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


def claim_prefix(key: str) -> str:
    """Claim-id stem of a record: a readable slug of its file name and a hash of its whole key,
    so that ``a/feed.jsonl#3`` and ``b/feed.jsonl#3`` (or two scraped URLs that differ only at
    the end) never share ids, and the same record always gets the same ones."""
    name = Path(key.split("#", 1)[0]).name.lower()
    stem = re.sub(r"\.(?:txt|jsonl|ndjson|csv|parquet)(?:\.gz)?$", "", name)
    slug = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:40] or "record"
    return f"{slug}-{hashlib.sha1(key.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"
