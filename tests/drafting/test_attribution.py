"""Whose forecast is it: the failure classes seen on unseen articles, in our own sentences."""

from datetime import date

import pytest

from forecasts.drafting.attribution import attribution
from forecasts.drafting.claims import (
    AFFIRMS,
    CLAIM,
    NEGATES,
    NONE,
    REPORTED,
    claim_from_sentence,
    detect_claims,
    explain_paragraph,
    explain_sentence,
    explain_sentences,
)

TODAY = date(2025, 1, 15)

# sentence, who is reported
REPORTED_ANYWHERE = [
    # a reporting verb in the middle, between commas
    ("Bond yields will fall next spring, the finance minister predicts, as inflation cools.",
     "the finance minister"),
    # after a comma, inverted, with an appositive
    ("The port strike will end within a week, says Dr Amara Osei, director of the shipping "
     "institute.", "Dr Amara Osei"),
    # trailing
    ("Ticket prices are likely to rise again next season, the club's owners said.",
     "the club's owners"),
    # before the hedge: a third party's expectation
    ("Analysts expect the central bank to raise rates in March.", "Analysts"),
    # "according to" anywhere
    ("Inflation will ease next year, according to the central bank.", "the central bank"),
    # a document speaks
    ("The latest survey shows that turnout will probably fall in the spring election.",
     "The latest survey"),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "speaker"), REPORTED_ANYWHERE)
def test_attribution_anywhere_in_the_sentence_makes_it_reported(sentence, speaker):
    verdict = explain_sentence(sentence)

    assert verdict.verdict == REPORTED
    assert verdict.speaker == speaker
    assert verdict.why.startswith("reported: ")
    assert claim_from_sentence(sentence, today=TODAY) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "The common assumption is that the merger will be approved by regulators.",
        "A popular prediction is that the striker will leave in the summer.",
        "The agency's projection is that wheat prices will double by 2027.",
    ],
)
def test_an_attribution_noun_makes_it_someone_elses_claim(sentence):
    assert explain_sentence(sentence).verdict == REPORTED


def test_the_authors_own_prediction_noun_stays_their_claim():
    assert (
        explain_sentence("My own prediction is that the merger will be blocked.").verdict == CLAIM
    )


def test_the_authors_own_calculations_are_not_an_attribution():
    claim = claim_from_sentence("This race won't be close, according to my calculations.")
    assert claim is not None and claim.direction == NEGATES


def test_a_quotation_takes_its_speaker_from_the_sentence_before():
    paragraph = [
        "Professor Lee told the committee about the outlook on Tuesday.",
        "\u201cExports will recover next year.\u201d",
    ]
    verdicts = explain_paragraph(paragraph)

    assert verdicts[0] is None  # nothing forward-looking in the first sentence
    assert verdicts[1].verdict == REPORTED
    assert verdicts[1].speaker == "Professor Lee"


def test_a_quotation_continued_from_an_open_one_is_still_the_speakers():
    previous = ["The mayor said: \u201cWe have the money."]
    assert attribution("The tram will run by 2027.", previous) is not None
    assert attribution("The tram will run by 2027.", ["The mayor spoke on Monday."]) is None


def test_detection_reads_quotations_in_their_paragraph_only():
    text = (
        "The minister spoke to farmers on Monday.\n"
        "\u201cThe drought will end by April.\u201d\n\n"
        "The drought will end by April."
    )
    verdicts = explain_sentences(text)

    assert [(v.index, v.verdict) for v in verdicts] == [(1, REPORTED), (2, CLAIM)]
    assert [c.index for c in detect_claims(text, today=TODAY)] == [2]


@pytest.mark.parametrize(
    ("sentence", "why"),
    [
        ("If the ceasefire collapses, refugee numbers would rise sharply.", "conditional"),
        ("A second referendum would split the party.", "conditional"),
        ("If rates stay high, the housing market could stall.", "condition"),
        ("We might live in an age of cheap solar power, but storage is still expensive.",
         "concession"),
        ("The reforms may help exporters, but the real problem is the currency.", "concession"),
        ("It might be argued that the polls were simply wrong.", "concession"),
    ],
)  # fmt: skip
def test_conditionals_and_concessions_are_not_predictions(sentence, why):
    verdict = explain_sentence(sentence)

    assert verdict.verdict == NONE
    assert why in verdict.why


def test_a_rhetorical_if_is_not_a_condition():
    claim = claim_from_sentence(
        "If the last decade has taught us anything, it is that the treaty may not survive."
    )
    assert claim is not None and claim.phrase == "may not"


