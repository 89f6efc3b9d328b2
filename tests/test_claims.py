import json

import pytest

from mosulmap import settings
from mosulmap.claim_files import load_claims, read_claims, write_claims
from mosulmap.claims import COLUMNS, Status
from mosulmap.errors import InputError

HEADER = "claim_id,date,date_precision,place_as_written,place_canonical,status,event,actor,source,published,note\n"
GOOD = "c1,2016-11-04,exact,Karama,Karama,gov_control,captured,CTS,Alalam,2016-11-04,\n"


@pytest.fixture(scope="module")
def curated(resolver):
    return load_claims((settings.DATA_DIR / "claims" / "east_mosul_claims.csv"), resolver)


def test_curated_dataset_loads_as_it_is(curated):
    assert len(curated.claims) == 273 and curated.problems == []
    by_id = {c.claim_id: c for c in curated.claims}
    assert by_id["c0001"].place_ids == ("gogjali",) and by_id["c0001"].resolution == "given"
    assert by_id["c0001"].status is Status.CONTESTED and by_id["c0001"].event == "stormed"


def test_unresolved_places_are_kept_and_reported(curated):
    tisaee = next(c for c in curated.claims if c.place_as_written == "Tisaee")
    assert tisaee.place_ids == () and tisaee.resolution == "unresolved"
    assert any("'Tisaee' unresolved" in w for w in curated.warnings)
    qadsiya = next(c for c in curated.claims if c.place_as_written == "Qadsiya")
    assert qadsiya.resolution == "group"
    assert set(qadsiya.place_ids) == {"qadisiya-al-ula", "qadisiya-al-thaniya"}
    assert len(curated.unresolved) == 18  # IS names, hospitals, landmarks not in the gazetteer, Shama
    whole = [c for c in curated.claims if c.place_ids == ("east-mosul",)]
    assert {c.claim_id for c in whole} == {"c0254", "c0255", "c0266", "c0269", "c0271", "c0273"}


def test_round_trip_csv_and_jsonl(curated, tmp_path, resolver):
    for name in ("out.csv", "out.jsonl"):
        path = write_claims(curated.claims, tmp_path / name)
        again = load_claims(path, resolver)
        assert again.problems == []
        assert [c.to_row() for c in again.claims] == [c.to_row() for c in curated.claims]
    first = json.loads((tmp_path / "out.jsonl").read_text().splitlines()[0])
    assert list(first) == list(COLUMNS)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("c2,2016-13-01,exact,Karama,Karama,gov_control,captured,CTS,Alalam,,", r":3: column 'date': not an ISO date"),
        ("c2,2019-01-01,exact,Karama,Karama,gov_control,captured,CTS,Alalam,,", r":3: column 'date': outside"),
        ("c2,2016-11-04,exact,Karama,Karama,held,captured,CTS,Alalam,,", r":3: column 'status': must be one of"),
        ("c2,2016-11-04,exact,Karama,Karama,contested,captured,CTS,Alalam,,", r"event 'captured' implies"),
        ("c2,2016-11-04,sure,Karama,Karama,gov_control,captured,CTS,Alalam,,", r"column 'date_precision'"),
        ("c1,2016-11-04,exact,Karama,Karama,gov_control,captured,CTS,Alalam,,", r":3: column 'claim_id': duplicate"),
        ("c2,2016-11-05,exact,Karama,Karama,gov_control,captured,CTS,Alalam,2016-11-04,", r"after the report's"),
        ("c2,2016-11-04,exact,Karama,Karama,gov_control,captured,CTS", r":3: 8 fields where the header has 11"),
        ("c2,2016-11-04,exact,,Karama,gov_control,captured,CTS,Alalam,,", r"column 'place_as_written': required"),
        ("c2,2016-11-04,exact,Karama,Atlantis,gov_control,captured,CTS,Alalam,,", r"'place_canonical': not a gaz"),
    ],
)
def test_bad_rows_name_file_line_column_and_value(tmp_path, resolver, row, message):
    path = tmp_path / "claims.csv"
    path.write_text(HEADER + GOOD + row + "\n", encoding="utf-8")
    result = load_claims(path, resolver)
    assert [c.claim_id for c in result.claims] == ["c1"]  # the good row survives
    assert len(result.problems) == 1
    assert str(result.problems[0]).startswith(str(path))
    assert result.problems[0].describe() == str(result.problems[0])
    import re

    assert re.search(message, str(result.problems[0])), str(result.problems[0])
    with pytest.raises(InputError):
        load_claims(path, resolver, strict=True)


def test_every_bad_row_is_reported_not_just_the_first(tmp_path, resolver):
    path = tmp_path / "claims.csv"
    bad = "c{},2016-99-01,exact,Karama,Karama,gov_control,captured,CTS,Alalam,,\n"
    path.write_text(HEADER + GOOD + "".join(bad.format(i) for i in range(2, 6)), encoding="utf-8")
    result = load_claims(path, resolver)
    assert [e.line for e in result.problems] == [3, 4, 5, 6]
    assert "4 bad rows skipped" in result.summary()


def test_whole_file_problems(tmp_path, resolver):
    missing = tmp_path / "missing_cols.csv"
    missing.write_text("claim_id,date\nc1,2016-11-04\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing_cols.csv:1: missing columns date_precision"):
        read_claims(missing, strict=True)
    binary = tmp_path / "junk.csv"
    binary.write_bytes(b"\x00\x01\xff\xfe")
    with pytest.raises(InputError, match="junk.csv"):
        read_claims(binary)
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="empty.csv:1: empty file"):
        read_claims(empty)
    with pytest.raises(InputError, match="cannot read claims"):
        read_claims(tmp_path / "absent.csv")


def test_bom_and_crlf_are_accepted(tmp_path, resolver):
    path = tmp_path / "claims.csv"
    path.write_bytes(("\ufeff" + HEADER + GOOD).replace("\n", "\r\n").encode("utf-8"))
    result = load_claims(path, resolver)
    assert result.problems == [] and result.claims[0].place_ids == ("karama",)


def test_jsonl_bad_line_is_located(tmp_path, resolver):
    path = tmp_path / "claims.jsonl"
    good = {"claim_id": "j1", "date": "2016-11-04", "date_precision": "exact", "place_as_written": "Zohour",
            "status": "contested", "event": "fighting", "source": "AP"}
    path.write_text(json.dumps(good) + "\n{oops\n[1, 2]\n", encoding="utf-8")
    result = load_claims(path, resolver)
    assert result.claims[0].place_ids == ("zuhur",) and result.claims[0].resolution == "resolved"
    assert [(e.line, "JSON" in str(e) or "object" in str(e)) for e in result.problems] == [(2, True), (3, True)]
