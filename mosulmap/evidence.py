"""Evidence, weighed: who claims what and on what basis, and a probability for each place and day.

Claims say who claims (``claimant``) and on what basis (``basis``); where a file leaves them empty
they are set by documented rules (:func:`claimant_class`, :func:`basis_of`, :func:`find_relays`).
Relays of one statement (three outlets carrying one military statement on the same day) count once.

The model is a hidden Markov model per place over days, with three hidden states
(government-held, contested, IS-held): a day without a report is missing evidence, not "no change";
each claim is an emission whose probabilities depend on its evidence class (claimant class ×
basis); the emission matrices and the daily transition matrix are shared across places and fitted
by EM with Dirichlet priors (Dawid–Skene confusion matrices inside an HMM). ``posteriors`` gives,
for every place and day, the filtered probabilities (from claims up to that day: what was knowable
then) and the smoothed ones (from all claims). numpy only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter

import numpy as np

from mosulmap.claims import Claim

STATES = ("gov_control", "contested", "is_control")  # ordered: the ranked probability score uses it
CLASSES = ("official", "press", "blog", "is", "think_tank", "area")
BASES = ("declared", "observed", "admitted", "inferred")

_IS = re.compile(r"\b(?:IS|ISIS|ISIL|Daesh|Islamic State|Amaq|A'maq)\b|داعش|أعماق", re.I)
_NOT_IS = re.compile(r"against (?:IS|ISIS)|from (?:IS|ISIS)")
_THINK_TANK = re.compile(r"\bISW\b|Institute for the Study of War|think tank", re.I)
_BLOG = re.compile(r"musings|antiwar|wikimapia|blogspot|wordpress|\bblog\b|urban75|dinar", re.I)
_OFFICIAL = re.compile(r"statement|\bJOC\b|Joint Operations|ministry|command|spokesm[ae]n|military said|"
                       r"officers? said|general|Lt\.? ?Gen|\bCTS\b|Golden Division|Federal Police|division|"
                       r"brigade|army|الإعلام الحربي|خلية الإعلام|قيادة العمليات|بيان|وزارة", re.I)
_SEEN = re.compile(r"correspondent|reporter|witness|saw|seen|visited|residents? (?:said|told)|on the ground|"
                   r"AFP journalist|Reuters (?:journalist|reporter)|مراسل|شهود", re.I)
_INFERRED = re.compile(r"\bmap\b|per ?cent of|% of|list of|lists? (?:of )?districts", re.I)

# after IS (which has its exception), the classes in the order they are tried
_CLASS_RULES = (("think_tank", _THINK_TANK), ("blog", _BLOG), ("official", _OFFICIAL))


def claimant_class(claim: Claim) -> str:
    """The class of who makes the statement (first rule that matches):
    ``is`` (IS/Amaq as actor or cited), ``think_tank`` (ISW), ``blog`` (Musings on Iraq, blogs,
    forums), ``official`` (a named force, a statement, the JOC, a ministry), else ``press``. A claim
    whose ``claimant`` is filled is classed from that text first."""
    text = " ".join((claim.claimant, claim.actor if claim.actor != "unspecified" else ""))
    for source in (claim.claimant, text, f"{claim.source} {claim.quote}"):
        if not source.strip():
            continue
        if _IS.search(source) and not _NOT_IS.search(source):
            return "is"
        for name, rule in _CLASS_RULES:
            if rule.search(source):
                return name
        if source is claim.claimant:
            return "press"
    return "press"


def basis_of(claim: Claim) -> str:
    """On what the claim rests (the file's ``basis`` if given): ``admitted`` when IS concedes a loss
    (event ``admitted_loss``, or IS claiming government control), ``observed`` when a correspondent
    or witness saw it, ``inferred`` for maps, percentages and lists, else ``declared``."""
    return _basis(claim, None)


def _basis(claim: Claim, cls: str | None) -> str:
    if claim.basis:
        return claim.basis
    if claim.event == "admitted_loss" or (claim.status.value == "gov_control" and
                                          (cls or claimant_class(claim)) == "is"):
        return "admitted"
    text = f"{claim.quote} {claim.note}"
    if _SEEN.search(text):
        return "observed"
    if _INFERRED.search(text):
        return "inferred"
    return "declared"


def classify(claims: Iterable[Claim]) -> dict[str, tuple[str, str]]:
    """claim id -> (claimant class, basis): the rules of :func:`claimant_class` and :func:`basis_of`
    run over all claims at once, each regular expression one pass over a column (pyarrow's RE2;
    word boundaries are ASCII there)."""
    unique = list({c.claim_id: c for c in claims}.values())
    if not unique:
        return {}
    import pyarrow as pa
    import pyarrow.compute as pc

    def column(texts: list[str]) -> tuple[pa.Array, np.ndarray]:
        array = pa.array(texts, pa.string())
        return array, np.asarray(pc.not_equal(pc.utf8_trim_whitespace(array), "")).astype(bool)

    def hits(array: pa.Array, pattern: re.Pattern) -> np.ndarray:
        return np.asarray(pc.match_substring_regex(array, pattern.pattern,
                                                   ignore_case=bool(pattern.flags & re.I))).astype(bool)

    texts = [
        [c.claimant for c in unique],
        [" ".join((c.claimant, c.actor if c.actor != "unspecified" else "")) for c in unique],
        [f"{c.source} {c.quote}" for c in unique],
    ]
    cls = np.full(len(unique), "", dtype=object)
    for k, values in enumerate(texts):
        array, filled = column(values)
        found = np.select([hits(array, _IS) & ~hits(array, _NOT_IS)] + [hits(array, rule) for _, rule in _CLASS_RULES],
                          ["is"] + [name for name, _ in _CLASS_RULES], "")
        if k == 0:
            found = np.where(found == "", "press", found)  # a stated claimant is classed from itself
        take = (cls == "") & filled & (found != "")
        cls[take] = found[take]
    cls[cls == ""] = "press"
    notes, _ = column([f"{c.quote} {c.note}" for c in unique])
    seen, inferred = hits(notes, _SEEN), hits(notes, _INFERRED)
    out = {}
    for i, c in enumerate(unique):
        if c.basis:
            basis = c.basis
        elif c.event == "admitted_loss" or (cls[i] == "is" and c.status.value == "gov_control"):
            basis = "admitted"
        else:
            basis = "observed" if seen[i] else "inferred" if inferred[i] else "declared"
        out[c.claim_id] = (str(cls[i]), basis)
    return out


def find_relays(claims: Iterable[Claim], kinds: dict[str, tuple[str, str]] | None = None) -> dict[str, str]:
    """claim id -> the claim it relays. The file's ``relay_of`` wins; otherwise, among claims with the
    same day, places and status, every *declared* claim after the first declared one (by id) relays
    it: one statement carried by several outlets. Observed and admitted claims are never relays."""
    relays: dict[str, str] = {}
    first: dict[tuple, str] = {}
    for claim in sorted(claims, key=attrgetter("date", "claim_id")):
        if claim.relay_of:
            relays[claim.claim_id] = claim.relay_of
            continue
        basis = kinds[claim.claim_id][1] if kinds is not None else basis_of(claim)
        if basis != "declared" or not claim.place_ids:
            continue
        key = (claim.date, frozenset(claim.place_ids), claim.status)
        if key in first:
            relays[claim.claim_id] = first[key]
        else:
            first[key] = claim.claim_id
    return relays


def evidence_class(claim: Claim, own: bool = True) -> str:
    """``claimant class/basis``; a claim that covers the place as part of a larger area is ``area``."""
    return f"{claimant_class(claim) if own else 'area'}/{basis_of(claim)}"


@dataclass
class Observations:
    """Claims as emissions: place index, day index, evidence class index, stated state index."""

    places: list[str]
    days: int
    classes: list[str]
    place: np.ndarray
    day: np.ndarray
    cls: np.ndarray
    said: np.ndarray
    claim_ids: list[str]
    own: np.ndarray  # the claim names the place itself (not a whole-area or aggregate claim)


def observations(timeline, relays: dict[str, str] | None = None) -> Observations:
    """Every claim behind every place of a timeline (its own and covering ones), relays left out;
    claims before the window count on its first day."""
    history = {p: timeline.history[p] for p in timeline.place_ids}
    unique = {c.claim_id: c for h in history.values() for c in h}
    kinds = classify(unique.values())
    relays = relays if relays is not None else find_relays(unique.values(), kinds)
    classes = sorted({f"{c}/{b}" for c in CLASSES for b in BASES})
    index = {c: i for i, c in enumerate(classes)}
    rows = []
    for i, pid in enumerate(timeline.place_ids):
        for claim in history[pid]:
            if claim.claim_id in relays or claim.date > timeline.end:
                continue
            own = pid in claim.place_ids
            t = max(0, (claim.date - timeline.start).days)
            cls, basis = kinds[claim.claim_id]
            rows.append((i, t, index[f"{cls if own else 'area'}/{basis}"], STATES.index(claim.status.value),
                         claim.claim_id, own))
    cols = list(zip(*rows)) if rows else [[]] * 6
    return Observations(list(timeline.place_ids), len(timeline.days), classes,
                        np.asarray(cols[0], dtype=int), np.asarray(cols[1], dtype=int), np.asarray(cols[2], dtype=int),
                        np.asarray(cols[3], dtype=int), list(cols[4]), np.asarray(cols[5], dtype=bool))


@dataclass
class Model:
    """Shared parameters: ``emission[class, true state, stated state]``, ``transition[from, to]``
    (one day), ``initial`` (the state before the window)."""

    classes: list[str]
    emission: np.ndarray
    transition: np.ndarray
    initial: np.ndarray


EMISSION_PRIOR = (3.0, 1.0)  # Dirichlet pseudo-counts: a claimant more often reports the true state
TRANSITION_PRIOR = (60.0, 1.0)  # a place's state usually stays from one day to the next


def initial_for(state: str) -> np.ndarray:
    """The prior over the first day from the campaign's default state (unknown: uniform)."""
    if state in STATES:
        p = np.full(3, 0.04)
        p[STATES.index(state)] = 0.92
        return p
    return np.full(3, 1 / 3)


def _log_b(obs: Observations, emission: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """log P(claims of place p on day t | state s), shape (places, days, 3)."""
    log_b = np.zeros((len(obs.places), obs.days, 3))
    keep = np.ones(len(obs.place), dtype=bool) if mask is None else mask
    np.add.at(log_b, (obs.place[keep], obs.day[keep]), np.log(emission[obs.cls[keep], :, obs.said[keep]]))
    return log_b


def forward_backward(model: Model, log_b: np.ndarray, smooth: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scaled forward–backward over every place at once: filtered (P, T, 3), smoothed (P, T, 3),
    and the expected transitions summed over places and days (3, 3). Worked day by day on
    (T, P, 3) arrays, so each day's rows are contiguous."""
    places, days, _ = log_b.shape
    trans = model.transition
    top = np.maximum(np.maximum(log_b[:, :, 0], log_b[:, :, 1]), log_b[:, :, 2])
    b = np.exp(log_b - top[:, :, None]).transpose(1, 0, 2).copy()  # (T, P, 3)
    ones = np.ones(3)  # row sums as a product: a reduction over an axis of 3 costs more
    alpha = np.empty((days, places, 3))
    a = model.initial[None, :] @ trans * b[0]
    alpha[0] = a / (a @ ones)[:, None]
    for t in range(1, days):
        a = (alpha[t - 1] @ trans) * b[t]
        alpha[t] = a / (a @ ones)[:, None]
    if not smooth:
        filtered = alpha.transpose(1, 0, 2)
        return filtered, filtered, np.zeros((3, 3))
    beta = np.empty((days, places, 3))
    beta[-1] = 1.0
    xi = np.zeros((3, 3))
    for t in range(days - 2, -1, -1):
        nxt = b[t + 1] * beta[t + 1]
        # P(state i on day t, j on day t+1 | all) per place is alpha_i T_ij nxt_j / Z: summed over places
        # as one (3, P) x (P, 3) product
        z = np.einsum("pi,pi->p", alpha[t] @ trans, nxt)
        xi += trans * ((alpha[t] / z[:, None]).T @ nxt)
        bt = nxt @ trans.T
        beta[t] = bt / (bt @ ones)[:, None]
    gamma = alpha * beta
    gamma /= (gamma @ ones)[:, :, None]
    return alpha.transpose(1, 0, 2), gamma.transpose(1, 0, 2), xi


def fit(obs: Observations, default_state: str = "is_control", iterations: int = 25,
        places: np.ndarray | None = None) -> Model:
    """EM over the places (all, or the indices in ``places``): emission matrices per evidence class
    and one daily transition matrix, each with its Dirichlet prior."""
    n = len(obs.classes)
    prior_e = np.full((n, 3, 3), EMISSION_PRIOR[1]) + np.eye(3)[None] * (EMISSION_PRIOR[0] - EMISSION_PRIOR[1])
    prior_t = np.full((3, 3), TRANSITION_PRIOR[1]) + np.eye(3) * (TRANSITION_PRIOR[0] - TRANSITION_PRIOR[1])
    model = Model(obs.classes, prior_e / prior_e.sum(axis=2, keepdims=True),
                  prior_t / prior_t.sum(axis=1, keepdims=True), initial_for(default_state))
    chosen = np.arange(len(obs.places)) if places is None else np.asarray(places)
    mask = np.isin(obs.place, chosen)
    remap = np.full(len(obs.places), -1)
    remap[chosen] = np.arange(len(chosen))
    sub = Observations([obs.places[i] for i in chosen], obs.days, obs.classes, remap[obs.place[mask]],
                       obs.day[mask], obs.cls[mask], obs.said[mask], [], obs.own[mask])
    for _ in range(iterations):
        _, gamma, xi = forward_backward(model, _log_b(sub, model.emission))
        counts = np.zeros((n, 3, 3))
        np.add.at(counts, (sub.cls, slice(None), sub.said), gamma[sub.place, sub.day])
        emission = counts + prior_e
        transition = xi + prior_t
        model = Model(obs.classes, emission / emission.sum(axis=2, keepdims=True),
                      transition / transition.sum(axis=1, keepdims=True), model.initial)
    return model


def posteriors(timeline, default_state: str | None = None) -> tuple[np.ndarray, np.ndarray, Model]:
    """Filtered and smoothed P(gov, contested, IS) for every place (timeline order) and day."""
    obs = observations(timeline)
    default = default_state or timeline.initial.value
    model = fit(obs, default)
    filtered, smoothed, _ = forward_backward(model, _log_b(obs, model.emission))
    return filtered, smoothed, model
