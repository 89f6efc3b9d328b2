"""Evidence, weighed: claimant and basis, relays counted once, the HMM's fit and its scores."""

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest

from mosulmap import pipeline
from mosulmap.claim_files import load_claims
from mosulmap.claims import Claim, DatePrecision, Status
from mosulmap.errors import InputError
from mosulmap.evidence import (
    STATES,
    Observations,
    basis_of,
    claimant_class,
    find_relays,
    fit,
    observations,
)
from mosulmap.evidence_eval import evaluate_states


def _claim(cid, outlet, quote, day=date(2016, 11, 4), status=Status.GOV_CONTROL, event="liberated", actor="CTS"):
    return Claim(cid, day, DatePrecision.EXACT, "Karama", status, event, outlet, actor=actor, quote=quote,
                 place_ids=("karama",), resolution="given")


def test_three_outlets_carrying_one_statement_count_once():
    statement = "A Joint Operations Command statement said CTS forces liberated Karama."
    relayed = [_claim(cid, outlet, statement) for cid, outlet in (("a1", "Reuters"), ("a2", "Xinhua"),
                                                                   ("a3", "Anadolu"))]
    seen = _claim("a4", "AFP", "An AFP correspondent saw troops in Karama.", status=Status.CONTESTED, event="fighting")
    relays = find_relays(relayed + [seen])
    assert relays == {"a2": "a1", "a3": "a1"}  # the witness's report is its own evidence
    assert claimant_class(relayed[0]) == "official" and basis_of(relayed[0]) == "declared"
    assert basis_of(seen) == "observed"
    amaq = _claim("a5", "Amaq", "According to Amaq, the fighters withdrew from Karama.", actor="IS/Amaq",
                  event="admitted_loss")
    assert claimant_class(amaq) == "is" and basis_of(amaq) == "admitted"
    given = _claim("a6", "Blog", "x", actor="unspecified")
    given = replace(given, claimant="Musings on Iraq", relay_of="a1")
    assert claimant_class(given) == "blog" and find_relays([given])["a6"] == "a1"


def test_new_columns_are_optional_and_checked(tmp_path):
    old = tmp_path / "old.csv"
    old.write_text("claim_id,date,date_precision,place_as_written,status,event,source\n"
                   "x1,2016-11-04,exact,Karama,gov_control,liberated,src\n", encoding="utf-8")
    assert load_claims(old).claims[0].basis == ""  # old files still load
    new = tmp_path / "new.csv"
    new.write_text("claim_id,date,date_precision,place_as_written,status,event,source,claimant,basis,relay_of\n"
                   "x1,2016-11-04,exact,Karama,gov_control,liberated,src,JOC,declared,\n"
                   "x2,2016-11-04,exact,Karama,gov_control,liberated,src2,JOC,rumoured,x1\n", encoding="utf-8")
    loaded = load_claims(new)
    assert loaded.claims[0].claimant == "JOC" and len(loaded.problems) == 1
    assert "new.csv:3: column 'basis'" in str(loaded.problems[0])
    with pytest.raises(InputError):
        load_claims(new, strict=True)


def test_em_recovers_known_emission_matrices_from_simulated_place_days():
    rng = np.random.default_rng(7)
    truth = {0: np.array([[0.8, 0.15, 0.05], [0.3, 0.6, 0.1], [0.1, 0.2, 0.7]]),  # an eager official source
             1: np.array([[0.9, 0.08, 0.02], [0.1, 0.85, 0.05], [0.02, 0.08, 0.9]])}  # a careful one
    transition = np.array([[0.97, 0.02, 0.01], [0.06, 0.92, 0.02], [0.02, 0.05, 0.93]])
    places, days = 40, 50  # 2,000 place-days
    rows = []
    for p in range(places):
        state = 2
        for t in range(days):
            state = rng.choice(3, p=transition[state])
            for cls in (0, 1):
                for _ in range(rng.poisson(0.9)):
                    rows.append((p, t, cls, rng.choice(3, p=truth[cls][state])))
    p_, t_, c_, s_ = (np.array(x) for x in zip(*rows))
    obs = Observations([f"p{i}" for i in range(places)], days, ["a/declared", "b/observed"], p_, t_, c_, s_,
                       [str(i) for i in range(len(rows))], np.ones(len(rows), dtype=bool))
    model = fit(obs, "is_control", iterations=40)
    for cls, matrix in truth.items():
        assert np.abs(model.emission[cls] - matrix).max() <= 0.1, (cls, model.emission[cls].round(2))


@pytest.fixture(scope="module")
def east():
    inputs = pipeline.load_inputs(corpus=None)
    return pipeline.build_timeline(inputs.claims.claims, inputs.gazetteer)


def test_probabilities_for_every_place_and_day(east):
    from mosulmap.evidence import posteriors

    filtered, smoothed, model = posteriors(east)
    assert filtered.shape == smoothed.shape == (len(east.place_ids), len(east.days), 3)
    assert np.allclose(smoothed.sum(axis=2), 1) and np.allclose(filtered.sum(axis=2), 1)
    karama = east.place_ids.index("karama")
    assert smoothed[karama, 0].argmax() == STATES.index("is_control")  # before the offensive
    assert smoothed[karama, -1].argmax() == STATES.index("gov_control")  # after the declarations
    assert np.allclose(model.transition.sum(axis=1), 1)
    obs = observations(east)
    relays = find_relays({c.claim_id: c for p in east.place_ids for c in east.history[p]}.values())
    assert relays and not set(relays) & set(obs.claim_ids)  # relays counted once: left out


def test_the_model_is_scored_against_the_rule_prequentially(east):
    result = evaluate_states(east, "east-mosul", bootstrap=500)
    rule, soft, model = (result.scores[k] for k in ("rule", "softened rule", "model"))
    assert result.forecasts > 150
    assert soft["brier"] < rule["brier"]  # a hard rule is punished for its certainty
    assert model["brier"] < soft["brier"] and result.brier_diff[2] < 0  # measured on the bundled claims
    assert all(0 <= p <= 1 and 0 <= o <= 1 for _, p, o, _ in result.reliability)
    assert "softened rule" in result.report()


def test_control_csv_carries_the_probabilities(tmp_path):
    result = pipeline.build(tmp_path / "out", corpus=None, snapshots=False, end=date(2016, 11, 20))
    import csv

    rows = list(csv.DictReader((result.out_dir / "control.csv").open(encoding="utf-8")))
    for row in rows[:300]:
        total = sum(float(row[f"p_{s}"]) for s in ("gov", "contested", "is"))
        assert abs(total - 1) < 0.01
    assert rows[-1]["date"] == (date(2016, 10, 17) + timedelta(days=34)).isoformat()
