"""``manage.py export_labelled_claims`` and the admin export: editors' decisions as examples."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from forecasts.drafting import drafts
from forecasts.models import DiscardedClaim
from tests import builders
from tests.admin.test_drafts import draft_of
from tests.builders.ledger import SEED_ARTICLE_TEXT

pytestmark = pytest.mark.usefixtures("frozen_clock")  # 2026-11-24 12:00 UTC
URL = "https://theconversation.com/trump-xi-and-putin"
KEYS = ["article", "paragraph", "sentence", "label", "phrase", "origin"]


def paragraph_starting(start: str) -> str:
    (line,) = [line for line in SEED_ARTICLE_TEXT.splitlines() if line.startswith(start)]
    return line.strip()


@pytest.fixture
def edited(db):
    """The seed article drafted; four drafts dismissed, two claims accepted onto questions."""
    wolff = builders.author("Stefan Wolff", slug="wolff")
    source = builders.seed_article(wolff, url=URL)
    drafts.draft_claims_from_source(source=source)
    for start, reason in [
        ("Beijing, meanwhile", DiscardedClaim.Reason.REPORTED),
        ("In contrast to Nixon", DiscardedClaim.Reason.NOT_A_CLAIM),
        ("A Trump-brokered agreement", DiscardedClaim.Reason.DUPLICATE),
        ("This is of course a complete fantasy", DiscardedClaim.Reason.UNSTATED),
    ]:
        drafts.draft_discard(question=draft_of(source, start), reason=reason)
    question = builders.question("deal")
    builders.forecast(question, wolff, source=source, quote="Trump might get a deal with Putin")
    builders.forecast(
        question,
        builders.author("Donald Trump"),
        source=source,
        quote='he would work to "un-unite" Russia and China',
        probability=0.8,
    )
    return source


def exported() -> list[dict]:
    out = io.StringIO()
    call_command("export_labelled_claims", stdout=out)
    return json.loads(out.getvalue())


def test_it_exports_accepted_and_dismissed_claims_labelled(edited):
    entries = exported()

    assert all(list(e) == KEYS and e["origin"] == "editor" for e in entries)
    assert all(e["article"] == URL for e in entries)
    by_start = {e["sentence"][:20]: e for e in entries}
    assert [(e["sentence"][:20], e["label"]) for e in entries] == [
        ("Trump might get a de", "claim"),
        ('he would work to "un', "reported"),
        ("Beijing, meanwhile, ", "reported"),
        ("In contrast to Nixon", "none"),
        ("A Trump-brokered agr", "claim"),
    ]  # the dismissal with no reason says nothing, and is left out
    assert by_start["Beijing, meanwhile, "]["paragraph"] == paragraph_starting("Beijing, meanwhile")
    assert by_start["Beijing, meanwhile, "]["phrase"] == "won't"
    assert by_start["Trump might get a de"]["paragraph"] == paragraph_starting("Trump might get")


def test_drafts_still_under_review_are_not_exported(edited):
    assert not any(e["sentence"].startswith("Putin is much more likely") for e in exported())


def test_it_writes_a_file_and_says_what_it_wrote(edited, tmp_path):
    err = io.StringIO()
    call_command("export_labelled_claims", "--output", str(tmp_path / "x.json"), stderr=err)
    assert len(json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))) == 5
    assert "Wrote 5 labelled example(s) (2 claim, 2 reported, 1 none)" in err.getvalue()


def test_the_admin_exports_the_selected_dismissals(client, editor, edited):
    client.force_login(editor)
    chosen = DiscardedClaim.objects.exclude(reason=DiscardedClaim.Reason.DUPLICATE)
    response = client.post(
        reverse("admin:forecasts_discardedclaim_changelist"),
        {"action": "export_examples", "_selected_action": [d.pk for d in chosen]},
    )
    assert response["Content-Disposition"] == 'attachment; filename="dismissed-claims.json"'
    labels = sorted(e["label"] for e in json.loads(response.content))
    assert labels == ["none", "reported"]
