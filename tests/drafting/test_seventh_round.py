"""The seventh drafting round: forms read from ``fresh6.json``'s mistakes, tested on
sentences written for these tests (none is copied from the corpus).

Each test pins one rule: the author's belief verb over a plain future (its phrase, its
number, which way the claim leans and what outcome it asserts), the author reporting
or inferring for themself, someone else's list announced in a sentence, the author's
predicted places and matchups, wagers and "I look for", a spread of possibilities,
and headings that tell the reader what to do.
"""

import pytest

from forecasts.drafting.claims import (
    AFFIRMS,
    CLAIM,
    NEGATES,
    NONE,
    REPORTED,
    claim_from_sentence,
)
from forecasts.drafting.listing import SOMEONE_ELSE, announcement, opens_a_list
from tests.drafting.reading import read_article, verdict_on


@pytest.mark.parametrize(
    ("sentence", "phrase", "direction", "outcome"),
    [
        ("I think the ferry will be running again by May.", "I think", AFFIRMS,
         "the ferry will be running again by May"),
        ("We believe that turnout will pass 70 per cent.", "We believe", AFFIRMS,
         "turnout will pass 70 per cent"),
        ("I still think the mayor is going to lose.", "I still think", AFFIRMS,
         "the mayor will lose"),
        ("I don't think the strike will last the week.", "I don't think", NEGATES,
         "the strike will not last the week"),
        ("I think the league won't expand before 2030.", "I think", NEGATES,
         "the league will not expand before 2030"),
        ("I reckon they'll sell the stadium.", "I reckon", AFFIRMS,
         "they will sell the stadium"),
    ],
)  # fmt: skip
def test_the_authors_belief_over_a_plain_future_sets_phrase_number_and_outcome(
    sentence, phrase, direction, outcome
):
    claim = claim_from_sentence(sentence)

    assert claim is not None and claim.speaker == ""
    assert claim.phrase == phrase
    # ICD 203 "likely" for the side the author takes, not a bare "will"'s 0.9
    assert claim.stated_probability == 0.675
    assert claim.direction == direction
    assert claim.outcome == outcome


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        # another hedge in the belief's clause sets the number
        ("I think the bridge will probably reopen in June.", "probably"),
        ("I think the council could raise rents next year.", "could"),
        # the future is in another clause than the belief
        ("I think it is tight, but the incumbent will hold on.", "will"),
        ("We reckon that fares are too high, so ridership will fall next year.", "will"),
        ("The index will rise, though I think it will stall in June.", "will"),
    ],
)
def test_the_belief_only_governs_a_plain_future_in_its_own_clause(sentence, phrase):
    verdict = verdict_on(sentence)

    assert verdict.verdict == CLAIM
    assert verdict.phrase == phrase


@pytest.mark.parametrize(
    "sentence",
    [
        "I think the plan is a mistake.",
        "I can't think of a reason the talks will fail.",
        "There is plenty to argue about, including who I think will top the poll.",
    ],
)
def test_a_belief_that_governs_no_future_call_is_no_belief_claim(sentence):
    verdict = verdict_on(sentence)

    assert verdict is None or verdict.phrase.lower() not in {"i think", "i can't think"}
    if verdict is not None and "who I think" in sentence:
        assert verdict.verdict != CLAIM


def test_someone_elses_belief_is_still_reported():
    verdict = verdict_on("Most traders think the euro will weaken next month.")

    assert verdict.verdict == REPORTED


@pytest.mark.parametrize(
    ("sentence", "phrase", "outcome"),
    [
        ("I expect that ticket prices will not rise.", "I expect",
         "ticket prices will not rise"),
        ("We now expect exports won't recover this year.", "We now expect",
         "exports will not recover this year"),
        ("I expect the council to approve the plan in March.", "I expect",
         "the council will approve the plan in March"),
        ("Don't expect the board to sack the manager.", "Don't expect",
         "the board will not sack the manager"),
    ],
)  # fmt: skip
def test_an_expectation_takes_its_direction_and_outcome_from_the_clause_it_governs(
    sentence, phrase, outcome
):
    claim = claim_from_sentence(sentence)

    assert claim.phrase == phrase
    assert claim.direction == (AFFIRMS if outcome.count(" not ") == 0 else NEGATES)
    assert claim.stated_probability == 0.75
    assert claim.outcome == outcome


def test_an_expected_thing_with_no_verb_is_an_outcome_that_there_will_be():
    claim = claim_from_sentence("I expect a hung parliament after the next election.")

    assert claim.outcome == "there will be a hung parliament after the next election"


@pytest.mark.parametrize(
    "sentence",
    [
        # the author reporting their own argument
        "For weeks I have been arguing that the port will close before winter.",
        "We've long said that the merger will collapse.",
        # the author's inference from what they have set out
        "That suggests the central bank will raise rates again in May.",
        "Wages are rising fast, which implies that prices will follow by autumn.",
        # "say" giving an example
        "By then, say 2031, the line will be fully electric.",
        "A fall of, say, ten per cent will follow the vote.",
    ],
)
def test_the_author_reporting_or_inferring_for_themself_stays_a_claim(sentence):
    assert verdict_on(sentence).verdict == CLAIM


def test_someone_else_arguing_is_still_reported():
    verdict = verdict_on("The minister has been arguing that the port will close.")

    assert verdict.verdict == REPORTED


