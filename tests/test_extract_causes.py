"""One test per cause of error that real articles showed, on sentences written for these tests.

Each article is built as a real one is laid out (a ``dateline | headline`` line, or a blog's post
date and title, then the body); the claims are compared as (date, place, status).
"""

from datetime import date

import pytest

from mosulmap.claims import Status
from mosulmap.extract import extract_file, extract_text
from mosulmap.extract.timex import Anchors, Kind, find_timexes, resolve

G, C, H = Status.GOV_CONTROL.value, Status.CONTESTED.value, Status.IS_CONTROL.value
D = date


def claims(resolver, body, published=date(2016, 12, 7), head="Tuesday, December 7, 2016 | A headline", **kw):
    result = extract_text(f"{head}\n\n{body}", resolver, source="t.txt", published=published, **kw)
    return {(c.date, c.place_ids[0] if len(c.place_ids) == 1 else ";".join(c.place_ids), c.status.value)
            for c in result.claims}


def places(found):
    return {p for _, p, _ in found}


# -- dates scoped to what they govern --------------------------------------------------------------

def test_a_relative_clause_dates_only_itself(resolver):
    body = ("The army kept trying to clear Zahraa, which had been freed on November 9. "
            "Karama, Samah and Quds were being fought over.")
    found = claims(resolver, body, published=D(2016, 11, 30))
    assert (D(2016, 11, 9), "zahraa", G) in found
    assert (D(2016, 11, 30), "zahraa", C) in found
    assert {(D(2016, 11, 30), p, C) for p in ("karama", "samah", "quds")} <= found


def test_an_appositive_dates_only_its_place(resolver):
    body = "Clashes broke out in Nour, first entered on November 6, Shaimaa and Domiz."
    found = claims(resolver, body)
    assert found == {(D(2016, 11, 6), "nour", C), (D(2016, 12, 7), "nour", C), (D(2016, 12, 7), "shaimaa", C),
                     (D(2016, 12, 7), "domiz", C)}


def test_the_leads_day_carries_through_the_story(resolver):
    body = ("Iraqi forces pushed into the Intisar district on Monday, officers said.\n\n"
            "In a second push, special forces stormed Samah.\n\nThe army also captured Zuhur.")
    found = claims(resolver, body, published=D(2016, 12, 7))  # a Wednesday
    assert {d for d, _, _ in found} == {D(2016, 12, 5)}


def test_a_blog_title_names_the_day_described(resolver):
    head = "Thursday, November 17, 2016"
    body = "Mosul Campaign Day Thirty-One, Nov 16, 2016\n\nThe Golden Division attacked Sumer and Salam."
    found = claims(resolver, body, published=D(2016, 11, 17), head=head)
    assert found == {(D(2016, 11, 16), "sumer", C), (D(2016, 11, 16), "salam", C)}


def test_background_dates_date_nothing_else(resolver):
    body = ("The offensive to retake the city was launched on Oct. 17. "
            "Since October 17 troops have taken many areas. Troops took control of Karama.")
    assert claims(resolver, body) == {(D(2016, 12, 7), "karama", G)}


def test_relative_days_resolve_against_the_publication_date(resolver):
    body = ("Special forces entered Samah yesterday. Police stormed Sumer two days ago. "
            "On Sunday the army liberated Quds.")
    found = claims(resolver, body)  # Wed 7 Dec 2016
    assert found == {(D(2016, 12, 6), "samah", C), (D(2016, 12, 5), "sumer", C), (D(2016, 12, 4), "quds", G)}


def test_two_days_before_counts_from_the_day_described(resolver):
    body = "Fighting went on in Hadba, although Falah had been freed two days before."
    head = "Wednesday, November 30, 2016"
    found = claims(resolver, "Campaign Day 44, Nov 29, 2016\n\n" + body, published=D(2016, 11, 30), head=head)
    assert found == {(D(2016, 11, 29), "hadba", C), (D(2016, 11, 27), "falah", G)}


