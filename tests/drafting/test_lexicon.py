"""The estimative-probability lexicon: published numbers, matching and negation."""

from dataclasses import FrozenInstanceError

import pytest

from forecasts.drafting.lexicon import (
    SCALES,
    Reading,
    load_scales,
    lookup_chain,
    read_phrase,
    reread_phrase,
)


def entry(scale: str, phrase: str):
    return next(e for e in load_scales()[scale].entries if e.phrase == phrase)


def test_it_ships_the_four_scales_under_stable_keys():
    assert list(SCALES) == ["icd203", "kent1964", "ipcc_ar5", "reckon"]
    assert all(name and load_scales()[key].citation for key, name in SCALES.items())


@pytest.mark.parametrize(
    ("phrase", "variant", "low", "high"),
    [
        ("almost no chance", "remote chance", 1, 5),
        ("very unlikely", "highly improbable", 5, 20),
        ("unlikely", "improbable", 20, 45),
        ("roughly even chance", "roughly even odds", 45, 55),
        ("likely", "probable", 55, 80),
        ("very likely", "highly probable", 80, 95),
        ("almost certain", "nearly certain", 95, 99),
    ],
)
def test_icd203_matches_the_published_ranges(phrase, variant, low, high):
    row = entry("icd203", phrase)
    assert row.interval == pytest.approx((low / 100, high / 100))
    assert row.point == pytest.approx((low + high) / 200)
    assert variant in row.variants
    assert "ICD 203" in row.rationale


@pytest.mark.parametrize(
    ("phrase", "central", "spread"),
    [
        ("certain", 100, 0),
        ("almost certain", 93, 6),
        ("probable", 75, 12),
        ("chances about even", 50, 10),
        ("probably not", 30, 10),
        ("almost certainly not", 7, 5),
        ("impossible", 0, 0),
    ],
)
def test_kent1964_matches_the_published_central_values(phrase, central, spread):
    row = entry("kent1964", phrase)
    assert row.interval == pytest.approx(((central - spread) / 100, (central + spread) / 100))
    assert row.point == pytest.approx(central / 100)
    assert "Kent (1964)" in row.rationale


@pytest.mark.parametrize(
    ("phrase", "low", "high"),
    [
        ("virtually certain", 99, 100),
        ("extremely likely", 95, 100),
        ("very likely", 90, 100),
        ("likely", 66, 100),
        ("more likely than not", 50, 100),
        ("about as likely as not", 33, 66),
        ("unlikely", 0, 33),
        ("very unlikely", 0, 10),
        ("extremely unlikely", 0, 5),
        ("exceptionally unlikely", 0, 1),
    ],
)
def test_ipcc_ar5_matches_the_published_ranges(phrase, low, high):
    row = entry("ipcc_ar5", phrase)
    assert row.interval == pytest.approx((low / 100, high / 100))
    assert "IPCC AR5" in row.rationale


def test_ipcc_points_read_nested_ranges_as_exclusive_bands():
    # An author who wrote "likely" rather than "very likely" means 66-90%.
    assert entry("ipcc_ar5", "likely").point == pytest.approx(0.78)
    assert entry("ipcc_ar5", "unlikely").point == pytest.approx(0.215)


@pytest.mark.parametrize("scale", list(SCALES))
def test_every_entry_has_a_valid_interval_point_and_one_line_rationale(scale):
    for row in load_scales()[scale].entries:
        low, high = row.interval
        assert 0 <= low <= high <= 1, row.phrase
        assert low <= row.point <= high, row.phrase
        assert row.rationale.strip() and "\n" not in row.rationale, row.phrase


@pytest.mark.parametrize("scale", ["icd203", "reckon"])
def test_points_are_midpoints_on_the_range_scales(scale):
    for row in load_scales()[scale].entries:
        assert row.point == pytest.approx(sum(row.interval) / 2), row.phrase


