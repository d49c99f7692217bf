"""Rules for forms the third fresh part (``fresh3.json``) showed once it became tuning
data, each tested on sentences written here, none taken from the corpus."""

import pytest

from forecasts.drafting.claims import (
    CLAIM,
    NONE,
    REPORTED,
    claim_from_sentence,
    explain_sentence,
)
from tests.builders.sentences import TODAY, phrase_of, verdict_of

# --- the consequence of a condition ----------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "If the ferry company folds, the council will take over the route.",
        "If the Greens take the seat, they will demand a recount in the next ward.",
        "If prices keep rising, the bank is going to raise rates again.",
        "If the striker leaves then the club will struggle to score.",
        "As long as the loans keep flowing, the builders won't slow down.",
    ],
)
def test_a_plain_future_after_an_opening_condition_is_its_consequence(sentence):
    assert verdict_of(sentence) == NONE


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        ("Unless the weather turns, the harvest will be early.", "will"),
        ("Even if the vote is close, the mayor will keep her seat.", "will"),
        ("If you ask me, the striker will leave in January.", "will"),
        ("If I had to guess, the bill will pass in the autumn.", "will"),
        ("If you ask me, a merger is likely before the summer.", "likely"),
        (
            "Unless something drastic happens, the chance of a snap election is basically zero.",
            "basically zero",
        ),
        ("Unless the board changes its mind, a merger is unlikely this year.", "unlikely"),
    ],
)
def test_unless_even_if_and_asides_leave_the_authors_call_standing(sentence, phrase):
    assert phrase_of(sentence) == phrase


# --- the reader addressed --------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "You will read plenty of confident outlooks this autumn.",
        "Sooner or later you'll stumble across a chart that proves the opposite.",
        "After an hour of this, you will get bored and close the tab.",
        "By the end, you will have no idea which model to trust.",
        "So you'll have to take my word for it.",
        "You will later come across a second chart that says the opposite.",
    ],
)
def test_the_reader_reading_and_searching_is_not_a_forecast(sentence):
    assert verdict_of(sentence) == NONE


def test_what_the_reader_comes_across_is_not_the_authors_forecast():
    sentence = "You will come across other theories, which will contradict the first."

    assert verdict_of(sentence) == NONE
    assert verdict_of("Fares will rise in May, which will hurt commuters.") == CLAIM


@pytest.mark.parametrize(
    "sentence",
    [
        "You will pay more for petrol next year.",
        "You won't need a passport to visit the island after the deal.",
    ],
)
def test_a_forecast_about_the_readers_lives_stays_a_claim(sentence):
    assert verdict_of(sentence) == CLAIM


# --- the author's own forecast and belief ----------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        ("There is no change in my forecast that the jobless rate will peak at 5%.", "will"),
        ("My forecast also assumes that house prices will fall by 3% next year.", "will"),
        ("My forecast assumes two rate hikes in the spring.", "My forecast"),
        ("Our forecast calls for a mild recession in 2026.", "Our forecast"),
        ("I continue to believe that a deal before Christmas is very unlikely.", "very unlikely"),
        ("We continue to think the bank will cut in June.", "will"),
    ],
)
def test_the_authors_forecast_noun_and_belief_are_their_claim(sentence, phrase):
    verdict = explain_sentence(sentence)

    assert verdict is not None and verdict.verdict == CLAIM and verdict.phrase == phrase


@pytest.mark.parametrize(
    "sentence",
    [
        "Analysts continue to believe that a deal is unlikely.",
        "The agency's forecast is that the jobless rate will peak at 5%.",
    ],
)
def test_someone_elses_forecast_and_belief_are_still_theirs(sentence):
    assert verdict_of(sentence) == REPORTED


# --- a relative clause is not a question ------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Those who stay will earn more than those who leave.",
        "Anyone who buys a flat now will regret it by the spring.",
        "People who rent will bear the brunt of the tax.",
    ],
)
def test_those_who_opens_a_relative_clause(sentence):
    assert verdict_of(sentence) == CLAIM


@pytest.mark.parametrize(
    "sentence",
    [
        "Nobody knows who will win the seat.",
        "It is unclear which team will go down.",
    ],
)
def test_who_after_a_verb_still_asks(sentence):
    assert verdict_of(sentence) == NONE


# --- the author's plan for the article needs a verb about the article --------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "I will run the marathon in under four hours next spring.",
        "I will weigh under ninety kilos by the end of the year.",
        "I'll be forty by the time the new line opens.",
    ],
)
def test_the_author_forecasting_their_own_doings_is_a_claim(sentence):
    assert verdict_of(sentence) == CLAIM


@pytest.mark.parametrize(
    "sentence",
    [
        "I will discuss the three main risks below.",
        "In this piece I'll look at why the polls missed.",
        "I'm going to try to name them in the order they happen.",
        "Later I will return to this question.",
        "I will be looking at the numbers in part two.",
        "I will begin by describing the state of the league.",
        "I'm not going to argue with the forecast, but will provide a few counterpoints.",
        "Once more this writer will play the fool and try to call the race.",
    ],
)
def test_the_authors_plan_for_the_article_is_not_a_forecast(sentence):
    assert verdict_of(sentence) == NONE