@pytest.mark.parametrize(
    ("sentence", "owner"),
    [
        ("Leading economists have released their forecasts for the coming year:", SOMEONE_ELSE),
        ("One pollster has given us 12 predictions for the election.", SOMEONE_ELSE),
        ("A betting model has predicted the final league table.", SOMEONE_ELSE),
        ("Deloitte describes the top risks it sees for 2027.", "Deloitte"),
        ("Moody's has published its outlook for the sector.", "Moody's"),
    ],
)
def test_a_sentence_that_announces_someone_elses_forecasts_opens_their_list(sentence, owner):
    assert announcement(sentence) == owner
    assert opens_a_list(sentence)


def test_the_lines_under_someone_elses_announced_forecasts_are_theirs():
    verdicts = read_article(
        "Several big lenders have published their predictions for the housing market:",
        "Mortgage rates will drift down through the spring.",
        "However, a shortage of homes may keep prices high.",
        "My own view is different: prices will fall by the summer.",
    )

    assert [v.verdict for v in verdicts[1:3]] == [REPORTED, REPORTED]
    assert verdicts[3].verdict == CLAIM  # the author speaks in the first person again


def test_a_heading_inside_someone_elses_list_keeps_it_theirs():
    verdicts = read_article(
        "One forecaster has given us ten predictions for this election.",
        "Ten predictions for the general election",
        "Turnout will be the lowest since 2001.",
    )

    assert verdicts[0] is None or verdicts[0].verdict != CLAIM  # announcing is no item
    assert verdicts[2].verdict == REPORTED


def test_a_line_that_presents_their_list_below_does_not_give_the_voice_back():
    verdicts = read_article(
        "The institute describes the top trends it sees for 2027.",
        "They are summarised below with my own comments.",
        "Remote clinics will double in number.",
    )

    assert verdicts[2].verdict == REPORTED


def test_predicted_finishing_positions_make_bare_names_places():
    verdicts = read_article(
        "So here goes: my predicted finishing positions for 2027-28.",
        "1. Arsenal",
        "2. Brentford",
    )

    assert [v.verdict for v in verdicts[1:]] == [CLAIM, CLAIM]


@pytest.mark.parametrize(
    "sentence",
    [
        "No. 3 Ravens over No. 6 Dolphins",
        "NFC: No. 1 Lions over No. 4 49ers",
        "Celtics over Knicks",
        "Bruins over Rangers 4-2",
    ],
)
def test_a_line_that_is_only_a_matchup_and_its_winner_is_a_pick(sentence):
    verdict = verdict_on(sentence)

    assert verdict.verdict == CLAIM
    assert verdict.phrase == "over"


@pytest.mark.parametrize(
    "sentence", ["Ravens over Dolphins: five things we learned", "Game over for the mayor"]
)
def test_a_matchup_that_is_a_headline_or_an_idiom_is_no_pick(sentence):
    verdict = verdict_on(sentence)

    assert verdict is None or verdict.verdict != CLAIM


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        ("I bet the Greens take the council.", "I bet"),
        ("I'd bet the airline cuts routes before Easter.", "I'd bet"),
        ("I look for unemployment to top 6% by the autumn.", "I look for"),
    ],
)
def test_a_wager_or_i_look_for_is_the_authors_call(sentence, phrase):
    verdict = verdict_on(sentence)

    assert verdict.verdict == CLAIM
    assert verdict.phrase == phrase


@pytest.mark.parametrize(
    "sentence", ["I bet you have heard this one before.", "I look for ways to cut my bills."]
)
def test_a_wager_that_is_a_figure_of_speech_and_looking_for_things_are_not(sentence):
    verdict = verdict_on(sentence)

    assert verdict is None or verdict.verdict != CLAIM


@pytest.mark.parametrize(
    "sentence",
    [
        "The court could order a retrial, the fine could be cut, or the appeal may fail.",
        "Voters might swing back, or they may stay home.",
    ],
)
def test_a_spread_of_possibilities_is_nobodys_call(sentence):
    verdict = verdict_on(sentence)

    assert verdict.verdict == NONE
    assert verdict.why == "a spread of possibilities, none put forward"


def test_a_single_could_put_forward_is_still_a_claim():
    assert verdict_on("The court could order a retrial next month.").verdict == CLAIM


@pytest.mark.parametrize(
    "sentence", ["Key Housing Indicators to Watch", "Five Stocks to Buy", "Ten Films to See"]
)
def test_a_heading_that_tells_the_reader_what_to_do_predicts_nothing(sentence):
    assert verdict_on(sentence) is None


def test_a_heading_with_an_outcome_verb_is_still_a_forecast():
    assert verdict_on("Greens to Win Council Majority").verdict == CLAIM


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Specifics: Prices rose sharply through 2024.", None),
        ("Details: The Fed has raised rates eleven times.", None),
    ],
)
def test_a_label_that_explains_is_no_item_of_a_list(line, expected):
    verdicts = read_article("Here are my predictions for 2027:", line)

    assert verdicts[1] is expected or verdicts[1].verdict != CLAIM


def test_going_through_a_recession_is_no_plan_for_the_article():
    assert verdict_on("We will go through a deep recession next year.").verdict == CLAIM
    assert verdict_on("We will go through the list below.").verdict == NONE
