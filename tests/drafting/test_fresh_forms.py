"""Rules for forms the fresh articles showed, each tested on sentences written here."""

from datetime import date

import pytest

from forecasts.drafting.claims import (
    CLAIM,
    NONE,
    REPORTED,
    claim_from_sentence,
    explain_paragraph,
    explain_sentence,
    explain_sentences,
    split_sentences,
)

TODAY = date(2025, 1, 15)


# --- the author's own call, and the phrase an editor reads --------------------------


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        ("I predict the ferry link will reopen before the summer.", "I predict"),
        ("I further predict that the mayor will lose her seat.", "I further predict"),
        ("We now expect the central bank to hold rates until June.", "We now expect"),
        # the author speaking of themselves in the third person
        ("This writer is predicting a narrow win for the Greens.", "is predicting"),
    ],
)
def test_the_authors_own_prediction_verb_is_their_claim(sentence, phrase):
    claim = claim_from_sentence(sentence, today=TODAY)

    assert claim is not None and claim.phrase == phrase and claim.speaker == ""
    assert claim.probability == 0.75  # read like "I expect"


@pytest.mark.parametrize(
    ("sentence", "verdict"),
    [
        ("Pollsters predict a narrow win for the Greens.", REPORTED),
        ("Most forecasters aren't predicting a recession this year.", REPORTED),
        ("Predicting elections is a mug's game.", NONE),
    ],
)
def test_a_prediction_verb_that_is_not_the_authors(sentence, verdict):
    assert explain_sentence(sentence).verdict == verdict


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        ("Their defence is leaky, and I think they'll drop points early on.", "I think"),
        ("We’ll see a second vote on the bypass before long.", "We’ll"),
        ("Nobody says it aloud, but it's going to rain on the parade.", "it's going to"),
        ("I have no doubt that the levy will rise again next year.", "I have no doubt"),
    ],
)
def test_the_phrase_keeps_the_word_a_contraction_hangs_on_and_the_authors_frame(sentence, phrase):
    claim = claim_from_sentence(sentence, today=TODAY)

    assert claim is not None and claim.phrase == phrase
    assert phrase in sentence


def test_the_authors_plan_in_the_third_person_is_not_a_forecast():
    verdict = explain_sentence("Once more, this writer will stick his neck out on the race.")

    assert verdict.verdict == NONE
    assert verdict.why == "the author's plan for the article"


def test_poised_for_looks_ahead_like_poised_to():
    claim = claim_from_sentence("The harbour district is poised for a building boom.")

    assert claim is not None and claim.phrase == "is poised for" and claim.probability == 0.8
    assert explain_sentence("The harbour district is poised for a building boom.").verdict == CLAIM


# --- whose forecast: more ways of reporting, and what is not a report ----------------


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        # the comma sits inside the quotation marks
        ('The thaw could flood the valley by April and bring "record losses," insurers warn.',
         "insurers"),
        ("The thaw could flood the valley by April and bring “record losses,” insurers warn.",
         "insurers"),
        # the news writer's "per"
        ("Harvests peak in autumn, per AgriWatch, so prices are likely to fall in October.",
         "AgriWatch"),
        # a headline credited to an outlet
        ("Rail strike likely to drag into spring - FT", "FT"),
    ],
)  # fmt: skip
def test_more_ways_a_sentence_names_its_source(sentence, speaker):
    verdict = explain_sentence(sentence)

    assert verdict.verdict == REPORTED, verdict.why
    assert verdict.speaker == speaker


@pytest.mark.parametrize(
    "sentence",
    [
        # "per cent" and a lower-case word after "per" name nobody
        "Rents will probably rise 4 per cent, per year, for a decade.",
        # a headline whose dash is not a credit
        "Rates will probably fall - and soon",
    ],
)
def test_per_and_dashes_that_credit_nobody(sentence):
    assert explain_sentence(sentence).verdict == CLAIM


def test_a_quotation_running_over_several_sentences_stays_the_speakers():
    paragraph = [
        'The coach spoke after training, saying, "We have had a hard week.',
        "The squad is tired.",
        'We will win on Saturday, I promise you."',
    ]

    verdicts = [explain_sentence(s, previous=paragraph[:i]) for i, s in enumerate(paragraph)]

    assert verdicts[2].verdict == REPORTED
    assert "The coach spoke" in verdicts[2].why


def test_a_quotation_never_closed_does_not_swallow_the_authors_later_sentences():
    paragraph = [
        "Here is last year's outlook: “Rents are set to climb 2 percent in 2024.",
        "That was wrong, as the critics noted.",
        "I am fairly confident that rents will fall next spring.",
    ]

    verdict = explain_sentence(paragraph[2], previous=paragraph[:2])

    assert verdict.verdict == CLAIM and verdict.phrase == "fairly confident"


