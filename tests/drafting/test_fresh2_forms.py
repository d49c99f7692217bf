"""Rules for forms the second fresh part (``fresh2.json``) showed once it became tuning
data, each tested on sentences written here, none taken from the corpus."""

import pytest

from forecasts.drafting.claims import (
    AFFIRMS,
    CLAIM,
    NEGATES,
    NONE,
    REPORTED,
    claim_from_sentence,
)
from tests.builders.sentences import TODAY, verdict_of

# --- the author's own belief governs its clause ---------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "That said, the new terminal will cut waiting times by half.",
        "Having said that, the council will approve the bypass in the spring.",
        "That being said, the merger is likely to go through.",
        "Needless to say, the toll will rise again next year.",
    ],
)
def test_that_said_moves_the_argument_on_and_reports_nobody(sentence):
    assert verdict_of(sentence) == CLAIM


@pytest.mark.parametrize(
    ("sentence", "phrase", "direction"),
    [
        ("I would expect the vote to pass comfortably.", "I would expect", AFFIRMS),
        ("I would not expect the bridge to reopen before 2030.", "I would not expect", NEGATES),
        ("We wouldn't expect a deal this side of Christmas.", "We wouldn't expect", NEGATES),
        ("We don't expect the strike to end soon.", "We don't expect", NEGATES),
    ],
)
def test_the_authors_expectation_with_would_or_a_negation_is_their_claim(
    sentence, phrase, direction
):
    claim = claim_from_sentence(sentence, today=TODAY)

    assert claim is not None and claim.speaker == ""
    assert claim.phrase == phrase and claim.direction == direction


def test_a_report_before_the_authors_own_expectation_belongs_to_another_clause():
    sentence = (
        "With orders falling and surveys suggesting that factories are idle, "
        "we expect the downturn will deepen in the spring."
    )
    claim = claim_from_sentence(sentence, today=TODAY)

    assert claim is not None and claim.phrase == "we expect"
    # the rule is the author's verb, not any first person: someone else's still reports
    assert verdict_of("Surveys suggest that the downturn will deepen.") == REPORTED


@pytest.mark.parametrize(
    "sentence",
    [
        "Unlike my neighbour, I think the polls suggest that a landslide is unlikely.",
        "Unlike the pundits, I think the facts at hand suggest that a strike is unlikely.",
    ],
)
def test_the_author_reading_the_evidence_is_not_a_report(sentence):
    claim = claim_from_sentence(sentence, today=TODAY)

    assert claim is not None and claim.phrase == "unlikely"


def test_evidence_read_by_someone_else_is_still_theirs():
    assert verdict_of("The minister suggested that a landslide is likely.") == REPORTED
    assert verdict_of("Polls suggest that a landslide is likely.") == REPORTED


# --- forms with no hedge word ---------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "phrase", "probability"),
    [
        ("I can see the Rovers going down this year.", "I can see", 0.625),
        ("I can see this finally being the season they drop.", "I can see", 0.625),
        ("I can't see them winning a single away game.", "I can't see", 0.125),
        ("I cannot see the mayor surviving another vote.", "I cannot see", 0.125),
    ],
)
def test_the_author_picturing_what_will_happen(sentence, phrase, probability):
    claim = claim_from_sentence(sentence, today=TODAY)

    assert claim is not None and claim.phrase == phrase
    assert claim.probability == probability


@pytest.mark.parametrize(
    "sentence",
    [
        "I can see why people are worried.",
        "I can see the building from my window.",
        "I can see that the roof is leaking.",
    ],
)
def test_seeing_that_pictures_nothing_ahead(sentence):
    assert claim_from_sentence(sentence, today=TODAY) is None


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        ("Smith to win the leadership contest by a wide margin.", "to win"),
        ("Rates to stay on hold until the summer.", "to stay"),
        ("The Greens to take two seats from Labour.", "to take"),
        ("Lab/Green to take most of the seats the Tories lose.", "to take"),
        ("Prediction 3: Mortgage costs to ease in the second half", "to ease"),
        ("4. Harris to lose her seat", "to lose"),
    ],
)
def test_a_sentence_case_line_with_subject_to_verb_is_a_forecast(sentence, phrase):
    claim = claim_from_sentence(sentence, today=TODAY)

    assert claim is not None and claim.phrase == phrase
    assert claim.probability == 0.9  # read like "will", as a headline's "to" is


