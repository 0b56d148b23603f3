"""Instruments as code: every item in every UI language, translation status, scoring of each
instrument (missing items included) and validation of answers."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from surveys import instruments
from surveys.instruments import VERSION, VERSIONS, clean_answers, items_for, score
from surveys.instruments.activity import ACTIVITY
from surveys.instruments.experience import EXPERIENCE
from surveys.instruments.fewer_opportunities import (
    BARRIERS,
    CATEGORIES_VERSION,
    FEWER_OPPORTUNITIES,
)
from surveys.instruments.health import LIMITATION, SELF_RATED_HEALTH
from surveys.instruments.legacy import LEGACY
from surveys.instruments.loneliness import LONELINESS
from surveys.instruments.who5 import WHO5

LANGUAGES = [code for code, _name in settings.LANGUAGES]
ALL = [WHO5, ACTIVITY, SELF_RATED_HEALTH, LIMITATION, LONELINESS, EXPERIENCE, LEGACY]
ALL.append(FEWER_OPPORTUNITIES)


@pytest.mark.parametrize("instrument", ALL, ids=lambda i: i.code)
def test_every_text_exists_in_every_ui_language_with_a_source(instrument):
    assert instrument.source
    texts = [instrument.name, *(item.text for item in instrument.items)]
    texts += [option.label for item in instrument.items for option in item.options]
    if instrument.intro:
        texts.append(instrument.intro)
    for text in texts:
        assert set(text) == set(LANGUAGES), text
        assert all(value.strip() for value in text.values())


def test_only_confident_official_translations_are_claimed():
    assert WHO5.translation("en") == instruments.ORIGINAL
    assert WHO5.translation("de") == instruments.OFFICIAL
    for language in ("es", "fr", "tr"):
        assert WHO5.translation(language) == instruments.OURS
    for instrument in ALL[1:]:
        assert instrument.official == frozenset()
        assert instrument.translation("tr") == instruments.OURS


def test_waves_ask_what_the_design_says():
    t0 = {i.code for i in VERSIONS[VERSION]["t0"]}
    t1 = {i.code for i in VERSIONS[VERSION]["t1"]}
    t2 = {i.code for i in VERSIONS[VERSION]["t2"]}
    assert t0 == {"who5", "activity", "srh", "gali", "loneliness", "fewer_opportunities"}
    assert t1 == {"experience"}
    assert t2 == {"who5", "activity", "srh", "loneliness", "experience", "legacy"}
    # The special-category profile is asked once, at baseline.
    assert "fewer_opportunities" not in {item.code for item in items_for("t2")}


WHO5_ALL = {f"who5_{n}": v for n, v in zip(range(1, 6), [5, 4, 3, 2, 1], strict=True)}


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (WHO5_ALL, 60),
        (dict.fromkeys(WHO5_ALL, 5), 100),
        (dict.fromkeys(WHO5_ALL, 0), 0),
        ({k: v for k, v in WHO5_ALL.items() if k != "who5_3"}, None),
        ({}, None),
    ],
)
def test_who5_is_the_raw_sum_times_four_and_needs_all_five(answers, expected):
    assert score("t0", VERSION, answers)["who5"] == expected


@pytest.mark.parametrize(("days", "expected"), [(0, 0), (5, 5), (7, 7), (None, None)])
def test_active_days(days, expected):
    answers = {} if days is None else {"active_days": days}
    assert score("t0", VERSION, answers)["active_days"] == expected


@pytest.mark.parametrize(
    ("value", "good"), [(1, True), (2, True), (3, False), (4, False), (5, False), (None, None)]
)
def test_self_rated_health_good_means_very_good_or_good(value, good):
    answers = {} if value is None else {"srh": value}
    assert score("t0", VERSION, answers)["health_good"] is good


@pytest.mark.parametrize(("value", "limited"), [(1, True), (2, True), (3, False), (None, None)])
def test_gali_limited_severely_or_not(value, limited):
    answers = {} if value is None else {"gali": value}
    assert score("t0", VERSION, answers)["limited"] is limited


def test_ucla3_sums_three_items_and_the_direct_item_flags_often():
    answers = {"ucla_1": 1, "ucla_2": 1, "ucla_3": 1, "lonely": 5}
    result = score("t0", VERSION, answers)
    assert (result["ucla3"], result["lonely_often"]) == (3, True)
    answers = {"ucla_1": 3, "ucla_2": 3, "ucla_3": 3, "lonely": 4}
    result = score("t0", VERSION, answers)
    assert (result["ucla3"], result["lonely_often"]) == (9, False)
    result = score("t0", VERSION, {"ucla_1": 3, "ucla_2": 2})
    assert (result["ucla3"], result["lonely_often"]) == (None, None)


@pytest.mark.parametrize(
    ("chosen", "flag"),
    [
        (["economic"], True),
        (["disability", "geographical"], True),
        (["none"], False),
        (["prefer-not-to-say"], None),
        ([], None),
    ],
)
def test_fewer_opportunities_is_any_barrier(chosen, flag):
    assert score("t0", VERSION, {"fewer_opportunities": chosen})["fewer_opportunities"] is flag


def test_the_barrier_list_is_the_eight_categories_plus_none_and_undisclosed():
    assert CATEGORIES_VERSION == "2021"
    assert len(BARRIERS) == 8
    values = FEWER_OPPORTUNITIES.items[0].values
    assert values[-2:] == ["none", "prefer-not-to-say"]


def test_experience_and_legacy_scores():
    result = score(
        "t2",
        VERSION,
        {
            "felt_welcome": 3,
            "met_other_countries": 0,
            "intend_active": 2,
            "joined_club": 1,
            "new_activity": 0,
        },
    )
    assert result["felt_welcome"] is True
    assert result["met_other_countries"] is False
    assert result["intend_active"] is False
    assert (result["joined_club"], result["new_activity"], result["volunteered"]) == (
        True,
        False,
        None,
    )
    # T1 asks nothing about health: those columns stay empty.
    assert score("t1", VERSION, {"felt_welcome": 4})["who5"] is None


def test_clean_answers_accepts_numbers_as_text_and_skips_blanks():
    clean = clean_answers("t0", VERSION, {"who5_1": "3", "srh": 2, "gali": "", "lonely": None})
    assert clean == {"who5_1": 3, "srh": 2}


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"who5_1": 6}, "who5_1"),
        ({"who5_1": True}, "who5_1"),
        ({"srh": "very good"}, "srh"),
        ({"fewer_opportunities": ["economic", "none"]}, "fewer_opportunities"),
        ({"fewer_opportunities": ["lottery"]}, "fewer_opportunities"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
        ({"joined_club": 1}, "joined_club"),  # a T2 item is not part of T0
    ],
)
def test_clean_answers_names_the_item_in_error(answers, field):
    with pytest.raises(ValidationError) as caught:
        clean_answers("t0", VERSION, answers)
    assert field in caught.value.message_dict
