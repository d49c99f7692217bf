"""Rules for forms the whole articles corpus showed, each tested on sentences written here."""

from datetime import date

import pytest

from forecasts.drafting.attribution import attribution
from forecasts.drafting.claims import (
    CLAIM,
    NONE,
    REPORTED,
    claim_from_sentence,
    explain_paragraph,
    explain_sentence,
)
from forecasts.drafting.lexicon import read_phrases
from forecasts.drafting.picks import is_headline, pick_readings

TODAY = date(2025, 1, 15)


# --- attribution read more widely -------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        # an attribution noun followed straight by "that", with no "is"
        ("Traders have priced bonds on the expectation that the bank will cut in May.",
         "the expectation"),
        # "there is … recognition in …, that": nobody named, and not the author
        ("There is growing recognition among donors, that the dam will never be finished.",
         "There is growing recognition"),
        # a document with what it is of before its verb
        ("A survey of farm owners found that harvests will probably shrink next year.",
         "A survey of farm owners"),
        # a poll that places someone
        ("The union's internal polling has Ms Reyes poised to take the seat.",
         "The union's internal polling"),
    ],
)  # fmt: skip
def test_attribution_by_nouns_and_documents(sentence, speaker):
    found = attribution(sentence)

    assert found is not None and found.speaker == speaker
    assert explain_sentence(sentence).verdict == REPORTED


@pytest.mark.parametrize(
    "sentence",
    [
        # report words used as nouns, or in an idiom, report nobody
        "Despite fears of a slowdown, the port will probably reopen next week.",
        "The striker seems certain to leave in January, but claims of a rift persist.",
        "When all is said and done, the harbour will likely reopen by March.",
        # the author's own aside
        "It is worth noting that the bridge may still close next winter.",
        # a document that "has" something is not placing anyone
        "The report has been criticised, but the levy will probably rise next year.",
        # the author's own view, by a noun
        "I take the view that the levy will probably rise next year.",
    ],
)
def test_words_that_look_like_reports_but_report_nobody(sentence):
    verdict = explain_sentence(sentence)

    assert verdict.verdict == CLAIM, verdict.why
    assert verdict.speaker == ""


# --- conditions, the reader, other people's views, idioms ---------------------------


@pytest.mark.parametrize(
    ("sentence", "why"),
    [
        ("Without new pylons, the wind farms could sit idle for years.", "condition"),
        ("Absent a deal, tariffs may double.", "condition"),
        ("If the turnout is low then I'd expect a narrow win for the mayor.", "condition"),
        ("So you'll understand why the tram plan worried me.", "addressing the reader"),
        ("Some may see the merger as a lifeline for the airline.", "what some think"),
        ("This should come as no surprise to the regulator.", "idiom"),
        ("Anyone with a spreadsheet and a free afternoon could check the figures.", "ability"),
    ],
)  # fmt: skip
def test_forward_words_that_do_not_forecast(sentence, why):
    verdict = explain_sentence(sentence)

    assert verdict.verdict == NONE
    assert why in verdict.why


def test_a_condition_after_if_then_makes_a_plain_will_its_consequence():
    # the labelling guide's "if A, B" is none, with a plain "will" too (round four)
    assert claim_from_sentence("If the dam holds then the valley will flood less often.") is None
    claim = claim_from_sentence("Unless the dam breaks, the valley will flood less often.")
    assert claim is not None and claim.phrase == "will"


