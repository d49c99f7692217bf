"""Rules for forms the fresh articles showed, each tested on sentences written here."""

from datetime import date

import pytest

from forecasts.drafting.claims import (
    CLAIM,
    NONE,
    REPORTED,
    claim_from_sentence,
    explain_sentence,
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
        ("Their defence is leaky, and I think they'll drop points early on.", "they'll"),
        ("We’ll see a second vote on the bypass before long.", "We’ll"),
        ("Nobody says it aloud, but it's going to rain on the parade.", "it's going to"),
        ("I have no doubt that the levy will rise again next year.", "I have no doubt"),
    ],
)
def test_the_phrase_keeps_the_word_a_contraction_hangs_on_and_the_authors_frame(
    sentence, phrase
):
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
