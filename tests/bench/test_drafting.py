"""manage.py bench drafting: detection on an article built from the corpus, against splitting it."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from forecasts.bench import drafting as bench


def test_the_article_has_the_words_asked_for_in_whole_paragraphs():
    text = bench.article(300)
    paragraphs = text.split("\n\n")
    assert len(text.split()) >= 300
    assert len(" ".join(paragraphs[:-1]).split()) < 300  # it stopped once it had enough
    assert all(paragraph.strip() for paragraph in paragraphs)


def test_it_reports_the_detection_beside_the_split(db):
    out = StringIO()
    call_command("bench", "drafting", "--words", "200", "--runs", "2", stdout=out)
    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    assert figures["words"] >= 200
    assert figures["claims"] > 0
    assert len(figures["detect_runs_s"]) == 2
    # worked out before the times were rounded for the report
    ratio = figures["detect_s"] / figures["split_s"]
    assert figures["detect_vs_split"] == pytest.approx(ratio, rel=0.05)
    assert "the split" in out.getvalue()
