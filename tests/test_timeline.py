from datetime import date

import pytest

from mosulmap import settings
from mosulmap.campaign import load_campaign
from mosulmap.claim_files import load_claims
from mosulmap.claims import Claim, DatePrecision, Status
from mosulmap.errors import MosulmapError
from mosulmap.timeline import ControlStatus, build_timeline

D = date


def claim(cid, day, place, status, event=None, precision=DatePrecision.EXACT):
    events = {Status.GOV_CONTROL: "captured", Status.CONTESTED: "fighting", Status.IS_CONTROL: "withdrew"}
    places = (place,) if isinstance(place, str) else tuple(place)
    return Claim(cid, day, precision, place, status, event or events[status], "test", place_ids=places,
                 resolution="given")


@pytest.fixture(scope="module")
def tl_factory(gazetteer):
    def make(claims, **kw):
        kw.setdefault("start", D(2016, 11, 1))
        kw.setdefault("end", D(2016, 11, 10))
        return build_timeline(claims, gazetteer, **kw)
    return make


def test_default_is_is_held_since_june_2014(tl_factory):
    tl = tl_factory([])
    s = tl.state("karama", D(2016, 11, 5))
    since = load_campaign().initial_since
    assert (s.status, s.since, s.claim_ids, s.basis) == (ControlStatus.IS_CONTROL, since, (), "default")
    unknown = tl_factory([], initial=ControlStatus.UNKNOWN).state("karama", D(2016, 11, 5))
    assert unknown.status is ControlStatus.UNKNOWN and unknown.since is None


def test_latest_claim_sets_the_state_and_retakes_stay_visible(tl_factory):
    claims = [claim("a", D(2016, 11, 2), "karama", Status.CONTESTED),
              claim("b", D(2016, 11, 4), "karama", Status.GOV_CONTROL),
              claim("c", D(2016, 11, 6), "karama", Status.IS_CONTROL),
              claim("d", D(2016, 11, 8), "karama", Status.GOV_CONTROL)]
    tl = tl_factory(claims)
    seq = [(s.status.value, s.since, s.claim_ids) for s in tl.states["karama"]]
    assert seq[0] == ("is_control", load_campaign().initial_since, ())
    assert seq[1] == ("contested", D(2016, 11, 2), ("a",))
    assert seq[4] == ("gov_control", D(2016, 11, 4), ("b",))
    assert seq[5] == ("is_control", D(2016, 11, 6), ("c",))  # the retake is kept
    assert seq[9] == ("gov_control", D(2016, 11, 8), ("d",))
    assert [c.claim_id for c in tl.history["karama"]] == ["a", "b", "c", "d"]
    assert tl.change_days() == [D(2016, 11, 1), D(2016, 11, 2), D(2016, 11, 4), D(2016, 11, 6), D(2016, 11, 8)]


def test_repeated_claims_keep_since(tl_factory):
    tl = tl_factory([claim("a", D(2016, 11, 2), "samah", Status.GOV_CONTROL),
                     claim("b", D(2016, 11, 5), "samah", Status.GOV_CONTROL)])
    s = tl.state("samah", D(2016, 11, 7))
    assert s.since == D(2016, 11, 2) and s.claim_ids == ("b",)


def test_same_day_disagreement_is_disputed_and_shown_contested(tl_factory):
    tl = tl_factory([claim("a", D(2016, 11, 3), "quds", Status.GOV_CONTROL),
                     claim("b", D(2016, 11, 3), "quds", Status.IS_CONTROL)])
    s = tl.state("quds", D(2016, 11, 3))
    assert s.disputed and s.status is ControlStatus.CONTESTED and s.claim_ids == ("a", "b")
    assert tl.state("quds", D(2016, 11, 9)).disputed  # until a later claim settles it
    agreeing = tl_factory([claim("a", D(2016, 11, 3), "quds", Status.GOV_CONTROL),
                           claim("b", D(2016, 11, 3), "quds", Status.GOV_CONTROL)])
    assert not agreeing.state("quds", D(2016, 11, 3)).disputed
    assert len(tl.disputed_days()) == 8