def test_the_nth_day_of_a_phase(resolver):
    body = ("The second phase began on Thursday (December 29) after weeks of stalemate. "
            "On the fourth day, troops managed to free the Intisar neighbourhood.")
    assert claims(resolver, body, published=D(2017, 1, 2)) == {(D(2017, 1, 1), "intisar", G)}


def test_a_sidecar_date_beats_the_command_line_default(tmp_path, resolver):
    article = tmp_path / "a.txt"
    article.write_text("Headline\n\nTroops entered Karama on Friday.", encoding="utf-8")
    (tmp_path / "a.txt.meta.json").write_text('{"published": "2016-11-05"}', encoding="utf-8")
    result = extract_file(article, resolver, published=D(2016, 12, 20))
    assert result.published.value == D(2016, 11, 5) and result.claims[0].date == D(2016, 11, 4)
    undated = tmp_path / "b.txt"
    undated.write_text("Headline\n\nTroops entered Karama.", encoding="utf-8")
    assert extract_file(undated, resolver, published=D(2016, 12, 20)).claims[0].date == D(2016, 12, 20)


def test_datelines_are_found_and_banners_are_not_datelines(resolver):
    text = "Army advances\n\nEAST OF MOSUL, Iraq, Oct. 31, 2016 — Iraqi troops entered Karama on Monday."
    result = extract_text(text, resolver)
    assert result.published.value == D(2016, 10, 31) and result.claims[0].date == D(2016, 10, 31)
    banner = "Saved 2024-05-01 | Army advances\n\nIraqi troops entered Karama on Monday, Nov. 28, officers said."
    result = extract_text(banner, resolver)
    assert result.published is None or result.published.value != D(2024, 5, 1)


def test_arabic_relative_days_and_months(resolver):
    body = ("حررت القوات العراقية حي الزهور أمس. واقتحمت القوات حي الكرامة اليوم. "
            "وكانت القوات قد دخلت حي البكر يوم 15 ديسمبر.")
    found = claims(resolver, body, published=D(2016, 12, 20))
    assert found == {(D(2016, 12, 19), "zuhur", G), (D(2016, 12, 20), "karama", C), (D(2016, 12, 15), "bakr", C)}
    for text in ("قبل أول أمس", "أمس الأول"):
        found = find_timexes(text)
        assert [t.kind for t in found] == [Kind.DEICTIC] and found[0].offset == -2, text


def test_time_expressions_are_recognised_then_normalised():
    anchors = Anchors(published=D(2016, 12, 7), reference=D(2016, 12, 6), phase_start=D(2016, 12, 1))
    texts = {"on Friday": D(2016, 12, 2), "yesterday": D(2016, 12, 6), "two days earlier": D(2016, 12, 4),
             "the third day": D(2016, 12, 3), "29 December": None, "Nov. 15": D(2016, 11, 15)}
    for text, expected in texts.items():
        (t,) = find_timexes(text)
        found = resolve(t, anchors)
        assert (found.value if found else None) == expected, text
    assert [t.kind for t in find_timexes("in the past few days")] == [Kind.VAGUE]


# -- each verb governs its own places -------------------------------------------------------------

def test_each_verb_governs_the_places_after_it(resolver):
    body = "CTS seized the Ghufran district and entered neighbouring Wahda, a spokesman said."
    assert claims(resolver, body) == {(D(2016, 12, 7), "ghufran", G), (D(2016, 12, 7), "wahda", C)}
    body = "His men have retaken Amn, Qahira and Sumer and were expanding their foothold in Zohour."
    found = claims(resolver, body)
    assert {(p, s) for _, p, s in found} == {("amn", G), ("qahira", G), ("sumer", G), ("zuhur", C)}


def test_clearing_while_clashing_is_contested(resolver):
    body = "They are now clearing the Salam neighbourhood, they are clashing with the enemy."
    assert claims(resolver, body) == {(D(2016, 12, 7), "salam", C)}


