"""Lists of predictions: an announced list makes a claim of its items (sentences written here)."""

import pytest

from forecasts.drafting.claims import CLAIM, REPORTED, explain_paragraph, explain_sentences
from forecasts.drafting.evaluation import evaluate, normalise
from forecasts.drafting.listing import SOMEONE_ELSE, Listing, announcement, list_item
from tests.builders.corpus import one_article


def drafted(text: str) -> list[str]:
    return [v.sentence for v in explain_sentences(text, sentence_model=False) if v.verdict == CLAIM]


@pytest.mark.parametrize(
    "sentence",
    [
        "Council Election Predictions",
        "Six predictions for 2031",
        "2031 mayoral picks",
        "Here are my predictions for the county races.",
        "Here's my prediction, for what it is worth.",
        "These are my best guesses after a month of polls.",
        "Here are mine, and add your own below.",
        "Let's have my guesses, and I'll mark them on Friday.",
        "So let's predict it!",
        "Fine, if we're in prediction mode.",
        "The Ledger has provided a few predictions for the new season.",
        "My predictions:",
        "Saturday's Nap of the Day",
    ],
)
def test_the_author_announces_a_list(sentence):
    assert announcement(sentence) == ""


@pytest.mark.parametrize(
    "sentence",
    [
        "Will the mayor's picks survive the vote?",  # a question
        "Last week I looked back at the predictions I'd made for 2030.",
        "How my 2030 predictions fared",
        "Private forecasters' predictions are mostly more optimistic.",  # about theirs
        "The council has been answering calls from residents all week.",
        "Predictions are hard, especially about the future, as the saying goes.",
    ],
)
def test_sentences_that_announce_no_list(sentence):
    assert announcement(sentence) is None


def test_a_copied_list_is_someone_elses():
    assert announcement("I've copied the predictions word for word below.") == SOMEONE_ELSE
    assert announcement("Here are Okafor's ten predictions for the decade.") == "Okafor"


@pytest.mark.parametrize(
    "line",
    [
        "Ward 3: Priya Nandakumar",
        "Senate: 51 Republican seats",
        "Relegated: Harwich Rovers, Eastleigh Town",
        "Surprise package: Dunmore.",
        "Green seats - 4",
        "Councillor Brandt - survives",
        "17th \u2013 Eastleigh Town",
        "1. A ceasefire along the river by the summer",
        "Quebec: the Liberals win the most seats but fall short of a majority, govern with "
        "the support of the NDP for two years and then call an early election that they lose",
    ],
)
def test_lines_shaped_like_items(line):
    assert list_item(line, "icd203") is not None


@pytest.mark.parametrize(
    "line",
    [
        "Key player: Ade Okafor (CM)",  # describes the item
        "Last season: 14th",  # a record
        "Update: 10:30 AM.",  # a time
        "Alberta \u2013 I am stunned that the race is this close.",  # the author talking
        "1. Personal AI Agents",  # a topic heading, in title case
        "1. Healthcare",
        "Canada:",  # a heading
        "The council met on Tuesday and agreed the budget after a long debate about "
        "the state of the roads in the north of the county and the cost of the repairs.",
    ],
)
def test_lines_not_shaped_like_items(line):
    assert list_item(line, "icd203") is None


def test_items_under_an_announced_list_are_the_authors_claims():
    text = (
        "County Election Predictions\n\nWard 1: Priya Nandakumar\n\nWard 2: Tom Brandt\n\n"
        "Key player: the turnout\n\nMayor\n\nSenate: 51 Republican seats"
    )

    verdicts = [v for v in explain_sentences(text, sentence_model=False) if v.verdict == CLAIM]

    assert [v.sentence for v in verdicts] == [
        "Ward 1: Priya Nandakumar",
        "Ward 2: Tom Brandt",
        "Senate: 51 Republican seats",
    ]
    assert verdicts[0].why == "an item of the author's list of predictions"
    assert verdicts[0].phrase == "Ward 1" and verdicts[0].reading.point == 0.625


def test_the_same_lines_without_an_announcement_are_not_claims():
    text = "Ward results\n\nWard 1: Priya Nandakumar\n\nWard 2: Tom Brandt"

    assert drafted(text) == []


def test_the_next_short_line_of_a_run_of_items_is_an_item():
    text = (
        "Six predictions for 2031\n\nThe city will elect its first Green mayor.\n\n"
        "Rents fall in the old town.\n\nA little unlucky last year, the tram finished late.\n\n"
        "Transport\n\nThe bridge reopens in May."
    )

    assert drafted(text) == [
        "The city will elect its first Green mayor.",
        "Rents fall in the old town.",
    ]


def test_a_run_of_one_line_paragraphs_with_no_list_announced_is_read_line_by_line():
    text = (
        "The city will elect a new mayor.\n\nThe tram will reopen.\n\nRents will fall.\n\n"
        "Rents fall in the old town."
    )

    assert "Rents fall in the old town." not in drafted(text)


def test_a_copied_list_is_reported_until_the_author_speaks_again():
    text = (
        "I've copied the predictions word for word.\n\nThe tram will reopen in May.\n\n"
        "Rents will fall in the old town.\n\nMy thoughts:\n\nI think the tram will open in June."
    )

    verdicts = explain_sentences(text, sentence_model=False)
    by_sentence = {v.sentence: v for v in verdicts}

    assert by_sentence["The tram will reopen in May."].verdict == REPORTED
    assert (
        by_sentence["Rents will fall in the old town."].why == "an item of a list the author copies"
    )
    assert by_sentence["I think the tram will open in June."].verdict == CLAIM


def test_a_named_list_credits_its_owner():
    listing = Listing()
    listing.announced("Here are Okafor's ten predictions for the decade.")

    verdict = explain_paragraph(["The tram will reopen in May."], listing=listing)[0]

    assert verdict.verdict == REPORTED and verdict.speaker == "Okafor"


def test_the_evaluation_carries_a_list_from_paragraph_to_paragraph():
    corpus = one_article(
        "tuning",
        "t1",
        [("Ward Predictions", "none"), ("Ward 1: Priya Nandakumar", "claim")],
    )
    for number, entry in enumerate(corpus["entries"]):
        entry["paragraph"] = number  # each line its own paragraph, as on the page

    figures = evaluate(normalise(corpus))

    assert figures["tuning"]["true_positives"] == 1 and figures["tuning"]["false_positives"] == 0


def test_a_title_that_announces_a_list_counts_as_its_announcement():
    text = "Ward 1: Priya Nandakumar\n\nWard 2: Tom Brandt"

    assert drafted(text) == []
    assert [
        v.sentence
        for v in explain_sentences(text, title="My 2031 predictions", sentence_model=False)
    ] == [
        "Ward 1: Priya Nandakumar",
        "Ward 2: Tom Brandt",
    ]