@pytest.mark.parametrize(
    "sentence",
    [
        # evidence the author reads speaks for nobody else
        "Wage trends suggest that inflation could stay near 3% next year.",
        "The signs point to a late harvest, and prices will likely rise in June.",
        # a report word used as a noun after a determiner
        "Allowing for the forecast and its errors, the river will very likely flood in May.",
        # a quarrel is not a report
        "Whether you are arguing with a landlord or a bank, rents will keep rising next year.",
    ],
)
def test_evidence_nouns_and_quarrels_are_not_reports(sentence):
    verdict = explain_sentence(sentence)

    assert verdict.verdict == CLAIM, verdict.why


def test_a_hedge_on_someone_elses_belief_reports_it():
    verdict = explain_sentence("Ministers probably expect the strike to end by Friday.")

    assert verdict.verdict == REPORTED and "Ministers probably expect" in verdict.why
    own = explain_sentence("The strike will probably end by Friday, I think.")
    assert own.verdict == CLAIM


def test_an_expectation_in_the_passive_with_nobody_named_is_relayed():
    verdict = explain_sentence("Bond yields are expected to climb through the spring.")

    assert verdict.verdict == REPORTED
    assert verdict.speaker == "" and "nobody named" in verdict.why
    # the author's own outlook, in the first person, owns it
    outlook = [
        "Our central forecast is for a mild recession.",
        "Bond yields are expected to climb through the spring.",
    ]
    assert explain_sentence(outlook[1], previous=outlook[:1]).verdict == CLAIM


def test_the_consequence_drawn_from_a_report_is_part_of_the_report():
    sentence = (
        "The Greens are expected to take nine seats, meaning the coalition could lose its majority."
    )

    assert explain_sentence(sentence).verdict == REPORTED
    own = "The Greens will take nine seats, meaning the coalition could lose its majority."
    assert explain_sentence(own).verdict == CLAIM


# --- modals that do not forecast, and ones that do ----------------------------------


@pytest.mark.parametrize(
    ("sentence", "why"),
    [
        ("After a dull spring, it will be fascinating to see whether the new coach lasts.",
         "wait and see"),
        ("Nobody knows the effect the merger will have.", "describing a noun"),
        ("The effect the merger will have on fares is a common worry.", "describing a noun"),
        ("We simply don't know if the regulator will step in before May.", "embedded question"),
        ("Traders wonder if the rally will last.", "embedded question"),
        ("If the new runway is going to open on time, the airport needs more staff.",
         "if-clause"),
    ],
)  # fmt: skip
def test_modals_that_do_not_forecast(sentence, why):
    verdict = explain_sentence(sentence)

    assert verdict.verdict == NONE
    assert why in verdict.why


def test_a_relative_who_after_a_comma_is_no_embedded_question():
    sentence = "The title will go to Leeds, who will have too much for the rest."

    claim = claim_from_sentence(sentence, today=TODAY)
    relative = explain_sentence("The real threat is Leeds, who will have too much for the rest.")

    assert claim is not None
    assert relative.verdict == CLAIM
    assert explain_sentence("Nobody knows who will win the title.").verdict == NONE


@pytest.mark.parametrize(
    "sentence",
    [
        # idioms with "if" state no condition
        "If anything, the forecast is cautious and the bridge will open sooner.",
        "The levy will rise, if not this year then next.",
    ],
)
def test_if_idioms_leave_the_claim(sentence):
    assert explain_sentence(sentence).verdict == CLAIM
    # a real condition, even with "then", makes a plain "will" its consequence (round four)
    assert explain_sentence("If turnout falls then the mayor will lose.").verdict == NONE


@pytest.mark.parametrize(
    ("sentence", "phrase", "point"),
    [
        ("The ring road is never going to be finished this decade.", "is never going to", 0.1),
        ("There's a risk of the dam failing again next winter.", "There's a risk", 0.35),
    ],
)
def test_never_going_to_and_a_named_risk(sentence, phrase, point):
    claim = claim_from_sentence(sentence, today=TODAY)

    assert claim is not None and claim.phrase == phrase
    assert claim.probability == point


# --- which words set the number ------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        # a hedge added as an aside after a comma qualifies a detail, not the clause
        ("The vote will be counted by Friday, possibly Saturday.", "will"),
        ("There may be three new lines by 2030, likely in the north.", "may"),
        # a concession yields to the main clause
        ("Fares will very likely rise again, though it is not inevitable that they will.",
         "very likely"),
        # the raising verb belongs to the hedge
        ("It seems likely that the strike will end this week.", "seems likely"),
    ],
)  # fmt: skip
def test_the_hedge_governing_the_main_clause_sets_the_number(sentence, phrase):
    claim = claim_from_sentence(sentence, today=TODAY)

    assert claim is not None and claim.phrase == phrase


def test_a_hedge_not_set_off_by_a_comma_still_beats_the_modal():
    claim = claim_from_sentence("The vote will probably be counted by Friday.", today=TODAY)

    assert claim is not None and claim.phrase == "probably"