# --- "as possible" is a measure, not a hedge -----------------------------------------------


def test_as_possible_is_no_hedge():
    assert phrase_of("The council will repair as many roads as possible before winter.") == "will"
    assert (
        verdict_of(
            "The drive to book tickets as soon as possible comes as analysts warn that "
            "fares could double."
        )
        == REPORTED
    )


def test_possible_on_its_own_is_still_a_hedge():
    assert phrase_of("It is possible that the bridge will reopen in May.") == "possible"


# --- hedges and the phrase that governs ----------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "phrase", "probability"),
    [
        ("I won't be surprised to see the Rovers finish fifth.", "I won't be surprised", 0.6),
        (
            "We've got a sneaky suspicion that the underdogs could reach the playoffs.",
            "sneaky suspicion",
            0.6,
        ),
        (
            "It is a foregone conclusion that the party will lose the seat.",
            "a foregone conclusion",
            0.945,
        ),
        ("The outcome is not a foregone conclusion and the vote will be close.", None, 0.45),
        ("There is a small probability that the dam could fail this winter.", None, 0.125),
        ("It is only a matter of when.", "only a matter of when", 0.945),
    ],
)
def test_more_hedges_in_words(sentence, phrase, probability):
    claim = claim_from_sentence(sentence, today=TODAY)

    assert claim is not None and claim.probability == probability
    assert phrase is None or claim.phrase == phrase


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        ("Most likely the final is going to be decided on penalties.", "Most likely"),
        ("The bank, most likely, will cut rates in June.", "most likely"),
        ("Turnout, most likely among students, will hit a record.", "will"),
        ("The cup will be won by Leeds, who will probably sell their captain.", "will"),
        ("The captain, who will probably retire, is the club's best player.", "probably"),
    ],
)
def test_the_hedge_that_governs_the_main_clause(sentence, phrase):
    assert phrase_of(sentence) == phrase


# --- the chances as a noun with how big they are --------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "phrase", "probability"),
    [
        ("The probability of a recession next year is minimal.", "minimal", 0.03),
        ("The likelihood of a second vote before 2030 is very low.", "very low", 0.03),
        ("The odds of a deal this year are low.", "low", 0.125),
        ("The risk of a default in the coming months remains high.", "high", 0.675),
    ],
)
def test_the_chances_named_and_sized(sentence, phrase, probability):
    claim = claim_from_sentence(sentence, today=TODAY)

    assert claim is not None and claim.phrase == phrase
    assert claim.probability == probability


def test_the_size_of_a_present_risk_is_no_forecast():
    assert claim_from_sentence("The risk of fire in these forests is high.", today=TODAY) is None


# --- reports named by a noun or an aside -------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Most fund managers are sticking to their bet that the dollar will weaken next year.",
        "So, for once, there is a clear consensus: rents will rise faster than wages.",
        "The capital is awash with expectations of an early election, most likely in spring.",
        "Another reading, which many traders are assuming, is that a cut is likely in June.",
        "Most drivers assume that fuel prices will fall after the summer.",
    ],
)
def test_others_forecasts_named_by_a_noun_or_an_aside_are_reported(sentence):
    assert verdict_of(sentence) == REPORTED


@pytest.mark.parametrize(
    "sentence",
    [
        "My view that rates will fall has not changed.",
        "Assuming the talks go well, the strike will end on Friday.",
        "Let's assume the ferry will run again by May.",
        "Assume the worst: the ferry will not run again before May.",
    ],
)
def test_the_authors_own_view_or_assumption_is_not_a_report(sentence):
    assert verdict_of(sentence) == CLAIM


# --- nobody predicting, and the author seeing ahead ------------------------------------------


def test_no_one_can_predict_reports_nobody():
    sentence = "I see a wide-open title race ahead, and no one can predict the winner."
    claim = claim_from_sentence(sentence, today=TODAY)

    assert claim is not None and claim.phrase == "I see" and claim.probability == 0.75
    assert verdict_of("Nobody can predict the weather next April.") != REPORTED


@pytest.mark.parametrize(
    "sentence",
    ["I see a tough winter ahead for the hospitals.", "I can see more rate cuts coming."],
)
def test_the_author_seeing_what_lies_ahead(sentence):
    claim = claim_from_sentence(sentence, today=TODAY)

    assert claim is not None and claim.phrase in {"I see", "I can see"}


def test_seeing_the_present_is_not_seeing_ahead():
    assert claim_from_sentence("I see the problem with the plan.", today=TODAY) is None


# --- waiting for the answer ------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "The first three games will tell who has the stronger squad.",
        "Time will tell whether the gamble pays off.",
        "The next poll will show whether the lead holds.",
    ],
)
def test_what_will_tell_or_show_the_answer_gives_none(sentence):
    assert verdict_of(sentence) == NONE


def test_a_forecast_of_what_the_figures_will_show_stays_a_claim():
    assert verdict_of("The data will show a sharp fall in output next month.") == CLAIM
