"""Evaluation against gold claims, on two short articles written for this test."""

import json

from click.testing import CliRunner

from mosulmap.cli import main
from mosulmap.evaluate import evaluate

ARTICLE_A = """2016-11-04 | Troops make gains in east Mosul

Iraqi special forces captured the Karama district on Friday. Fighting went on in Zuhur.
Officials said the Samah neighbourhood was freed.
"""
ARTICLE_B = """2016-12-06 | Army pushes on

Soldiers entered the Qadisiya area yesterday.
"""


def _gold(tmp_path, records):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE_A, encoding="utf-8")
    (folder / "b.txt").write_text(ARTICLE_B, encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return gold, folder


RECORDS = [
    {"file": "a.txt", "published": "2016-11-04", "claims": [
        {"date": "2016-11-04", "place_canonical": "Karama", "place_as_written": "Karama", "status": "gov_control",
         "place_id": "karama", "quote": "captured the Karama district"},
        # an id the gazetteer no longer has: found again through place_canonical
        {"date": "2016-11-04", "place_canonical": "Zuhur", "place_as_written": "Zuhur", "status": "contested",
         "place_id": "old-zuhur-id", "quote": "Fighting went on in Zuhur"},
        # a place the gold says the gazetteer lacks, and that the extractor cannot find either
        {"date": "2016-11-04", "place_canonical": "Nowhere", "place_as_written": "Nowhere", "status": "contested",
         "place_id": "?nowhere", "quote": "not in the text"},
        {"date": "2016-11-04", "place_canonical": "East Mosul", "place_as_written": "east Mosul",
         "status": "gov_control", "place_id": "east-mosul", "whole_area": True, "quote": "left out"},
    ]},
    {"file": "b.txt", "published": "2016-12-06", "claims": [
        # a group, and alternatives: either Qadisiya set is accepted
        {"date": "2016-12-05", "place_canonical": "Qadisiya", "place_as_written": "Qadisiya", "status": "contested",
         "place_id": "qadisiya-al-ula|qadisiya-al-ula;qadisiya-al-thaniya", "quote": "entered the Qadisiya area"},
    ]},
]


def test_scores_count_matches_misses_and_spurious_claims(tmp_path):
    gold, folder = _gold(tmp_path, RECORDS)
    result = evaluate(gold, folder)
    assert result.articles == 2 and result.gold_claims == 4  # the whole-east-bank claim is left out
    # Karama, Zuhur and Qadisiya found; Nowhere missed; Samah was not in the gold: a false positive
    assert (result.dated.tp, result.dated.fn, result.dated.fp) == (3, 1, 1)
    assert [m.place for m in result.dated.false_positives] == ["Samah"]
    assert "Samah neighbourhood was freed" in result.dated.false_positives[0].sentence
    assert [m.place for m in result.dated.false_negatives] == ["Nowhere"]
    assert result.unmatched_gold == ["Nowhere"]
    assert round(result.dated.precision, 2) == 0.75 and round(result.dated.recall, 2) == 0.75
    assert result.by_status["contested"].tp == 2 and result.by_status["gov_control"].fp == 1


def test_a_wrong_date_counts_only_when_dates_are_ignored(tmp_path):
    records = json.loads(json.dumps(RECORDS))
    records[1]["claims"][0]["date"] = "2016-12-01"  # the article says "yesterday": 5 Dec
    gold, folder = _gold(tmp_path, records)
    result = evaluate(gold, folder)
    assert result.dated.tp == 2 and result.undated.tp == 3


def test_evaluate_command_prints_figures_and_misses(tmp_path):
    gold, folder = _gold(tmp_path, RECORDS)
    result = CliRunner().invoke(main, ["evaluate", str(gold), str(folder)])
    assert result.exit_code == 0, result.output
    assert "dated (date, place, status): precision 0.75, recall 0.75" in result.output
    assert "false positives (dated): 1" in result.output and "Samah" in result.output
    as_json = CliRunner().invoke(main, ["evaluate", "--json", str(gold), str(folder)])
    assert json.loads(as_json.output)["dated"]["tp"] == 3


def test_scores_per_language_and_file_group(tmp_path):
    gold, folder = _gold(tmp_path, RECORDS)
    (folder / "b.txt.meta.json").write_text(json.dumps({"language": "en-mt"}), encoding="utf-8")
    result = evaluate(gold, folder, groups=("a-a", "b*"))
    # a.txt is detected as English; b.txt's sidecar says machine-translated English
    assert (result.parts["language en"].tp, result.parts["language en"].fn) == (2, 1)
    assert (result.parts["language en-mt"].tp, result.parts["language en-mt"].fn) == (1, 0)
    assert result.parts["files a-a"].fp == 1 and result.parts["files b*"].fp == 0
    out = CliRunner().invoke(main, ["evaluate", "--brief", "--group", "b-b", str(gold), str(folder)])
    assert "files b-b (dated): precision 1.00, recall 1.00" in out.output