def test_group_claims_count_for_each_member(tl_factory):
    tl = tl_factory([claim("q", D(2016, 11, 4), ("qadisiya-al-ula", "qadisiya-al-thaniya"), Status.CONTESTED)])
    assert tl.state("qadisiya-al-ula", D(2016, 11, 4)).status is ControlStatus.CONTESTED
    assert tl.state("qadisiya-al-thaniya", D(2016, 11, 4)).claim_ids == ("q",)


def test_whole_east_bank_claims_yield_to_named_ones(tl_factory):
    claims = [claim("all", D(2016, 11, 5), "east-mosul", Status.GOV_CONTROL, "declared_liberated"),
              claim("r1", D(2016, 11, 5), "rashidiya", Status.CONTESTED),
              claim("r2", D(2016, 11, 7), "arabi", Status.CONTESTED),
              claim("z", D(2016, 11, 2), "zuhur", Status.CONTESTED)]
    tl = tl_factory(claims)
    assert tl.state("karama", D(2016, 11, 5)).basis == "whole east bank"
    assert tl.state("karama", D(2016, 11, 5)).status is ControlStatus.GOV_CONTROL
    assert tl.state("zuhur", D(2016, 11, 5)).status is ControlStatus.GOV_CONTROL  # newer blanket claim
    rashidiya = tl.state("rashidiya", D(2016, 11, 5))
    assert rashidiya.status is ControlStatus.CONTESTED and not rashidiya.disputed  # same day: named wins
    assert tl.state("arabi", D(2016, 11, 8)).status is ControlStatus.CONTESTED  # later named claim
    assert "east-mosul" not in tl.place_ids


def test_claims_before_the_window_set_its_first_day(tl_factory):
    tl = tl_factory([claim("a", D(2016, 10, 20), "gogjali", Status.GOV_CONTROL)], start=D(2016, 11, 1))
    s = tl.state("gogjali", D(2016, 11, 1))
    assert s.status is ControlStatus.GOV_CONTROL and s.since == D(2016, 10, 20)


def test_unplaced_claims_are_ignored_and_bad_windows_rejected(tl_factory, gazetteer):
    orphan = Claim("x", D(2016, 11, 3), DatePrecision.EXACT, "Tisaee", Status.GOV_CONTROL, "captured", "t")
    assert tl_factory([orphan]).state("karama", D(2016, 11, 3)).basis == "default"
    with pytest.raises(MosulmapError, match="before the start date"):
        build_timeline([], gazetteer, start=D(2016, 11, 5), end=D(2016, 11, 1))
    with pytest.raises(MosulmapError, match="outside 2014-06-01..2017-12-31"):
        build_timeline([], gazetteer, end=D(9999, 12, 31))  # once a MemoryError


def test_real_claims_end_with_the_east_bank_retaken(resolver):
    claims = load_claims((settings.DATA_DIR / "claims" / "east_mosul_claims.csv"), resolver).claims
    tl = build_timeline(claims, resolver.gazetteer)
    assert (tl.start, tl.end) == (D(2016, 10, 17), D(2017, 1, 24))
    first = tl.on(tl.start)
    assert all(s.status is ControlStatus.IS_CONTROL for s in first)
    assert tl.state("gogjali", D(2016, 11, 1)).status is not ControlStatus.IS_CONTROL
    last = tl.on(tl.end)
    assert sum(s.status is ControlStatus.GOV_CONTROL for s in last) == len(last)
    rashidiya = tl.state("rashidiya", D(2017, 1, 23))
    assert rashidiya.status is ControlStatus.CONTESTED  # the 23 Jan ministry claim was premature
    frame = tl.to_frame()
    assert len(frame) == len(tl.days) * len(tl.place_ids)
    counts = tl.counts()
    assert (counts.sum(axis=1) == len(tl.place_ids)).all()