@pytest.mark.parametrize(
    ("sentence", "why"),
    [
        ("The fare is likely higher than the old one.", "describes the present"),
        ("Bus lanes are probably the cheapest fix on offer.", "describes the present"),
        ("It seems probable that the leak started in the basement.", "already happened"),
        ("Polls are certainly useful, but you shouldn't be fooled by them.",
         "describes the present"),
    ],
)  # fmt: skip
def test_hedges_on_the_present_or_past_are_not_forecasts(sentence, why):
    verdict = explain_sentence(sentence)

    assert verdict.verdict == NONE
    assert why in verdict.why


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        # a hedge on the present, rescued by a future word
        ("The fare is likely higher next year.", "likely"),
        # a raising adjective looks ahead by itself
        ("The mayor seems certain to win a third term.", "seems certain to"),
        # a predicate noun hedge is not an adverb on the present
        ("Who wins the cup is anyone's guess.", "anyone's guess"),
    ],
)
def test_hedges_that_still_look_ahead(sentence, phrase):
    claim = claim_from_sentence(sentence, today=TODAY)
    assert claim is not None and claim.phrase == phrase


# --- picks, tipsters and headlines ---------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        ("Northern Conference Winner: Leeds Rhinos", "Northern Conference Winner"),
        ("MVP: Tomas Okafor", "MVP"),
        ("I see Leeds, Hull and Wigan making the top four this year.", "I see"),
        ("I see either Ortiz or Bell winning the title.", "I see"),
        ("I look for Denver to win the division.", "I look for"),
        ("I like Kerala to win the toss and bat first.", "I like"),
        ("Look for Bell to take the title.", "Look for"),
    ],
)
def test_a_tipsters_picks_are_claims_at_the_pick_number(sentence, phrase):
    claim = claim_from_sentence(sentence, today=TODAY)

    assert claim is not None and claim.phrase == phrase
    assert claim.probability == read_phrases("I'm picking", "reckon")[0].point == 0.625


@pytest.mark.parametrize(
    "sentence",
    [
        "I see the problem with the new timetable.",  # no names doing anything
        "I like Denver.",  # a liking, not a pick
        "Prediction: Pollster Who Called 2019 Picks Moreau",  # someone else's pick
        "Winners: the commuters, for once.",  # not a forecast either: no future at all
        "Last year's winner: Leeds Rhinos",  # a record
        "Defending champion: Tomas Okafor",
    ],
)
def test_what_is_not_a_pick(sentence):
    assert pick_readings(sentence, "icd203") == []
    verdict = explain_sentence(sentence)
    assert verdict is None or verdict.verdict != CLAIM


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        ("Greens to Win Council Majority in Bristol", "to Win"),
        ("Bus Fares to Rise Again in 2026", "to Rise"),
        ("Why Cheap Batteries Will Reshape the Grid", "Will"),
        ("How Remote Work Will Empty City Centres", "Will"),
    ],
)
def test_headlinese_future_is_a_claim_at_the_will_number(sentence, phrase):
    claim = claim_from_sentence(sentence, today=TODAY)

    assert claim is not None and claim.phrase == phrase
    assert (claim.probability, claim.scale) == (0.9, "reckon")


@pytest.mark.parametrize(
    "sentence",
    [
        "Time to go home.",  # a sentence, not a headline: it ends with a full stop
        "Will Dunmore Leaves the Board",  # "Will" first is the name
        "Will gas boilers ever disappear completely",  # a question without its mark
        "Could the tram ever pay for itself",
        # an infinitive after a noun, a wh-word or a verb of intention
        "Ten Ways to Save Money This Winter",
        "Time to Go Home",
        "Reasons to Be Cheerful About the Economy",
        "Council Vows to Cut Parking Fees",
    ],
)
def test_what_is_not_a_headline_claim(sentence):
    verdict = explain_sentence(sentence)
    assert verdict is None or verdict.verdict != CLAIM


def test_a_headline_is_short_title_case_and_unpunctuated():
    assert is_headline("Greens to Win Council Majority in Bristol")
    assert not is_headline("Greens to win a majority in Bristol, the poll says.")
    assert not is_headline("the greens are going to win a majority in bristol")


