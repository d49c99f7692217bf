"""The sixth drafting round: forms read from ``fresh5.json``'s mistakes, tested on
sentences written for these tests (none is copied from the corpus).

Each test pins one rule: who speaks (the author's own source, a reporting verb at the
end, agreement with a "that" clause), what presents or plans rather than predicts, a
post that looks back on old calls, a list passed on from someone named, and numbers
and forms the lexicon lacked.
"""

import pytest

from forecasts.drafting.claims import CLAIM, NONE, REPORTED
from forecasts.drafting.listing import grades_a_call, looks_back, presents_list
from tests.drafting.reading import read_article, verdict_on


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("Rents will keep climbing through the winter, she adds.", "she"),
        ("The committee agreed that the reservoir will run dry by August.", "The committee"),
        ("The panel concurs that the cycle will peak next July.", "The panel"),
    ],
)
def test_a_reporting_verb_it_lacked_makes_the_forecast_someone_elses(sentence, speaker):
    verdict = verdict_on(sentence)

    assert verdict.verdict == REPORTED
    assert verdict.speaker == speaker


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        # the author, or the author's own hunch or model, is the one saying it
        ("Rates are at 5% now, and we predict they will be cut twice next year.", "we predict"),
        ("My gut says the Jets will win on Sunday.", "will"),
        ("Cardiff will go down, but our numbers say so only just.", "will"),
        ("As the season opens, we can expect the champions to struggle early.", "we can expect"),
        ("It's not unreasonable to think prices might fall next spring.", "might"),
        # a report word that is a noun or an adjective reports nobody
        ("Fears over the budget will weigh on spending next year.", "will"),
        ("The number of reported cases will climb through March.", "will"),
        # a few words in quotation marks name a term; nobody is quoted
        ("\u201cSmart\u201d thermostats will be in most homes by 2030.", "will"),
    ],
)
def test_the_authors_own_voice_is_not_read_as_a_report(sentence, phrase):
    verdict = verdict_on(sentence)

    assert verdict.verdict == CLAIM, verdict.why
    assert verdict.phrase == phrase


def test_a_quotation_that_opens_the_sentence_is_still_someone_elses():
    verdict = verdict_on("\u201cRents will fall by spring,\u201d she said.")

    assert verdict.verdict == REPORTED


def test_someone_elses_belief_stays_theirs():
    assert verdict_on("Economists think prices will fall next spring.").verdict == REPORTED


def test_the_authors_expectation_asked_about_is_not_a_forecast():
    verdict = verdict_on("Let's look at what we can expect at the summit this week.")

    assert verdict.verdict == NONE
    assert verdict.why == "embedded question"


@pytest.mark.parametrize(
    "sentence",
    [
        "In this post, we'll explore three scenarios for the election.",
        "I'll walk through each region, before turning to risks that could derail the recovery.",
        "It's this question that I'll engage in below.",
        "One trend I am going to keep my eyes on is the price of copper.",
    ],
)
def test_the_authors_plan_for_the_article_is_not_a_forecast(sentence):
    verdict = verdict_on(sentence)

    assert verdict.verdict == NONE
    assert verdict.why == "the author's plan for the article"


def test_a_plan_ends_at_a_colon_and_the_call_after_it_is_drafted():
    verdict = verdict_on("I'm going to jump right in: Leeds are going to win the league.")

    assert verdict.verdict == CLAIM
    assert verdict.phrase == "are going to"


@pytest.mark.parametrize(
    "sentence",
    [
        "Here are five trends that will shape 2027.",
        "From housing to jobs, here are the most probable developments of the year.",
        "I expect three things from the summit:",
        "Prediction: 10 Retail Trends",
    ],
)
def test_a_line_that_presents_a_list_predicts_nothing_itself(sentence):
    verdict = verdict_on(sentence)

    assert presents_list(sentence)
    assert verdict.verdict == NONE