@pytest.mark.parametrize("scale", list(SCALES))
def test_no_surface_form_is_listed_twice_in_a_scale(scale):
    surfaces = [s.lower() for row in load_scales()[scale].entries for s in row.surfaces]
    assert len(surfaces) == len(set(surfaces))


PROJECT_PHRASES = [
    "surely", "might", "may", "could", "questionable", "doubtful", "hard to imagine",
    "difficult to imagine", "no doubt", "more likely than not", "unlikely to affect", "set to",
    "looks set to", "is going to", "will", "would", "should", "expected to", "is poised to",
    "bound to", "chances are", "plausible", "possible", "conceivable", "far from certain",
    "a complete fantasy", "cannot be dismissed",
    "should not be dismissed as completely unrealistic",
]  # fmt: skip


def test_the_project_scale_lists_the_hedges_pundits_use():
    phrases = {row.phrase for row in load_scales()["reckon"].entries}
    assert set(PROJECT_PHRASES) <= phrases


def test_questionable_reads_as_doubt_between_030_and_040():
    reading = read_phrase("Whether Putin would stick to it is questionable.")
    assert reading.phrase == "questionable"
    assert 0.3 <= reading.point <= 0.4


def test_hard_to_imagine_is_a_low_probability_for_the_event():
    reading = read_phrase("It's hard to imagine a split between Russia and China today.")
    assert reading.matched_text == "hard to imagine"
    assert reading.point < 0.2


MORE_THAN_EVEN = "It is more likely than not that the strike ends."


@pytest.mark.parametrize(
    ("text", "scale", "phrase", "supplier"),
    [
        ("The ECB is very unlikely to raise rates.", "icd203", "very unlikely", "icd203"),
        (MORE_THAN_EVEN, "icd203", "more likely than not", "reckon"),
        (MORE_THAN_EVEN, "ipcc_ar5", "more likely than not", "ipcc_ar5"),
        ("It will almost certainly not last.", "kent1964", "almost certainly not", "kent1964"),
        ("Putin is much more likely to play both sides.", "icd203", "much more likely", "reckon"),
        ("Trump looks set to reset relations.", "icd203", "looks set to", "reckon"),
    ],
)
def test_the_longest_phrase_wins(text, scale, phrase, supplier):
    reading = read_phrase(text, scale)
    assert (reading.phrase, reading.scale) == (phrase, supplier)


def test_matching_ignores_case_and_respects_word_boundaries():
    assert read_phrase("Rain is LIKELY tomorrow.").phrase == "likely"
    assert read_phrase("An unlikely alliance may form.").phrase == "unlikely"
    assert read_phrase("The likelihood of rain is discussed.") is None


def test_the_chosen_scale_supplies_the_words_it_lists():
    reading = read_phrase("Rates are likely to fall.", "kent1964")
    assert (reading.phrase, reading.scale, reading.point) == ("probable", "kent1964", 0.75)


def test_hedges_the_chosen_scale_lacks_fall_back_to_the_project_scale():
    reading = read_phrase("It would surely involve a down-scaling.", "icd203")
    assert (reading.phrase, reading.scale, reading.point) == ("surely", "reckon", 0.88)


def test_the_project_scale_falls_back_to_the_published_scales():
    assert lookup_chain("reckon") == ("reckon", "icd203", "kent1964", "ipcc_ar5")
    assert read_phrase("Rates are likely to fall.", "reckon").scale == "icd203"
    assert read_phrase("A collapse is exceptionally unlikely.").scale == "ipcc_ar5"


def test_an_unknown_scale_is_refused_with_the_known_keys():
    with pytest.raises(ValueError, match="icd203, kent1964, ipcc_ar5, reckon"):
        read_phrase("It is likely.", "nato")