def test_a_subject_before_its_verb(resolver):
    body = "Zuhur was declared freed, but when the day was over clashes were still going on there."
    assert claims(resolver, body) == {(D(2016, 12, 7), "zuhur", G), (D(2016, 12, 7), "zuhur", C)}


# -- what is not a claim ----------------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    "All of these areas were fought over for days, with Karama and Sumer liberated once each.",
    "Barid, liberated twice before, was quiet.",
    "The reports did not say whether it was Qadisiya 1, which was freed twice, or Qadisiya 2.",
    "Will the army take Karama before the winter?",
    "The army plans to retake Samah next week.",
    "Commanders hope to storm Sumer soon.",
    "Special forces reached the edges of the al-Qahira and al-Zuhur neighbourhoods.",
    "The army took control of the Al-Salam hospital.",
    "Adel, Loaa, \"Forces liberate Karkukli area in east Mosul,\" Iraqi News, 11/13/16",
    "حررت القوات حي الغفران جنوب غربي الوحدة",
])
def test_not_claims(resolver, body):
    found = claims(resolver, body)
    assert not any(p in ("karama", "sumer", "barid", "samah", "qahira", "zuhur", "salam", "karkukli", "wahda")
                   or p.startswith("qadisiya") for p in places(found)), found


def test_a_building_taken_inside_a_district_makes_it_contested_not_taken(resolver):
    body = "Soldiers took over the hospital building in the al-Salam neighbourhood."
    assert claims(resolver, body) == {(D(2016, 12, 7), "salam", C)}


def test_geography_does_not_veto_a_capture(resolver):
    body = ("Forces managed to seize Gogjali district on the eastern edge of the city. "
            "Special forces pushed into Qadisiya al-Thaniya, on the northern edge of the pocket they hold. "
            "They freed Baladiyat and made progress in the adjacent neighbourhood of Sukkar.")
    assert claims(resolver, body) == {(D(2016, 12, 7), "gogjali", G), (D(2016, 12, 7), "qadisiya-al-thaniya", C),
                                      (D(2016, 12, 7), "baladiyat", G), (D(2016, 12, 7), "sukkar", C)}


@pytest.mark.parametrize("share", ["two-thirds of", "half of", "large parts of", "90 percent of"])
def test_partial_control_is_contested(resolver, share):
    assert claims(resolver, f"Iraqi forces had captured {share} al-Quds by the afternoon.") == {
        (D(2016, 12, 7), "quds", C)}


def test_common_words_are_not_places(resolver):
    body = ("The victory came after the liberation of large territories, and health workers followed. "
            "حررت قوات الشرطة الاتحادية حي القدس. Forces took Karama as well as Samah.")
    assert places(claims(resolver, body)) == {"quds", "karama", "samah"}


# -- the language of control ---------------------------------------------------------------------

@pytest.mark.parametrize("sentence, status", [
    ("The army announced the recapture of Mithaq.", G),
    ("Troops managed to break into the al-Furqan neighbourhood.", C),
    ("Artillery paved the way for the 9th Division to move forward into Wahda.", C),
    ("Counter-terrorism forces pushed back IS militants in the Muthanna district.", C),
    ("Iraqi forces had taken near total control of Intisar.", C),
    ("We advanced in Salam district but the situation is difficult.", C),
    ("They launched an assault into Sumer.", C),
    ("His unit was still pushing into the Ghabat area.", C),
    ("The army gained a foothold in Tahrir.", C),
    ("Federal police are retaking Domiz.", C),
    ("IS militants withdrew from Masarif after the strikes.", G),
    ("The Golden Division was forced out of the Karama area by IS counterattacks.", H),
    ("Rashidiya is still held by IS.", H),
    ("The militants still hold onto Arabi.", H),
    ("With that, only the neighbourhood of Rashidiya was left to retake.", H),
    ("Hadba remained to be cleared.", H),
])
def test_language_of_control(resolver, sentence, status):
    found = claims(resolver, sentence)
    assert len(found) == 1 and next(iter(found))[2] == status, found