@pytest.mark.parametrize(
    ("sentence", "phrase", "point"),
    [
        ("Falling Prices Leave the Chain on Track for Closure", "on Track", 0.675),
        ("The hosts look to be the favourite to lift the trophy.", "the favourite to", 0.625),
    ],
)
def test_progress_and_favourites_are_read(sentence, phrase, point):
    claim = claim_from_sentence(sentence, today=TODAY)

    assert claim is not None and claim.phrase == phrase
    assert claim.probability == pytest.approx(point)


# --- plans, schedules, literal idioms and the word "future" --------------------------


@pytest.mark.parametrize(
    ("sentence", "why"),
    [
        ("I'm not going to repeat the case, but will add two points of my own.",
         "the author's plan"),
        ("The ministers meet at a summit the city is set to host March 14.", "scheduled"),
        ("The referee checks the coin toss before kick-off.", None),
        ("Perhaps worse, the future of the pier has been ignored for years.",
         "describes the present"),
    ],
)  # fmt: skip
def test_plans_schedules_and_literal_words_are_not_forecasts(sentence, why):
    verdict = explain_sentence(sentence)

    if why is None:  # the idiom's words used literally: no hedge at all
        assert verdict is None
    else:
        assert verdict.verdict == NONE
        assert why in verdict.why


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        ("The final is a coin toss.", "coin toss"),
        ("The council is set to raise fares next spring.", "set to"),
        ("Perhaps the pier will reopen in the near future.", "Perhaps"),
    ],
)
def test_the_same_words_still_forecast_where_they_look_ahead(sentence, phrase):
    claim = claim_from_sentence(sentence, today=TODAY)
    assert claim is not None and claim.phrase == phrase


@pytest.mark.parametrize(
    ("sentence", "phrase", "point"),
    [
        ("A rate cut in June is a near certainty.", "a near certainty", 0.97),
        ("The hosts are odds-on to reach the final.", "odds-on", 0.7),
        ("A snap election is on the cards this autumn.", "on the cards", 0.65),
        ("A third term for the mayor is a long shot.", "a long shot", 0.15),
        ("A strike is a distinct possibility next month.", "a distinct possibility", 0.45),
        ("My money is on Bell for the title this season.", "My money is on", 0.625),
        ("I would not be surprised to see fares fall next year.",
         "would not be surprised to see", 0.6),
    ],
)  # fmt: skip
def test_more_hedges_of_estimative_probability(sentence, phrase, point):
    claim = claim_from_sentence(sentence, today=TODAY)

    assert claim is not None and claim.phrase == phrase
    assert claim.probability == pytest.approx(point)


def test_the_authors_expectation_with_an_adverb_stays_theirs():
    own = claim_from_sentence("I fully expect the port to reopen in May.", today=TODAY)
    assert own is not None and own.phrase == "I fully expect" and own.speaker == ""
    assert explain_sentence("Traders still expect the port to reopen in May.").verdict == REPORTED


def test_a_sentence_carrying_on_a_report_is_still_the_report():
    paragraph = [
        "Fund managers expect the central bank to cut rates twice next year.",
        "The US central bank, on the other hand, is likely to hold until the autumn.",
    ]
    first, second = explain_paragraph(paragraph)

    assert first.verdict == REPORTED
    assert second.verdict == REPORTED and second.speaker == first.speaker
    assert "on the other hand" in second.why


@pytest.mark.parametrize(
    "second",
    [
        # the author speaks in person
        "I also think the US central bank is likely to hold until the autumn.",
        # no word carrying the report on
        "The US central bank is likely to hold until the autumn.",
    ],
)
def test_the_author_can_answer_a_report_in_the_next_sentence(second):
    paragraph = ["Fund managers expect the central bank to cut rates twice next year.", second]

    assert explain_paragraph(paragraph)[1].verdict == CLAIM


def test_a_continuation_after_the_authors_own_claim_stays_the_authors():
    paragraph = [
        "The central bank will probably cut rates twice next year.",
        "Its neighbour is also likely to cut before the summer.",
    ]
    assert [v.verdict for v in explain_paragraph(paragraph)] == [CLAIM, CLAIM]