@pytest.mark.parametrize(
    ("sentence", "phrase", "point"),
    [
        ("Our survey probably puts the odds of a rate cut at 60% by June.", "60%", 0.6),
        ("Our base case remains a soft landing (70%), with growth near 2%.", "70%", 0.7),
        ("3. The Mayor Wins a Third Term (40 percent)", "40 percent", 0.4),
    ],
)
def test_more_numbers_the_author_states(sentence, phrase, point):
    claim = claim_from_sentence(sentence, today=TODAY)

    assert claim is not None and claim.phrase == phrase
    assert claim.probability == point


@pytest.mark.parametrize(
    "sentence",
    [
        # a share in brackets is no probability
        "Most tenants (65%) now rent from private landlords.",
        "Turnout in the north (48%) was the lowest in decades.",
    ],
)
def test_a_percentage_in_brackets_outside_a_scenario_or_list_is_not_a_probability(sentence):
    assert explain_sentence(sentence) is None


@pytest.mark.parametrize(
    ("sentence", "phrase", "point"),
    [
        ("Picking the last side to go down is hard, but I'm going for Luton.",
         "I'm going for", 0.625),
        ("Larkspur to win the Oaks at 12/1", "to win", 0.625),
        ("Our central forecast is for unemployment to peak at 5% next spring.",
         "Our central forecast", 0.75),
        ("The prospects for a trade deal do not look good.", "do not look good", 0.125),
        ("The chances of a dry summer look slim.", "look slim", 0.125),
        ("The chances of a quick recovery look good.", "look good", 0.7),
    ],
)  # fmt: skip
def test_picks_tips_own_forecasts_and_chances_in_words(sentence, phrase, point):
    claim = claim_from_sentence(sentence, today=TODAY)

    assert claim is not None and claim.phrase == phrase
    assert claim.probability == point


@pytest.mark.parametrize(
    "sentence",
    [
        "Larkspur won the Oaks at 12/1 last year.",  # a result, not a tip
        "The agency's forecast is for growth to slow.",  # someone else's forecast
        "I'm going to the match with friends.",  # no pick
    ],
)
def test_what_is_not_a_tip_or_the_authors_forecast(sentence):
    verdict = explain_sentence(sentence)

    assert verdict is None or verdict.verdict != CLAIM


# --- a predicted table ----------------------------------------------------------------


def test_numbered_names_after_the_authors_predicted_table_are_picks():
    text = (
        "The new season starts on Friday. Here are my predictions for the Championship "
        "season.\n\n20. Harwich Rovers\n\nThey lost their best players in June.\n\n"
        "19. Eastleigh Town\n\nA thin squad and a new manager."
    )

    verdicts = explain_sentences(text, sentence_model=False)
    picks = [v for v in verdicts if v.verdict == CLAIM]

    assert [v.sentence for v in picks] == ["20. Harwich Rovers", "19. Eastleigh Town"]
    assert picks[0].phrase == "20." and picks[0].reading.point == 0.625
    assert picks[0].why == "a place in the author's predicted table"


@pytest.mark.parametrize(
    "announcement",
    [
        "Here are my predictions for AI in 2026.",  # numbered topics, not places
        "Who will top the league this season?",  # a question announces nothing
        "Here is last season's final table.",  # a record, not predictions
    ],
)
def test_numbered_names_without_a_predicted_table_are_not_picks(announcement):
    text = f"{announcement}\n\n1. Personal Agents\n\n2. Harwich Rovers"

    assert [v for v in explain_sentences(text, sentence_model=False) if v.verdict == CLAIM] == []


def test_a_list_number_stays_with_its_item_on_the_same_line():
    text = "My picks:\n20. Harwich Rovers\n1) Rates will fall. 2) Prices will rise.\n3.\nNext line"

    sentences = split_sentences(text)

    assert "20. Harwich Rovers" in sentences
    assert "1) Rates will fall." in sentences and "2) Prices will rise." in sentences
    assert "3." in sentences and "Next line" in sentences  # not across a line break
    assert all(sentence in text for sentence in sentences)


def test_and_opening_a_sentence_carries_on_the_report_before_it():
    paragraph = [
        "Schools will reopen next week, the health officials said.",
        "Many offices are still empty.",
        "And many families will travel abroad this winter.",
    ]

    verdict = explain_paragraph(paragraph)[2]

    assert verdict.verdict == REPORTED and "the health officials" in verdict.speaker
    own = ["Rents rose last year.", "And rents will rise again next year."]
    assert explain_paragraph(own)[1].verdict == CLAIM


@pytest.mark.parametrize(
    "sentence",
    [
        "I probably disappoint readers who want a number.",
        "It likely means the pipe was cracked all along.",
    ],
)
def test_a_hedge_before_a_verb_in_the_present_describes_the_present(sentence):
    verdict = explain_sentence(sentence)

    assert verdict.verdict == NONE and "describes the present" in verdict.why


def test_the_same_hedge_with_a_future_word_still_forecasts():
    claim = claim_from_sentence("They probably win the cup next spring.", today=TODAY)

    assert claim is not None and claim.phrase == "probably"
