"""Timeline stage: claims become a control state per neighbourhood per day.

Rules (documented in the README, tested in ``tests/test_timeline.py``):

* Before any claim a neighbourhood has the campaign's default state (east Mosul: IS-held since
  June 2014; ``unknown`` is the alternative).
* The latest claim on or before a day sets the state. A claim on a numbered family ("Qadisiya")
  counts for each member; a claim on the whole mapped area counts for every neighbourhood, and a
  claim on an aggregate (the Old City) for each of its parts, but a claim naming the place itself
  on the same day or later wins over it.
* Same-day claims that disagree mark the day ``disputed``; the state shown is ``contested``
  (neither side's claim is taken over the other), and every claim id is kept.
* ``since`` is the first day of the current run of the same status, so retakes
  (gov → IS → gov) restart it; the full claim history stays available per place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property

import pandas as pd

from mosulmap.claims import Claim
from mosulmap.errors import MosulmapError
from mosulmap.gazetteer import Gazetteer


class ControlStatus(StrEnum):
    """What the map shows for a neighbourhood on a day."""

    GOV_CONTROL = "gov_control"
    CONTESTED = "contested"
    IS_CONTROL = "is_control"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return {
            "gov_control": "government-held",
            "contested": "contested",
            "is_control": "IS-held",
            "unknown": "unknown",
        }[self.value]


@dataclass(frozen=True)
class ControlState:
    """The state of one neighbourhood on one day, and the claims behind it."""

    place_id: str
    day: date
    status: ControlStatus
    since: date | None
    disputed: bool
    claim_ids: tuple[str, ...]
    basis: str  # "claim", "whole east bank", or "default"
    last_report: date | None = None  # the latest claim on or before the day that bears on the place

    @property
    def assumed(self) -> bool:
        """No report supports this state: it is the documented default, not a fact."""
        return self.basis == "default"

    @property
    def age(self) -> int | None:
        """Days since the last report, or None before any."""
        return (self.day - self.last_report).days if self.last_report else None

    @property
    def shown(self) -> str:
        """What the map shows: the status, or "assumed" for a state no claim supports."""
        return "assumed" if self.assumed else self.status.value


@dataclass
class Timeline:
    """Control states for every neighbourhood and day from ``start`` to ``end``."""

    start: date
    end: date
    place_ids: list[str]
    claims: dict[str, Claim]
    history: dict[str, list[Claim]]  # place -> every claim that bears on it, by date
    states: dict[str, list[ControlState]]  # place -> one state per day
    initial: ControlStatus = ControlStatus.IS_CONTROL  # the state before any claim

    @cached_property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def state(self, place_id: str, day: date) -> ControlState:
        if not self.start <= day <= self.end:
            raise ValueError(f"{day} is outside the timeline {self.start}..{self.end}")
        return self.states[place_id][(day - self.start).days]

    def on(self, day: date) -> list[ControlState]:
        return [self.state(pid, day) for pid in self.place_ids]

    def change_days(self) -> list[date]:
        """The first day, and every day on which any neighbourhood's state changed."""
        starts = {run[0] for pid in self.place_ids for run in self.runs(pid)}
        return [self.days[i] for i in sorted(starts)]

    def runs(self, place_id: str) -> list[tuple[int, int, ControlState]]:
        """Runs of identical state for a place: (first day index, last day index, state)."""
        out, states, start = [], self.states[place_id], 0
        for i in range(1, len(states) + 1):
            if i == len(states) or _key(states[i]) != _key(states[start]):
                out.append((start, i - 1, states[start]))
                start = i
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per day per neighbourhood: date, place_id, status, since, disputed, claim_ids, basis."""
        rows = [
            {
                "date": s.day.isoformat(),
                "place_id": s.place_id,
                "status": s.status.value,
                "since": s.since.isoformat() if s.since else "",
                "disputed": s.disputed,
                "claim_ids": ";".join(s.claim_ids),
                "basis": s.basis,
                "assumed": s.assumed,
                "last_report": s.last_report.isoformat() if s.last_report else "",
                "days_since_report": s.age if s.age is not None else "",
            }
            for day_index in range(len(self.days))
            for pid in self.place_ids
            for s in (self.states[pid][day_index],)
        ]
        return pd.DataFrame(rows)

    def shown_runs(self, place_id: str) -> list[tuple[int, int, list[ControlState]]]:
        """Runs of what the map shows for a place (status, assumed, disputed): (first day index, last
        day index, the states of the run). New claims that repeat the state do not split a run."""
        out, states, start = [], self.states[place_id], 0
        for i in range(1, len(states) + 1):
            if i == len(states) or _shown_key(states[i]) != _shown_key(states[start]):
                out.append((start, i - 1, states[start:i]))
                start = i
        return out

    def intervals(self) -> pd.DataFrame:
        """Runs of the state shown per place: valid_from / valid_to (inclusive), for GIS time filters,
        with every claim behind the run (its states' claims, in date order)."""
        rows = []
        for pid in self.place_ids:
            for _, _, run in self.shown_runs(pid):
                ids = list(dict.fromkeys(c for s in run for c in s.claim_ids))
                claims = sorted((self.claims[c] for c in ids), key=lambda c: (c.date, c.claim_id))
                s, end = run[0], run[-1]
                rows.append({
                    "place_id": pid,
                    "valid_from": s.day.isoformat(),
                    "valid_to": end.day.isoformat(),
                    "status": s.status.value,
                    "since": s.since.isoformat() if s.since else "",
                    "disputed": s.disputed,
                    "claim_ids": ";".join(c.claim_id for c in claims),
                    "basis": ";".join(dict.fromkeys(x.basis for x in run)),
                    "assumed": s.assumed,
                    "last_report": end.last_report.isoformat() if end.last_report else "",
                    "time_precision": _time_precision(claims),
                    "confidence": _confidence(claims),
                })
        return pd.DataFrame(rows)

    def counts(self) -> pd.DataFrame:
        """Neighbourhoods per shown state per day (index: day): the statuses a claim supports, and
        ``assumed`` (the default, no report yet) apart from them."""
        frame = self.to_frame()
        frame["shown"] = frame["status"].where(~frame["assumed"].astype(bool), "assumed")
        table = frame.pivot_table(index="date", columns="shown", values="place_id", aggfunc="count", fill_value=0)
        return table.reindex(columns=SHOWN, fill_value=0)

    def stale(self, day: date, days: int = 14) -> list[ControlState]:
        """States on ``day`` that rest on a report older than ``days`` days (assumed ones excluded)."""
        return [s for s in self.on(day) if not s.assumed and s.age is not None and s.age > days]

    def disputed_days(self) -> pd.DataFrame:
        """Every (day, place) whose same-day claims disagree, with the claims."""
        frame = self.to_frame()
        return frame[frame["disputed"]].reset_index(drop=True)


def _shown_key(state: ControlState) -> tuple:
    return state.status, state.assumed, state.disputed


def _key(state: ControlState) -> tuple:
    return state.status, state.disputed, state.claim_ids, state.basis, state.last_report


SHOWN = [s.value for s in ControlStatus] + ["assumed"]


def _confidence(claims: list[Claim]) -> str:
    """The lowest stated confidence among a state's claims ("" when none is stated)."""
    stated = [c.confidence for c in claims if c.confidence]
    return min(stated, key=("low", "medium", "high").index) if stated else ""


def _time_precision(claims: list[Claim]) -> int | None:
    """ACLED-style time precision of a state: the loosest of its claims."""
    if not claims:
        return None
    return max(c.date_precision.acled_time_precision for c in claims)


def _decide(claims: list[Claim]) -> tuple[ControlStatus, bool]:
    statuses = {c.status for c in claims}
    if len(statuses) == 1:
        return ControlStatus(next(iter(statuses)).value), False
    return ControlStatus.CONTESTED, True


def build_timeline(
    claims: Iterable[Claim],
    gazetteer: Gazetteer,
    start: date | None = None,
    end: date | None = None,
    initial: ControlStatus | None = None,
    initial_since: date | None = None,
) -> Timeline:
    """Turn claims into a daily control state for every mapped place of the gazetteer's campaign.

    Parameters
    ----------
    claims : iterable of Claim
        Resolved claims (``place_ids`` set); claims without a place are ignored here (they are
        reported by the loader and listed on the maps).
    gazetteer : Gazetteer
        Its campaign gives the mapped places, the window and the default state.
    start, end : date, optional
        Default: the campaign's first day and the last claim's date.
    initial : ControlStatus, optional
        State before any claim (default: the campaign's, e.g. IS-held as east Mosul was from June 2014).
    initial_since : date, optional
        The ``since`` date of the initial state (default: the campaign's; ignored when unknown).

    Returns
    -------
    Timeline
    """
    campaign = gazetteer.campaign
    initial = initial if initial is not None else ControlStatus(campaign.initial)
    initial_since = initial_since or campaign.initial_since
    placed = [c for c in claims if c.place_ids]
    by_id = {c.claim_id: c for c in placed}
    neighbourhoods = [p.place_id for p in gazetteer.neighbourhoods()]
    whole = {p.place_id for p in gazetteer.mapped() if p.is_whole_area}
    parents = {p.place_id: p.part_of for p in gazetteer.mapped() if p.part_of and gazetteer.in_scope(
        gazetteer[p.part_of])}
    direct: dict[str, list[Claim]] = defaultdict(list)
    blanket: list[Claim] = []
    for claim in placed:
        if any(pid in whole for pid in claim.place_ids):
            blanket.append(claim)
        for pid in claim.place_ids:
            if pid not in whole:
                direct[pid].append(claim)
    start = start or campaign.start
    end = end or max((c.date for c in placed), default=start)
    if end < start:
        raise MosulmapError(f"the end date {end} is before the start date {start}")
    earliest, latest = campaign.claims_earliest, campaign.claims_latest
    for name, value in (("start", start), ("end", end)):
        if not earliest <= value <= latest:
            raise MosulmapError(f"the {name} date {value} is outside {earliest}..{latest}, the span claims may cover")
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    whole_basis = "whole " + campaign.area_label.removeprefix("the ")
    reach = _whole_area_reach(gazetteer, whole)
    states: dict[str, list[ControlState]] = {}
    history: dict[str, list[Claim]] = {}
    for pid in neighbourhoods:
        own = sorted(direct.get(pid, []), key=lambda c: (c.date, c.claim_id))
        scope = gazetteer[pid].scope
        covering = [(c, whole_basis) for c in blanket if pid not in c.except_place_ids  # "all … except …"
                    and any(scope in reach[w] for w in c.place_ids if w in reach)]
        seen, parent = {pid}, parents.get(pid)
        while parent and parent not in seen:  # a claim on the Old City covers each of its quarters
            seen.add(parent)
            covering += [(c, f"claim on {gazetteer[parent].name}") for c in direct.get(parent, [])]
            parent = parents.get(parent)
        history[pid] = sorted(own + [c for c, _ in covering], key=lambda c: (c.date, c.claim_id))
        states[pid] = _place_states(pid, own, covering, days, initial, initial_since)
    return Timeline(start, end, neighbourhoods, by_id, history, states, initial)


def _whole_area_reach(gazetteer: Gazetteer, whole: set[str]) -> dict[str, set[str]]:
    """The scopes each whole-area row covers: every mapped scope, or in a campaign made of parts (the
    whole battle) the scopes of the part the row belongs to — the east bank's declaration does not
    free the west bank."""
    campaign = gazetteer.campaign
    if not campaign.parts:
        return {w: set(campaign.scopes) for w in whole}
    from mosulmap.campaign import load_campaign

    parts = [load_campaign(p).scopes for p in campaign.parts]
    return {w: next((set(s) for s in parts if gazetteer[w].scope in s), {gazetteer[w].scope}) for w in whole}


def _place_states(
    pid: str, own: list[Claim], covering: list[tuple[Claim, str]], days: list[date], initial: ControlStatus,
    initial_since: date | None,
) -> list[ControlState]:
    """States of one place: its own claims, and claims on an area that covers it (the whole area, the
    aggregate it is part of), which a claim of its own on the same day or later overrides."""
    own_by_day: dict[date, list[Claim]] = defaultdict(list)
    for c in own:
        own_by_day[c.date].append(c)
    blanket_by_day: dict[date, list[Claim]] = defaultdict(list)
    basis_of: dict[date, str] = {}
    for c, basis in covering:
        blanket_by_day[c.date].append(c)
        basis_of.setdefault(c.date, basis)
    blanket = [c for c, _ in covering]
    # Claims dated before the window still set the state at its start.
    last_own = max((d for d in own_by_day if d < days[0]), default=None)
    last_blanket = max((d for d in blanket_by_day if d < days[0]), default=None)
    out: list[ControlState] = []
    for day in days:
        last_own = day if day in own_by_day else last_own
        last_blanket = day if day in blanket_by_day else last_blanket
        if last_own is None and last_blanket is None:
            status, disputed, ids, basis = initial, False, (), "default"
        elif last_blanket is not None and (last_own is None or last_blanket > last_own):
            claims = blanket_by_day[last_blanket]
            (status, disputed), ids, basis = _decide(claims), _ids(claims), basis_of[last_blanket]
        else:
            claims = own_by_day[last_own]
            (status, disputed), ids, basis = _decide(claims), _ids(claims), "claim"
        if not out:
            since = _run_start(own + blanket, status, day) if ids else (
                initial_since if initial is not ControlStatus.UNKNOWN else None)
        elif status != out[-1].status:
            since = day  # a status only changes on a day that brings new claims
        else:
            since = out[-1].since
        last = max((d for d in (last_own, last_blanket) if d is not None), default=None)
        out.append(ControlState(pid, day, status, since, disputed, ids, basis, last))
    return out


def _ids(claims: list[Claim]) -> tuple[str, ...]:
    return tuple(sorted(c.claim_id for c in claims))


def _run_start(claims: list[Claim], status: ControlStatus, day: date) -> date:
    """For a window that starts after earlier claims: the day the current status began."""
    since = day
    for claim in sorted((c for c in claims if c.date <= day), key=lambda c: c.date, reverse=True):
        if claim.status.value != status.value:
            break
        since = claim.date
    return since
