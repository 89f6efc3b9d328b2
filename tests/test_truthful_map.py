"""A map that tells the truth, checked on the real bundled data: no state without evidence shown as
fact, every claimed place drawn or listed, old evidence visibly old, one claim per report."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from click.testing import CliRunner

from mosulmap import pipeline
from mosulmap.claim_files import load_claims
from mosulmap.cli import main
from mosulmap.maps import timeline_payload
from mosulmap.snapshot import SnapshotRenderer
from mosulmap.style import leaflet_style
from mosulmap.timeline import ControlStatus

D = date


@pytest.fixture(scope="module")
def bundled():
    inputs = pipeline.load_inputs()
    return inputs, pipeline.prepare(inputs)


def test_the_bundled_dataset_holds_both_files_with_their_provenance(bundled):
    inputs, _ = bundled
    origins = {c.origin.rsplit(":", 1)[0].rsplit("/", 1)[-1] for c in inputs.claims.claims if c.claim_id[0] == "c"}
    assert origins == {"east_mosul_claims.csv", "east_mosul_claims_additions.csv"}
    additions = [c for c in inputs.claims.claims if c.claim_id.startswith("c1")]
    assert len(additions) == 134 and sum(bool(c.url) for c in additions) > 100
    assert sum(c.confidence == "low" for c in additions) >= 19


def _run(payload: dict, place_id: str, day: int) -> list:
    """The run of a place's states that the maps show on day index ``day``."""
    place = next(p for p in payload["meta"] + payload["nopoly"] if p["id"] == place_id)
    return next(iv for iv in place["intervals"] if iv[0] <= day <= iv[1])


def test_no_report_no_fact(bundled):
    _, data = bundled
    tl = data.timeline
    first = tl.on(tl.start)
    assert all(s.assumed and s.shown == "assumed" for s in first)
    counts = tl.counts()
    assert counts.loc[tl.start.isoformat(), "assumed"] == len(tl.place_ids)
    assert counts.loc[tl.start.isoformat(), "is_control"] == 0  # assumed IS-held is not counted as reported
    sadam = tl.state("sadam", D(2017, 1, 10))  # no report names Sadam before the 18 Jan declaration
    style = leaflet_style(sadam, "approximate", tl.initial)
    assert sadam.assumed and style["fillOpacity"] < 0.5 and style["className"] == "mm-assumed"  # faint, hatched
    code = _run(timeline_payload(data), "sadam", (D(2017, 1, 10) - tl.start).days)[2]
    assert timeline_payload(data)["shown"][code]["label"] == "assumed IS-held: no report yet"  # what the maps say


def test_area_wide_claims_honour_their_exceptions(bundled):
    _, data = bundled
    tl = data.timeline
    for day in (D(2017, 1, 18), D(2017, 1, 19), D(2017, 1, 20), D(2017, 1, 23)):
        assert tl.state("rashidiya", day).status is not ControlStatus.GOV_CONTROL, day
    assert tl.state("karama", D(2017, 1, 20)).status is ControlStatus.GOV_CONTROL  # the declaration covers it
    assert tl.state("rashidiya", D(2017, 1, 24)).status is ControlStatus.GOV_CONTROL
    flips = [s.status for s in tl.states["rashidiya"][(D(2017, 1, 18) - tl.start).days:]]
    assert flips.count(ControlStatus.GOV_CONTROL) == 1  # no flicker: gov only from 24 Jan, the end


def test_except_place_ids_are_validated(tmp_path, resolver):
    path = tmp_path / "claims.csv"
    path.write_text(
        "claim_id,date,date_precision,place_as_written,status,event,source,except_place_ids\n"
        "a,2017-01-18,exact,east Mosul,gov_control,declared_liberated,s,rashidiya\n"
        "b,2017-01-18,exact,east Mosul,gov_control,declared_liberated,s,nowhere\n"
        "c,2017-01-18,exact,Karama,gov_control,captured,s,rashidiya\n", encoding="utf-8")
    result = load_claims(path, resolver)
    assert [c.claim_id for c in result.claims] == ["a"]
    assert [(p.line, p.column) for p in result.problems] == [(3, "except_place_ids"), (4, "except_place_ids")]


def test_held_is_an_event_of_is_control(tmp_path, resolver):
    path = tmp_path / "claims.csv"
    path.write_text("claim_id,date,date_precision,place_as_written,status,event,source\n"
                    "h,2017-01-22,exact,Bisan,is_control,held,s\nx,2017-01-22,exact,Bisan,gov_control,held,s\n",
                    encoding="utf-8")
    result = load_claims(path, resolver)
    assert [c.place_ids for c in result.claims] == [("bisan",)] and result.problems[0].column == "status"