def test_arabic_punctuation_quotes_and_verbs(resolver):
    body = ("اقتحمت القوات حي «البكر»، وسيطرت على حي \"الزهور\"؛ بينما لا يزال التنظيم يسيطر على حي الكرامة.")
    found = claims(resolver, body)
    assert {(p, s) for _, p, s in found} == {("bakr", C), ("zuhur", G), ("karama", H)}
    assert claims(resolver, "حيث تم تحرير حيي المزارع و«المثنى» بالساحل الأيسر.") >= {
        (D(2016, 12, 7), "mazare", G), (D(2016, 12, 7), "muthanna", G)}


# -- lists named before or after -------------------------------------------------------------------

def test_a_list_named_after_its_count(resolver):
    body = ("The army said it took six districts. "
            "It named the districts as Karama, Samah, Zuhur, Quds, Masarif and Bakr.")
    assert places(claims(resolver, body)) == {"karama", "samah", "zuhur", "quds", "masarif", "bakr"}


def test_the_four_districts_refers_back_to_a_list(resolver):
    body = ("Commandos freed four districts, Murur, Mishraq, Sumer and Quds, on Saturday. "
            "They had started their push into the four districts early on Friday.")
    found = claims(resolver, body, published=D(2016, 12, 11))
    assert {(d, s) for d, _, s in found} == {(D(2016, 12, 10), G), (D(2016, 12, 9), C)}
    assert places(found) == {"murur", "mishraq", "sumer", "quds"}
    restated = "Commandos freed Murur and Sumer on Saturday. The battles in the two districts killed many."
    assert {s for _, _, s in claims(resolver, restated, published=D(2016, 12, 11))} == {G}


# -- actors, one-paragraph stories -------------------------------------------------------------------

def test_each_clause_has_its_own_actor(resolver):
    text = "H | A headline\n\nThe CTS captured Karama, while the Federal Police stormed Samah."
    result = extract_text(text, resolver, published=D(2016, 12, 7))
    assert {c.place_ids[0]: c.actor for c in result.claims} == {"karama": "CTS/Golden Division",
                                                                "samah": "Federal Police"}


def test_a_one_paragraph_article_is_not_a_headline(resolver):
    text = ("Iraqi special forces captured the Karama district of east Mosul on Friday after heavy fighting "
            "with Islamic State militants, officers said.")
    result = extract_text(text, resolver, published=D(2016, 11, 5))
    assert [(c.date, c.place_ids) for c in result.claims] == [(D(2016, 11, 4), ("karama",))]


def test_a_fight_for_control_is_not_control(resolver):
    body = ("Troops were fighting for control of Karama. Special forces stormed the IS-held Sumer district. "
            "The battle for control of Samah went on.")
    assert {(p, s) for _, p, s in claims(resolver, body)} == {("karama", C), ("sumer", C), ("samah", C)}


@pytest.mark.parametrize("sentence, status", [
    ("Karama fell to Iraqi forces after a week of fighting.", G),
    ("Gogjali fell to the militants in 2016 once more.", H),
    ("Rashidiya was still under the control of IS.", H),
    ("Arabi remained under IS control.", H),
    ("Commandos ousted the militants from Sumer.", G),
    ("IS launched a counter-offensive in Zuhur.", C),
    ("The army made advances in Wahda.", C),
    ("طردت القوات العراقية مسلحي داعش من حي الزهور.", G),
])
def test_more_language_of_control(resolver, sentence, status):
    found = claims(resolver, sentence)
    assert len(found) == 1 and next(iter(found))[2] == status, found


def test_a_landmark_named_earlier_can_be_the_university(resolver):
    body = ("Iraqi forces retook Mosul University on Saturday, officers said. "
            "Troops were still pushing into the university compound from the south.")
    found = claims(resolver, body, published=D(2017, 1, 14))
    assert found == {(D(2017, 1, 14), "university-of-mosul", G), (D(2017, 1, 14), "university-of-mosul", C)}
    assert claims(resolver, "Troops pushed into the university compound.") == set()  # no landmark named before
