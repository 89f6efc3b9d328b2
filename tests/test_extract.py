from datetime import date

import pytest
from click.testing import CliRunner

from mosulmap import settings
from mosulmap.claim_files import load_claims
from mosulmap.claims import DatePrecision, Status
from mosulmap.cli import main
from mosulmap.extract import clean_text, extract_file, extract_text, split_sentences

CORPUS = (settings.DATA_DIR / "corpus")

ALALAM = CORPUS / "alalam_2016-11-04_east_mosul_six_districts.txt"
K24 = CORPUS / "kurdistan24_is_admits_losing_territory.txt"


@pytest.fixture(scope="module")
def alalam(resolver):
    return extract_file(ALALAM, resolver)


@pytest.fixture(scope="module")
def k24(resolver):
    return extract_file(K24, resolver)


def _by_place(result):
    return {pid: c for c in result.claims for pid in c.place_ids}


def test_alalam_six_districts_and_kokjali(alalam):
    assert alalam.published.value == date(2016, 11, 4)
    assert alalam.published.precision is DatePrecision.EXACT
    claims = _by_place(alalam)
    six = ["malayeen", "samah", "khadra", "karkukli", "quds", "karama"]
    for pid in six:
        assert claims[pid].status is Status.GOV_CONTROL and claims[pid].date == date(2016, 11, 4)
        assert claims[pid].actor == "CTS/Golden Division"
        assert "took over the neighbourhoods" in claims[pid].quote
    assert claims["gogjali"].status is Status.GOV_CONTROL and claims["gogjali"].event == "cleared"
    assert claims["gogjali"].quote == "This town, Kokjali, is cleared."
    assert set(claims) == set(six) | {"gogjali"}  # nothing for Intisar, nor from the video dump


def test_alalam_geography_and_noise_give_no_claim(alalam):
    assert "intisar" not in _by_place(alalam)
    assert not any(u.name == "Sawah" for u in alalam.unplaced)  # not a claim sentence
    assert alalam.noise_lines == 1
    assert not any("contenttypeid" in c.quote or "White Flags" in c.quote for c in alalam.claims)
    assert any(reason == "negation" for _, reason in alalam.skipped)  # "no sounds of fighting"


def test_kurdistan24_inferred_date_and_amaq_admission(k24):
    assert k24.published.value == date(2016, 11, 17)
    assert k24.published.precision is DatePrecision.INFERRED
    claims = _by_place(k24)
    samah = claims["samah"]
    assert (samah.status, samah.event, samah.actor) == (Status.GOV_CONTROL, "admitted_loss", "IS/Amaq")
    for pid in ["arbajiya", "intisar", "qadisiya-al-ula", "qadisiya-al-thaniya"]:
        assert claims[pid].status is Status.CONTESTED, pid
        assert claims[pid].date == date(2016, 11, 17)
    unplaced = {u.name: u.status for u in k24.unplaced}
    assert unplaced["Tisaee"] == "unresolved" and unplaced["Zarqawi"] == "unresolved"
    assert "Shama" in unplaced and not any(c.place_as_written == "Shama" for c in k24.claims)


def _one(resolver, text, **kw):
    return extract_text(text, resolver, source="test.txt", **kw)


def test_relative_dates_against_the_dateline(resolver):
    text = ("Headline\n\nMOSUL, Iraq, Dec 6 (AP) — Iraqi troops captured the Zohour neighbourhood yesterday. "
            "Federal Police stormed Wahda two days ago. On Sunday special forces liberated Hadba.")
    result = _one(resolver, text)
    assert result.published.value == date(2016, 12, 6)
    claims = _by_place(result)
    assert claims["zuhur"].date == date(2016, 12, 5)
    assert claims["wahda"].date == date(2016, 12, 4) and claims["wahda"].actor == "Federal Police"
    assert claims["hadba"].date == date(2016, 12, 4)  # 6 Dec 2016 was a Tuesday
    assert claims["hadba"].actor == "CTS/Golden Division"
    assert all(c.date_precision is DatePrecision.INFERRED for c in result.claims)


def test_negation_plans_and_expectations_give_no_claim(resolver):
    text = ("Headline\n\n2016-12-06\n\nForces did not enter Sumer. Troops are preparing to storm Salam. "
            "The army is expected to capture Wahda soon. Commanders plan to retake Karama. "
            "Police will attack Intisar.")
    result = _one(resolver, text)
    assert result.claims == []
    assert {r for _, r in result.skipped} == {"negation", "plan or expectation"}


