"""Small labelled corpora in the claims corpus's JSON format, for the evaluation's tests."""

from __future__ import annotations


def one_article(split: str, article: str, sentences: list[tuple[str, str]]) -> dict:
    """A one-article corpus: (sentence, label) pairs in one paragraph, no phrases."""
    return {
        "articles": [
            {
                "id": article,
                "url": f"https://example.org/{article}",
                "outlet": "Example",
                "date": "2025-01-10",
                "subject": "economics",
                "licence": "written for this test",
                "split": split,
            }
        ],
        "entries": [
            {
                "article": article,
                "paragraph": 0,
                "sentence": text,
                "label": label,
                "phrase": None,
                "origin": "corpus",
            }
            for text, label in sentences
        ],
    }