@pytest.mark.parametrize(
    "sentence",
    [
        "Time to go home.",
        "I want to win.",
        "Labour tried to win the seat.",
        "Labour needs to win Wales.",
        "Welcome to the show.",
        "Up to 5,000 to lose their jobs.",
        "The target to cut waiting lists has been missed.",
        "From Leeds to Hull.",
    ],
)
def test_an_infinitive_after_a_verb_a_pronoun_or_a_noun_is_no_forecast(sentence):
    assert claim_from_sentence(sentence, today=TODAY) is None


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        (
            "I'm going to go out on a limb and say the Wolves finish fourth.",
            "I'm going to go out on a limb",
        ),
        (
            "Nine months out, but I’m going to go out on a limb: the Greens hold the seat.",
            "I’m going to go out on a limb",
        ),
        ("I'll have a stab that turnout falls below 60 per cent.", "I'll have a stab"),
        ("I'll stick my neck out and say the tunnel opens late.", "I'll stick my neck out"),
    ],
)
def test_an_idiom_that_announces_the_authors_call_is_not_a_plan_for_the_article(sentence, phrase):
    claim = claim_from_sentence(sentence, today=TODAY)

    assert claim is not None and claim.phrase == phrase and claim.probability == 0.75


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        ("My best guess would be a cut in the spring.", "My best guess"),
        ("My guess is that the mayor keeps her seat.", "My guess"),
        ("Our bet is that the ferry runs again by May.", "Our bet"),
    ],
)
def test_the_authors_guess_is_their_forecast_not_a_conditional(sentence, phrase):
    claim = claim_from_sentence(sentence, today=TODAY)

    assert claim is not None and claim.phrase == phrase


def test_odds_close_to_zero_are_a_stated_number():
    claim = claim_from_sentence("The odds of a recount are close to zero.", today=TODAY)

    assert claim is not None and claim.phrase == "close to zero"
    assert claim.probability == 0.01


def test_far_from_inevitable_looks_ahead_on_its_own():
    claim = claim_from_sentence("A merger is far from inevitable.", today=TODAY)

    assert claim is not None and claim.phrase == "far from inevitable"
    assert claim.probability == 0.45


# --- someone else's forecast ----------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Shares rose, with brokers forecasting the index will hit a new high.",
        "The treasurer explained that borrowing will fall next year.",
        "Economists are foreseeing that growth might stall.",
        "Officials foresee that the dam will be finished late.",
    ],
)
def test_more_report_verbs(sentence):
    assert verdict_of(sentence) == REPORTED


def test_the_authors_own_report_verb_is_their_claim():
    assert verdict_of("We are forecasting that rates will fall next year.") == CLAIM


@pytest.mark.parametrize(
    "sentence",
    [
        "In fact, forecasters raised the likelihood of a wet winter to a 70% chance.",
        "Markets price in a 60% chance of a cut in June.",
        "Most analysts see a 40% chance of recession.",
        "Bookmakers have put the odds of a snap election at 20%.",
    ],
)
def test_forecasters_giving_their_numbers_are_reported(sentence):
    assert verdict_of(sentence) == REPORTED


def test_a_forecasters_number_the_author_adopts_stays_theirs():
    claim = claim_from_sentence(
        "Most economists probably put the odds of a cut at 40%, as I do.", today=TODAY
    )

    assert claim is not None and claim.phrase == "40%"


# --- conditions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "The factory could reopen next year if the buyer finds the money.",
        "Sales may recover if rates fall.",
        "As long as demand holds up, prices could keep rising.",
        "Provided that the weather holds, the harvest might be early.",
        "If the talks collapse, it's a coin toss whether the strike goes ahead.",
        "However, if the count is close, we would likely see a recount.",
        "But if the vote is tight and could go to a recount, the result would be late.",
        "If the Rovers were odds-on favourites last year, this year they are outsiders.",
        # a plain "will" too, since the fourth round (the labelling guide's "if A, B")
        "If turnout is low, then the incumbent will hold on.",
    ],
)
def test_the_consequence_of_a_condition_is_not_a_forecast(sentence):
    assert verdict_of(sentence) in {NONE, "no reading"}


@pytest.mark.parametrize(
    "sentence",
    [
        "If anything, the squad will be stronger next year.",
        "The club will sell its striker, especially if the offer improves.",
        "The rest of us will wonder if the app could ever pay its way.",
    ],
)
def test_if_that_sets_no_condition_on_the_forecast(sentence):
    assert verdict_of(sentence) == CLAIM


# --- words that look ahead but forecast nothing ---------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "It is virtually impossible to know what rates will do next year.",
        "It is hard to predict how the final will go.",
        "It's difficult to say whether the scheme will pay off.",
        "It is impossible to tell who will win the seat.",
    ],
)
def test_how_hard_it_is_to_know_is_not_a_forecast(sentence):
    assert verdict_of(sentence) != CLAIM


def test_an_unlikely_event_is_still_a_forecast_with_an_infinitive_after_it():
    claim = claim_from_sentence(
        "The premier is not likely to call another snap election before 2027.", today=TODAY
    )

    assert claim is not None and claim.phrase == "not likely"


def test_will_have_now_guesses_at_the_present():
    assert verdict_of("The delegates will now have arrived in Geneva.") == NONE
    assert verdict_of("The delegates will arrive in Geneva on Monday.") == CLAIM


@pytest.mark.parametrize(
    ("sentence", "verdict"),
    [
        ("I will also look at the many factors likely to shape the vote.", NONE),
        ("Those fans likely to travel have booked already.", NONE),
        ("That being said, the merger is likely to go through.", CLAIM),
        ("Prices likely to rise next year.", CLAIM),
        ("The union is likely to strike next month.", CLAIM),
    ],
)
def test_likely_to_after_a_plural_noun_picks_things_out(sentence, verdict):
    assert verdict_of(sentence) == verdict