def test_clauses_get_their_own_status(resolver):
    text = "Headline\n\n2016-12-06\n\nCTS captured Zahraa while heavy fighting continued in Tahrir."
    claims = _by_place(_one(resolver, text))
    assert claims["zahraa"].status is Status.GOV_CONTROL
    assert claims["tahrir"].status is Status.CONTESTED and claims["tahrir"].event == "fighting"


def test_withdrawal_and_counterattack(resolver):
    text = ("Headline\n\n2016-12-06\n\nIraqi forces withdrew from the Salam neighbourhood. "
            "IS launched a counterattack on Wahda.")
    claims = _by_place(_one(resolver, text))
    assert claims["salam"].status is Status.IS_CONTROL and claims["salam"].event == "withdrew"
    assert claims["wahda"].status is Status.CONTESTED and claims["wahda"].event == "counterattack"


def test_arabic_names_lists_and_prefixes(resolver):
    text = ("Headline\n\n2016-12-06\n\nTroops entered حي الزهور on Tuesday. "
            "They liberated Hayy al-Muthanna, al-Sukkar and Masarif. "
            "القوات العراقية تحرير حي البكر")
    result = _one(resolver, text)
    claims = _by_place(result)
    assert claims["zuhur"].status is Status.CONTESTED and claims["zuhur"].date == date(2016, 12, 6)
    assert {"muthanna", "sukkar", "masarif"} <= set(claims)
    assert claims["muthanna"].status is Status.GOV_CONTROL
    arabic = [c for c in result.claims if c.place_as_written.startswith("حي البكر")]
    assert arabic and arabic[0].actor == "Iraqi forces (unit not named)"


def test_out_of_scope_and_unknown_list_items_are_reported_not_claimed(resolver):
    text = "Headline\n\n2016-12-06\n\nForces captured the districts of Zanjili, Bartella, Zarqawi and Karama."
    result = _one(resolver, text)
    assert set(_by_place(result)) == {"karama"}
    statuses = {u.name: u.status for u in result.unplaced}
    assert statuses == {"Zanjili": "out_of_scope", "Bartella": "out_of_scope", "Zarqawi": "unresolved"}


def test_undatable_article_yields_no_claims(resolver):
    result = _one(resolver, "Headline\n\nForces captured Karama after fierce fighting.")
    assert result.undatable and result.claims == []
    dated = _one(resolver, "Headline\n\nForces captured Karama.", published=date(2016, 11, 2))
    assert [c.date for c in dated.claims] == [date(2016, 11, 2)]


def test_sidecar_metadata_dates_an_article(tmp_path, resolver):
    article = tmp_path / "story.txt"
    article.write_text("Headline\n\nForces captured Karama on Monday.", encoding="utf-8")
    (tmp_path / "story.txt.meta.json").write_text('{"published": "2016-11-02", "publisher": "AP"}')
    result = extract_file(article, resolver)
    assert result.claims[0].date == date(2016, 10, 31) and result.claims[0].source.startswith("AP")


def test_sentences_do_not_break_after_abbreviations():
    assert split_sentences("On Nov. 15, Lt. Gen. Maad spoke. Then he left.") == [
        "On Nov. 15, Lt. Gen. Maad spoke.", "Then he left."]


def test_clean_text_drops_data_dumps():
    lines, dropped = clean_text('Title\n\nReal text.\nstring(5) "[{\\"id\\":\\"1\\"}]"\n{"id":"2","title":"x"}')
    assert lines == ["Title", "Real text."] and dropped == 2


def test_cli_extract_writes_a_claims_file_that_loads(tmp_path, resolver):
    out = tmp_path / "claims.csv"
    result = CliRunner().invoke(main, ["extract", str(ALALAM), str(K24), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "unplaced 'Tisaee': unresolved" in result.output
    loaded = load_claims(out, resolver)
    assert loaded.problems == [] and len(loaded.claims) == 11
    check = CliRunner().invoke(main, ["claims", str(out)])
    assert check.exit_code == 0 and "11 claims" in check.output


def test_arabic_common_words_are_not_places(resolver):
    # "the Federal Police freed the Zuhur quarter on Friday": الشرطة (police) and الجمعة (Friday) are
    # also gazetteer names, but only the name that carries حي is a place here.
    text = "Headline\n\n2016-12-06\n\nحررت الشرطة الاتحادية حي الزهور يوم الجمعة"
    claims = extract_text(text, resolver).claims
    assert [c.place_ids for c in claims] == [("zuhur",)]
