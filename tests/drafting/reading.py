"""Reading sentences the way an article is read, for the drafting round tests."""

from forecasts.drafting.claims import SentenceVerdict, explain_paragraph
from forecasts.drafting.listing import Listing


def verdict_on(sentence: str) -> SentenceVerdict | None:
    """The verdict on one sentence standing alone as its article's only paragraph."""
    (verdict,) = explain_paragraph([sentence], "icd203", Listing())
    return verdict


def read_article(*paragraphs: str) -> list[SentenceVerdict | None]:
    """Verdicts on an article given one paragraph per argument, one sentence each."""
    listing = Listing()
    return [explain_paragraph([p], "icd203", listing)[0] for p in paragraphs]
