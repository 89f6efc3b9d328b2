"""What the resolver answers for a name: a :class:`Match` with its status (resolved, a group,
ambiguous, out of scope, unresolved), the method that found it, and the nearest candidates.
The resolver (:mod:`mosulmap.resolver`) re-exports these names."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum


class MatchStatus(StrEnum):
    """What the resolver concluded about a name."""

    RESOLVED = "resolved"
    GROUP = "group"
    OUT_OF_SCOPE = "out_of_scope"
    AMBIGUOUS = "ambiguous"
    UNRESOLVED = "unresolved"


class Method(StrEnum):
    """How the conclusion was reached."""

    EXACT = "exact"
    NORMALISED = "normalised"
    FUZZY = "fuzzy"
    NONE = "none"


@dataclass(frozen=True)
class Candidate:
    """A place the name might refer to."""

    place_id: str
    name: str
    scope: str
    score: float


@dataclass(frozen=True)
class Match:
    """The resolver's answer for one name.

    ``place_ids`` holds one id when resolved, the family members for a group, the places
    concerned when out of scope or ambiguous, and nothing when unresolved.
    """

    query: str
    status: MatchStatus
    place_ids: tuple[str, ...] = ()
    score: float = 0.0
    method: Method = Method.NONE
    matched_name: str | None = None
    alternatives: tuple[Candidate, ...] = field(default_factory=tuple)
    reason: str = ""

    @property
    def place_id(self) -> str | None:
        """The single east-bank place, when the name resolved to exactly one."""
        return self.place_ids[0] if self.status is MatchStatus.RESOLVED else None

    @property
    def is_resolved(self) -> bool:
        """True for a single east-bank place or a numbered family of them."""
        return self.status in (MatchStatus.RESOLVED, MatchStatus.GROUP)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["status"] = self.status.value
        data["method"] = self.method.value
        data["place_id"] = self.place_id
        data["place_ids"] = list(self.place_ids)
        data["alternatives"] = [asdict(c) for c in self.alternatives]
        return data