@pytest.mark.parametrize(
    ("text", "matched", "interval", "point"),
    [
        ("The bill is not likely to pass.", "not likely", (0.2, 0.45), 0.325),
        ("The bill isn't likely to pass.", "isn't likely", (0.2, 0.45), 0.325),
        ("Beijing won't sit idly by.", "won't", (0.05, 0.15), 0.1),
        ("It isn't going to happen.", "isn't going to", (0.05, 0.15), 0.1),
        ("The Fed probably won't cut.", "probably won't", (0.2, 0.45), 0.325),
        ("The board might not approve it.", "might not", (0.5, 0.8), 0.65),
        ("A recession is not unlikely.", "not unlikely", (0.55, 0.8), 0.675),
    ],
)
def test_negation_takes_the_complement(text, matched, interval, point):
    reading = read_phrase(text)
    assert reading.negated
    assert reading.matched_text == matched
    assert reading.interval == pytest.approx(interval)
    assert reading.point == pytest.approx(point)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Victory is not certain.", "far from certain"),
        ("A default is not impossible.", "conceivable"),
    ],
)
def test_negated_extremes_read_as_litotes_not_as_the_opposite_extreme(text, phrase):
    reading = read_phrase(text, "kent1964")
    assert (reading.phrase, reading.negated) == (phrase, False)
    assert 0.05 <= reading.point <= 0.5


def test_unlikely_to_fail_is_a_statement_about_failing_not_a_negation():
    reading = read_phrase("The striker is unlikely to fail a fitness test.")
    assert (reading.phrase, reading.point, reading.negated) == ("unlikely", 0.325, False)
    # A question framed as "will he pass?" takes the complement: the double negative flips.
    assert reading.negative_event
    assert 1 - reading.point == pytest.approx(0.675)


def test_unlikely_to_go_along_is_a_low_probability_of_going_along():
    reading = read_phrase("European partners are unlikely to go along with it.")
    assert (reading.point, reading.negated, reading.negative_event) == (0.325, False, False)


def test_could_not_is_no_hedge():
    assert read_phrase("She couldn't attend the summit.") is None


@pytest.mark.parametrize(
    "text",
    [
        "In May, the parliament approved the budget.",
        "Will Smith presented the trophy.",
        "The will of the people must be respected.",
        "Russia's military might is overstated.",
        "A certain view holds sway in Moscow.",
    ],
)
def test_homographs_are_not_hedges(text):
    assert read_phrase(text) is None


def test_the_modal_may_is_still_read():
    assert read_phrase("Prices may rise further.").phrase == "may"


def test_a_hedge_word_beats_a_modal_and_the_more_decided_hedge_wins():
    assert read_phrase("Trump might get a deal, but whether it lasts is questionable.").phrase == (
        "questionable"
    )
    text = "While it's hard to imagine a split, the idea should not be dismissed as unrealistic."
    assert read_phrase(text).phrase == "hard to imagine"


def test_a_sentence_without_hedges_reads_as_none():
    assert read_phrase("Putin and Xi are closely aligned.") is None


def test_readings_are_immutable():
    reading = read_phrase("It is likely.")
    assert isinstance(reading, Reading)
    with pytest.raises(FrozenInstanceError):
        reading.point = 0.9


@pytest.mark.parametrize(
    ("phrase", "scale", "supplier", "point"),
    [
        ("likely", "kent1964", "kent1964", 0.75),
        ("likely", "ipcc_ar5", "ipcc_ar5", 0.78),
        ("likely", "reckon", "icd203", 0.675),  # the project scale lacks it: the default reads it
        ("probably won't", "kent1964", "kent1964", 0.25),  # negated: 1 − 0.75
        ("probably won't", "ipcc_ar5", "icd203", 0.325),  # IPCC lacks "probably"
        ("highly likely", "ipcc_ar5", "reckon", 0.875),  # neither IPCC nor ICD 203 lists it
        ("more likely than not", "icd203", "reckon", 0.6),  # never "likely" inside it
    ],
)
def test_a_recorded_phrase_is_reread_with_the_default_scale_as_first_fallback(
    phrase, scale, supplier, point
):
    reading = reread_phrase(phrase, scale)
    assert reading is not None
    assert (reading.scale, reading.point) == (supplier, point)


def test_rereading_words_without_a_hedge_gives_none():
    assert reread_phrase("the weather", "kent1964") is None