def test_old_disagreements_say_how_old_they_are(bundled):
    _, data = bundled
    tl = data.timeline
    disputed = [s for pid in tl.place_ids for s in tl.states[pid] if s.disputed and s.age and s.age > 14]
    assert disputed  # a same-day disagreement that stayed the latest evidence for weeks
    old = disputed[0]
    style = leaflet_style(old, "approximate", tl.initial)
    assert style["weight"] < 3 and style["dashArray"] == "6 3"  # thin dashes, not a fresh red edge
    day = (old.day - tl.start).days
    run = _run(timeline_payload(data), old.place_id, day)
    assert run[3] and day - run[7] == old.age  # the maps write "last report N days ago" from these


def test_every_claimed_place_is_drawn_or_listed_and_the_summary_says_so(bundled, tmp_path):
    inputs, data = bundled
    tl, gaz = data.timeline, data.gazetteer
    claimed = {p for p in tl.place_ids if any(not gaz[c.place_ids[0]].is_whole_area for c in tl.history[p])}
    assert claimed - set(data.drawn) == set(data.undrawn)
    assert all(not gaz[p].has_point for p in data.undrawn)  # listed only where no source locates it
    summary = pipeline.build_summary(inputs, data, tl.change_days())
    assert summary["claimed places drawn"] == f"{len(claimed & set(data.drawn))} of {len(claimed)}"
    stale = tl.stale(tl.end)
    text = summary[f"stale on {tl.end.isoformat()} (last report over 14 days old)"]
    for state in stale:
        assert gaz[state.place_id].name in text and state.age > 14
    assert "the bundled dataset" in summary["claims from"]


def test_exports_and_pngs_keep_assumed_states_apart(tmp_path):
    out = tmp_path / "out"
    pipeline.build(out, end=D(2016, 11, 5), snapshots=False)
    rows = list(csv.DictReader((out / "control.csv").open(encoding="utf-8")))
    first = [r for r in rows if r["date"] == "2016-10-17"]
    assert all(r["assumed"] == "True" and r["basis"] == "default" for r in first)
    karkukli = [r for r in rows if r["place_id"] == "karkukli" and r["date"] == "2016-11-04"][0]
    assert karkukli["assumed"] == "False" and karkukli["last_report"] == "2016-11-04"
    data = pipeline.prepare(pipeline.load_inputs(), end=D(2016, 11, 5))
    renderer = SnapshotRenderer(data)
    try:
        renderer.render(D(2016, 11, 4))
        legend = [t.get_text() for t in renderer.legend.get_texts()]
    finally:
        renderer.close()
    assert any(t.startswith("assumed IS-held") for t in legend) and any(t.startswith("IS-held (") for t in legend)


def test_popups_show_a_claims_confidence(bundled):
    _, data = bundled
    payload = timeline_payload(data)
    cited = {cid for place in payload["meta"] for iv in place["intervals"] for cid in iv[4] + iv[8]
             if iv[0] <= (D(2017, 1, 20) - data.timeline.start).days <= iv[1]}
    assert any(c[8] == "low" for c in payload["claims"] if c[0] in cited)  # "low confidence" in its row


def test_adding_and_replacing_claims_are_two_flags(tmp_path):
    mine = tmp_path / "mine.csv"
    mine.write_text("claim_id,date,date_precision,place_as_written,status,event,source\n"
                    "m1,2016-11-03,exact,Zohour,contested,fighting,my notes\n", encoding="utf-8")
    args = ["build", "--no-corpus", "--no-snapshots", "--end", "2016-11-05"]
    added = CliRunner().invoke(main, args + ["--add-claims", str(mine), "--out", str(tmp_path / "a")])
    assert added.exit_code == 0, added.output
    assert "claims from: the bundled dataset: east_mosul_claims.csv, east_mosul_claims_additions.csv, mine.csv" \
        in added.output
    replaced = CliRunner().invoke(main, args + ["--claims", str(mine), "--out", str(tmp_path / "r")])
    assert "claims from: your claims (the bundled dataset replaced): mine.csv" in replaced.output
    assert "claims loaded: 1" in replaced.output


def test_merged_places_carry_their_claims(bundled):
    _, data = bundled
    tl = data.timeline
    alam = [c for c in tl.history["alam"] if c.date == D(2016, 12, 9)]
    assert alam and "alam" in data.drawn  # the 9 Dec "Alam liberated" claim is on the drawn place
    assert not any(c.place_canonical == "Elam (al-I'lam)" and c.place_ids != ("alam",)
                   for c in data.timeline.claims.values())


def test_the_summary_names_the_states_that_went_longest_without_a_report(bundled):
    inputs, data = bundled
    text = pipeline.build_summary(inputs, data, [])["longest stale states (no new report for over 14 days)"]
    name = text.split(" government-held")[0].split(" contested")[0]
    place = next(p for p in data.gazetteer if p.name == name)
    ages = [s.age for s in data.timeline.states[place.place_id] if not s.assumed and s.age is not None]
    assert max(ages) > 60  # weeks with no report behind the state shown