@pytest.mark.parametrize(
    "sentence",
    [
        "Here's my prediction: the Ravens will win it all.",
        "These are issues that could divide the coalition.",
        "As a result, almost every swing state will go to the challenger:",
    ],
)
def test_a_call_that_only_looks_like_a_presentation_is_still_drafted(sentence):
    assert not presents_list(sentence)
    assert verdict_on(sentence).verdict == CLAIM


def test_a_post_that_looks_back_on_old_calls_drafts_none_of_them():
    verdicts = read_article(
        "It is with some dread that I revisit the five predictions I made last winter.",
        "Prediction 1: Rates will fall below 3%.",
        "Verdict: Wrong.",
        "Prediction 2: The merger will be blocked.",
        "This prediction now looks almost certain to be right.",
        "Going forward, I think rates will rise again.",
    )

    assert [v.verdict if v else NONE for v in verdicts] == [NONE, NONE, NONE, NONE, NONE, CLAIM]
    assert verdicts[1].why == "a prediction made before, which the author looks back on"


def test_a_new_list_of_predictions_after_a_look_back_is_drafted_again():
    verdicts = read_article(
        "Let's look back at my predictions for 2025.",
        "1. Rates will fall below 3%.",
        "My predictions for 2026:",
        "1. Rates will rise above 4%.",
    )

    assert verdicts[1].verdict == NONE
    assert verdicts[3].verdict == CLAIM


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("So it is with trepidation that I revisit the six predictions I made.", True),
        ("How did my 2025 predictions fare?", True),
        ("I'm grading our calls from January.", True),
        ("Here are my predictions for 2026.", False),
        ("Analysts revisit the question every spring.", False),
    ],
)
def test_what_counts_as_looking_back(sentence, expected):
    assert looks_back(sentence) is expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Verdict: Likely correct", True),
        ("Grade: B-", True),
        ("That call proved wrong within a month.", True),
        ("The verdict will come on Friday.", False),
    ],
)
def test_what_counts_as_grading_a_call(sentence, expected):
    assert grades_a_call(sentence) is expected


def test_a_list_passed_on_from_someone_named_is_theirs_item_by_item():
    verdicts = read_article(
        "Here's a useful list from Jane Doe of Acme Research, with my notes in between.",
        "1. Remote Work Will Keep Growing",
        "I hope so.",
        "And now, back to Jane's list:",
        "2. Office Rents Will Fall",
    )

    assert verdicts[1].verdict == REPORTED
    assert verdicts[1].speaker == "Jane Doe"
    assert verdicts[4].verdict == REPORTED
    assert verdicts[4].speaker == "Jane"


@pytest.mark.parametrize(
    ("sentence", "phrase", "point"),
    [
        ("The model has the incumbent winning 72% of the time.", "72% of the time", 0.72),
        ("Labour wins in 61 percent of our simulations.", "61 percent of our simulations", 0.61),
        # of two numbers the first is the forecast's subject's
        ("Smith wins 80% of the time, with Jones winning 19% of the time.", "80% of the time", 0.8),
    ],
)
def test_a_models_share_of_runs_is_its_probability(sentence, phrase, point):
    verdict = verdict_on(sentence)

    assert verdict.verdict == CLAIM
    assert verdict.phrase == phrase
    assert verdict.reading.interval == (point, point)


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        ("We're forecasting growth of 2% next year.", "We're forecasting"),
        ("Our projections have them finishing fourth.", "Our projections"),
        ("I can see a few of the favourites still standing at the end.", "I can see"),
    ],
)
def test_forms_the_lexicon_lacked_are_the_authors_claims(sentence, phrase):
    verdict = verdict_on(sentence)

    assert verdict.verdict == CLAIM
    assert verdict.phrase == phrase


def test_the_authors_doubt_that_something_changes_is_a_low_number():
    verdict = verdict_on("I don't see rents changing much next year.")

    assert verdict.verdict == CLAIM
    assert verdict.phrase == "I don't see"
    assert verdict.reading.interval[1] <= 0.25