def test_negated_belief_is_the_authors_claim_of_the_negation():
    claim = claim_from_sentence("I don't think the coalition will survive the winter.")

    assert claim is not None and claim.speaker == ""
    assert claim.direction == NEGATES
    # the belief row, not a bare "will": ICD 203 "likely" that the coalition will not survive
    assert claim.phrase == "I don't think"
    assert claim.stated_probability == 0.675
    assert claim.outcome == "the coalition will not survive the winter"


def test_someone_elses_negated_belief_stays_reported():
    verdict = explain_sentence("Few economists think the yen will recover this year.")
    assert verdict.verdict == REPORTED


# sentence, phrase, P(event as written)
NEW_HEDGES = [
    ("It is inevitable that fares rise again next year.", "inevitable", 0.945),
    ("The budget vote is a safe bet to pass next week.", "a safe bet", 0.85),
    ("The odds are lengthening on a deal before the summer recess.",
     "The odds are lengthening", 0.25),
    ("Don't be surprised if the league expands to twenty teams next season.",
     "Don't be surprised if", 0.6),
    ("The incumbent cannot win a third term.", "cannot win", 0.055),
    ("I expect the ferry service to resume in May.", "I expect", 0.75),
    ("Don't hold your breath for a new stadium before 2030.", "Don't hold your breath", 0.14),
    ("The canal could very well close for a month next summer.", "could very well", 0.55),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "phrase", "point"), NEW_HEDGES)
def test_hedges_the_lexicon_lacked_are_read(sentence, phrase, point):
    claim = claim_from_sentence(sentence, today=TODAY)

    assert claim is not None
    assert claim.phrase == phrase
    assert claim.probability == pytest.approx(point)


def test_an_imperative_dont_expect_is_the_authors_claim_of_the_negation():
    claim = claim_from_sentence("Don't expect a trade deal this year.", today=TODAY)

    assert claim.phrase == "Don't expect"
    assert claim.direction == NEGATES
    assert claim.stated_probability == 0.75


@pytest.mark.parametrize(
    ("sentence", "phrase", "point"),
    [
        ("There is a 70 per cent chance that the bridge opens on schedule.",
         "70 per cent chance", 0.7),
        ("I give Labour an 86 percent probability of a majority next year.",
         "86 percent probability", 0.86),
        ("I'd put the chance of a recession next year at one in three.", "one in three", 0.333333),
        ("The final is a 60% chance for the hosts and will likely go to penalties.",
         "60% chance", 0.6),
        ("The final next week is 50-50.", "50-50", 0.5),
        ("The probability of a rate cut in January is basically zero.", "basically zero", 0.01),
    ],
)  # fmt: skip
def test_explicit_numbers_beat_hedge_words(sentence, phrase, point):
    verdict = explain_sentence(sentence)

    assert verdict.verdict == CLAIM
    assert verdict.phrase == phrase
    assert verdict.reading.point == pytest.approx(point)


def test_a_headline_with_a_hedge_is_a_claim():
    claim = claim_from_sentence("Rail Strike Unlikely Before Christmas", today=TODAY)
    assert claim is not None and claim.phrase == "Unlikely"


def test_the_number_comes_from_the_hedge_governing_the_predicted_clause():
    # "very likely" governs the prediction; "may" sits in the clause the "but" overrules
    claim = claim_from_sentence(
        "The merger may slow hiring, but it will very likely raise prices next year."
    )
    assert claim.phrase == "very likely"
    # a hedge word beats the bare "will" it governs
    assert claim_from_sentence("It's likely that gas boilers will be banned by 2035.").phrase == (
        "likely"
    )


def test_a_bare_will_maps_to_the_project_scale_and_says_so():
    claim = claim_from_sentence("The new line will open in 2027.", today=TODAY)

    assert (claim.phrase, claim.scale, claim.probability) == ("will", "reckon", 0.9)
    assert claim.interval == (0.85, 0.95)


@pytest.mark.parametrize(
    ("sentence", "why"),
    [
        ("We will see what happens when the court rules.", "wait and see"),
        ("I will explain the numbers below.", "the author's plan"),
        ("The slogan \u201cwe will likely win\u201d was printed on every poster.", "quoted words"),
        ("The reform would have possibly saved the party.", "counterfactual"),
        ("Pollsters try to correct any likely mistakes before the count.", "adjective"),
        ("Anyone with a calculator could work this out next week.", "ability"),
        ("Owners could still buy diesel vans after the ban.", "ability"),
    ],
)  # fmt: skip
def test_other_forward_words_that_are_not_the_authors_forecast(sentence, why):
    verdict = explain_sentence(sentence)
    assert verdict.verdict != CLAIM
    assert why in verdict.why


def test_each_claim_says_who_speaks_and_why_in_plain_words():
    claim = detect_claims("The council will probably approve the plan next month.", today=TODAY)[0]

    assert claim.speaker == ""
    assert claim.why == "the author's own 'probably'"
    assert claim.direction == AFFIRMS
