"""Drafting questions from an article: what is written, what is skipped, what is refused."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from forecasts import ledger
from forecasts.drafting import drafts
from forecasts.drafting.claims import MAX_ARTICLE_CHARS
from forecasts.models import (
    Forecast,
    ForecastCorrection,
    Question,
    Source,
)
from tests import builders

pytestmark = pytest.mark.usefixtures("frozen_clock")  # 2026-11-24 12:00 UTC
SEED_TEXT = builders.SEED_ARTICLE_TEXT
PUBLISHED = date(2024, 11, 12)
OPENS = datetime(2024, 11, 12, tzinfo=UTC)
DEFAULT_CLOSE = datetime(2025, 11, 12, 23, 59, 59, tzinfo=UTC)

# Sentence start → (phrase as written, scale, interval, point): worked out by hand from
# scales.json, not by running the detector.
SEED_DRAFTS = {
    "A Trump-brokered agreement is likely": ("likely", "icd203", (0.55, 0.8), 0.675),
    "It would surely also involve": ("surely", "reckon", (0.8, 0.96), 0.88),
    "Trump might get a deal with Putin, but": ("questionable", "reckon", (0.2, 0.5), 0.35),
    "Beijing, meanwhile, won't sit idly by": ("won't", "reckon", (0.05, 0.15), 0.1),
    "Putin is much more likely to simply": ("much more likely", "reckon", (0.65, 0.9), 0.775),
    "While it's hard to imagine": ("hard to imagine", "reckon", (0.05, 0.2), 0.125),
    "Despite Putin's efforts": ("is going to", "reckon", (0.85, 0.95), 0.9),
}


@pytest.fixture
def wolff(db):
    return builders.author("Stefan Wolff", slug="wolff")


@pytest.fixture
def article(wolff):
    """The seed article as a fresh source: no forecast quotes it yet."""
    return builders.seed_article(wolff, publisher="The Conversation", published_on=PUBLISHED)


@pytest.fixture
def seed(db):
    call_command("loaddata", "fixtures/seed_article.json", verbosity=0)
    return Source.objects.get(slug="wolff-2024-trump-xi-putin")


def counts() -> tuple[int, int, int]:
    return Question.objects.count(), Forecast.objects.count(), Source.objects.count()


def drafted(source: Source) -> dict[str, Forecast]:
    forecasts = Forecast.objects.filter(source=source, question__state=Question.State.DRAFT)
    return {f.quote: f for f in forecasts.select_related("question", "author")}


def find(forecasts: dict[str, Forecast], start: str) -> Forecast:
    (match,) = [f for quote, f in forecasts.items() if quote.startswith(start)]
    return match


def test_it_drafts_each_claim_as_a_draft_question_with_its_forecast(article, editor):
    report = drafts.draft_claims_from_source(source=article, by=editor)

    assert report.found == report.created == 16
    forecasts = drafted(article)
    assert len(forecasts) == 16
    for start, (phrase, scale, interval, point) in SEED_DRAFTS.items():
        forecast = find(forecasts, start)
        assert forecast.quote in SEED_TEXT  # verbatim
        assert (forecast.phrase, forecast.scale) == (phrase, scale)
        assert (forecast.interval_low, forecast.interval_high) == interval
        assert forecast.probability == forecast.scale_point == point
        assert forecast.author == article.author and forecast.source == article
        assert forecast.stated_at == OPENS and forecast.entered_by == editor


def test_each_draft_waits_for_an_editor(article, editor):
    drafts.draft_claims_from_source(source=article, by=editor)

    question = find(drafted(article), "A Trump-brokered agreement").question
    assert question.state == Question.State.DRAFT
    assert question.title.startswith(ledger.DRAFT_TITLE_MARK)
    assert "A Trump-brokered agreement is likely to involve" in question.title
    assert question.resolution_criteria == ""
    assert "Drafted from “Trump, Xi and Putin” (The Conversation)" in question.editor_notes
    assert question.background == ""  # editors only: never on a public page
    assert question.created_by == editor
    assert (question.opens_at, question.closes_at) == (OPENS, DEFAULT_CLOSE)
    assert question.resolve_by == DEFAULT_CLOSE + drafts.RESOLUTION_GRACE
    assert not Question.objects.published().exists()


def test_the_conversion_note_gives_the_scale_and_its_rationale(article):
    drafts.draft_claims_from_source(source=article)
    forecasts = drafted(article)

    likely = find(forecasts, "A Trump-brokered agreement").conversion_note
    assert likely.startswith("ICD 203 (2015) maps “likely” to 55%–80%; scored at 67.5%.")
    assert "ICD 203: likely / probable, 55-80%" in likely

    wont = find(forecasts, "Beijing, meanwhile").conversion_note
    assert "maps “won't” to 5%–15%; scored at 10%." in wont
    assert "It negates “will”, so the range is the complement of 85%–95%." in wont
    assert "The source's scale, ICD 203 (2015), does not list this phrase" in wont


def test_it_reads_the_close_from_the_dates_the_text_names(wolff):
    source = builders.source(
        wolff,
        title="Rates",
        published_on=PUBLISHED,
        full_text=(
            "The central bank will probably cut interest rates by the end of 2025. "
            "Inflation is falling. Unemployment is unlikely to rise within two years, and the "
            "government is almost certain to lose the next election."
        ),
    )
    drafts.draft_claims_from_source(source=source)
    forecasts = drafted(source)

    rates = find(forecasts, "The central bank").question
    assert rates.closes_at == datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert rates.resolve_by == datetime(2026, 1, 31, 23, 59, 59, tzinfo=UTC)
    # "within two years" counts from the publication date, not from today.
    election = find(forecasts, "Unemployment")
    assert election.question.closes_at == datetime(2026, 11, 12, 23, 59, 59, tzinfo=UTC)
    # "lose" is a negative event: 97% on losing, so 3% until the editor confirms the wording.
    assert election.phrase == "almost certain" and election.stated_probability == 0.97
    assert election.direction == "negates" and election.question_agrees is None
    assert election.stated_outcome == "the government will lose the next election"
    assert (election.probability, election.interval_low, election.interval_high) == (
        0.03,
        0.01,
        0.05,
    )
    assert "takes 1 − p = 3%" in election.conversion_note


def test_picks_and_headlines_draft_with_the_numbers_their_lexicon_rows_give(wolff):
    source = builders.source(
        wolff,
        title="Season preview",
        published_on=PUBLISHED,
        full_text=(
            "Greens to Win Council Majority in Bristol\n\n"
            "Northern Conference Winner: Leeds Rhinos\n\n"
            "I see Hull and Wigan making the top four next season. It is a long season and "
            "there is a lot of rugby to be played before then, but that is how I see it."
        ),
    )
    report = drafts.draft_claims_from_source(source=source)
    forecasts = drafted(source)

    assert report.created == len(forecasts) == 3
    headline = find(forecasts, "Greens to Win")
    assert (headline.phrase, headline.scale, headline.probability) == ("to Win", "reckon", 0.9)
    assert "The scale lists it as “will”." in headline.conversion_note
    for start, phrase in (
        ("Northern Conference", "Northern Conference Winner"),
        ("I see", "I see"),
    ):
        pick = find(forecasts, start)
        assert (pick.phrase, pick.scale) == (phrase, "reckon")
        assert (pick.interval_low, pick.interval_high, pick.probability) == (0.5, 0.75, 0.625)
        assert "The scale lists it as “I'm picking”." in pick.conversion_note


def test_a_title_that_announces_a_list_makes_picks_of_its_items(wolff, rules_only):
    text = (
        "Ward 1: Priya Nandakumar\n\nWard 2: Tom Brandt\n\n"
        "The turnout in the wards of the city will be low, as it is in most of the years."
    )
    listed = builders.source(
        wolff, title="My council election predictions", published_on=PUBLISHED, full_text=text
    )
    plain = builders.source(
        wolff, title="The council wards", published_on=PUBLISHED, full_text=text
    )

    report = drafts.draft_claims_from_source(source=listed)

    assert sorted(drafted(listed)) == [
        "The turnout in the wards of the city will be low, as it is in most of the years.",
        "Ward 1: Priya Nandakumar",
        "Ward 2: Tom Brandt",
    ]
    assert report.created == 3
    assert [c.sentence for c in drafts.plan_drafts(source=plain).to_draft] == [
        "The turnout in the wards of the city will be low, as it is in most of the years."
    ]


def test_the_source_scale_supplies_the_numbers(wolff):
    source = builders.source(
        wolff,
        title="Rain",
        published_on=PUBLISHED,
        scale="kent1964",
        full_text="It is likely to rain in Birmingham next week.",
    )
    drafts.draft_claims_from_source(source=source)
    (forecast,) = drafted(source).values()
    assert (forecast.scale, forecast.interval_low, forecast.interval_high) == (
        "kent1964",
        0.63,
        0.87,
    )
    assert forecast.probability == 0.75
    assert forecast.conversion_note.startswith("Kent (1964) maps “likely” to 63%–87%")


def test_a_scale_given_for_the_run_overrides_the_source_scale(article):
    report = drafts.draft_claims_from_source(source=article, scale="ipcc_ar5")
    assert report.scale == "ipcc_ar5"
    likely = find(drafted(article), "A Trump-brokered agreement")
    assert (likely.scale, likely.interval_low, likely.interval_high, likely.probability) == (
        "ipcc_ar5",
        0.66,
        1.0,
        0.78,
    )


def test_it_skips_what_the_seed_forecasts_already_quote(seed):
    hand_entered = set(Forecast.objects.filter(source=seed).values_list("pk", flat=True))

    report = drafts.draft_claims_from_source(source=seed)

    assert (report.found, report.created, len(report.already_quoted)) == (16, 8, 8)
    forecasts = drafted(seed)
    assert len(forecasts) == 8
    assert not any(q.startswith("A Trump-brokered agreement") for q in forecasts)
    assert find(forecasts, "Beijing, meanwhile").probability == 0.1
    states = Forecast.objects.filter(pk__in=hand_entered).values_list("question__state", flat=True)
    assert set(states) == {"live"}


def test_running_it_again_drafts_nothing_new(article):
    drafts.draft_claims_from_source(source=article)
    before = counts()

    again = drafts.draft_claims_from_source(source=article)

    assert (again.found, again.created, len(again.already_quoted)) == (16, 0, 16)
    assert counts() == before


def test_a_preview_writes_nothing(article):
    before = counts()
    report = drafts.plan_drafts(source=article)
    assert len(report.to_draft) == 16 and report.questions == []
    assert counts() == before


def test_approval_needs_a_rewritten_title_and_criteria_then_publishes(article, editor):
    drafts.draft_claims_from_source(source=article, by=editor)
    question = find(drafted(article), "A Trump-brokered agreement").question

    with pytest.raises(ValidationError) as refused:
        ledger.question_approve(question=question, by=editor)
    assert "resolution_criteria" in refused.value.message_dict

    question.resolution_criteria = "Yes if a signed US–Russia agreement recognises the gains."
    question.save()
    with pytest.raises(ValidationError) as refused:
        ledger.question_approve(question=question, by=editor)
    assert "title" in refused.value.message_dict

    question.title = "Will a Trump–Putin deal recognise Russia's territorial gains in Ukraine?"
    question.save()
    with pytest.raises(ValidationError) as refused:
        ledger.question_approve(question=question, by=editor)
    assert "Confirm which way Stefan Wolff leaned" in refused.value.message_dict["direction"][0]

    ledger.forecast_confirm_direction(
        forecast=question.forecasts.get(), question_agrees=True, by=editor
    )
    ledger.question_approve(question=question, by=editor)

    question.refresh_from_db()
    assert question.state == Question.State.LIVE
    assert list(Question.objects.published()) == [question]
    assert question.forecasts.get().probability == 0.675


def test_approval_refuses_a_close_moved_before_the_claim(article, editor):
    drafts.draft_claims_from_source(source=article)
    question = find(drafted(article), "A Trump-brokered agreement").question
    question.title = "Will it?"
    question.resolution_criteria = "Yes if it does."
    ledger.forecast_confirm_direction(
        forecast=question.forecasts.get(), question_agrees=True, by=editor
    )
    question.opens_at = datetime(2024, 1, 1, tzinfo=UTC)
    question.closes_at = datetime(2024, 6, 1, tzinfo=UTC)
    question.save()

    with pytest.raises(ValidationError) as refused:
        ledger.question_approve(question=question, by=editor)
    assert "closes_at" in refused.value.message_dict


def test_overriding_a_drafted_number_is_an_audited_correction(article, editor):
    drafts.draft_claims_from_source(source=article)
    forecast = find(drafted(article), "Beijing, meanwhile")

    ledger.forecast_correct(
        forecast=forecast,
        changes={"probability": 0.25},
        reason="Read as a warning, not a firm prediction.",
        by=editor,
    )

    forecast.refresh_from_db()
    assert (forecast.probability, forecast.scale_point) == (0.25, 0.1)
    assert forecast.is_overridden
    audit = ForecastCorrection.objects.get(forecast=forecast)
    assert (audit.field, audit.old_value, audit.new_value) == ("probability", "0.1", "0.25")
    assert audit.corrected_by == editor
    # A draft has no scores: nothing is marked for rescoring.
    assert forecast.question.resolution_changed_at is None


@pytest.mark.postgres
def test_a_drafted_forecast_is_still_immutable_outside_the_correction_service(article):
    drafts.draft_claims_from_source(source=article)
    forecast = find(drafted(article), "Beijing, meanwhile")
    with pytest.raises(IntegrityError), transaction.atomic():
        Forecast.objects.filter(pk=forecast.pk).update(probability=0.5)


def test_discarding_a_draft_removes_it_and_the_next_run_skips_it(article, editor):
    drafts.draft_claims_from_source(source=article)
    forecast = find(drafted(article), "This is of course a complete fantasy")
    question = forecast.question

    (remembered,) = drafts.draft_discard(question=question, by=editor)

    assert not Question.objects.filter(pk=question.pk).exists()
    assert not Forecast.objects.filter(pk=forecast.pk).exists()
    assert remembered.sentence == forecast.quote and remembered.discarded_by == editor
    again = drafts.draft_claims_from_source(source=article)
    assert again.created == 0 and len(again.discarded) == 1


def test_only_drafts_can_be_discarded(question):
    with pytest.raises(ValidationError) as refused:
        drafts.draft_discard(question=question)
    assert "question" in refused.value.message_dict
    assert Question.objects.filter(pk=question.pk).exists()


def test_it_refuses_a_source_without_author_or_date_and_writes_nothing(db):
    source = builders.source(title="Anonymous", published_on=None, full_text=SEED_TEXT)
    before = counts()

    with pytest.raises(ValidationError) as refused:
        drafts.draft_claims_from_source(source=source)

    errors = refused.value.message_dict
    assert "no author" in errors["author"][0]
    assert "no publication date" in errors["published_on"][0]
    assert counts() == before


def test_it_refuses_a_numeric_scale(article):
    article.scale = "numeric"
    article.save()
    with pytest.raises(ValidationError) as refused:
        drafts.draft_claims_from_source(source=article)
    assert "scale" in refused.value.message_dict


BAD_TEXTS = {
    "empty": ("   \n ", "empty"),
    "huge": ("It will rain. " * (MAX_ARTICLE_CHARS // 14 + 1), "the limit is 200,000"),
    # PostgreSQL cannot store NUL in text; NUL bytes in files are tested with the command.
    "binary": ("It will rain.\x01\x02\x03\x04" * 20, "binary"),
    "spanish": (
        "El banco central probablemente bajará los tipos de interés el próximo año, según "
        "los analistas consultados por este periódico.",
        "does not look like English",
    ),
    "cyrillic": ("Центральный банк, вероятно, снизит ставки в следующем году.", "Latin"),
}


@pytest.mark.parametrize("kind", BAD_TEXTS)
def test_it_refuses_bad_text_naming_the_field_and_writes_nothing(article, kind):
    text, expected = BAD_TEXTS[kind]
    Source.objects.filter(pk=article.pk).update(full_text=text)
    before = counts()

    with pytest.raises(ValidationError) as refused:
        drafts.draft_claims_from_source(source=article)

    assert expected in refused.value.message_dict["full_text"][0]
    assert counts() == before


def test_a_failure_half_way_leaves_nothing_behind(article, monkeypatch):
    real_create = ledger.forecast_create
    calls = []

    def failing_third(**kwargs):
        calls.append(kwargs["quote"])
        if len(calls) == 3:
            raise ValidationError({"probability": "refused for the test"})
        return real_create(**kwargs)

    monkeypatch.setattr(ledger, "forecast_create", failing_third)
    before = counts()
    with pytest.raises(ValidationError):
        drafts.draft_claims_from_source(source=article)
    assert len(calls) == 3
    assert counts() == before


def test_slugs_stay_unique_across_sources(article, wolff):
    twin = builders.source(wolff, title="Reprint", published_on=PUBLISHED, full_text=SEED_TEXT)
    drafts.draft_claims_from_source(source=article)
    drafts.draft_claims_from_source(source=twin)
    slugs = list(Question.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs)) == 32
    assert "a-trump-brokered-agreement-is-likely-to-involve-the-2" in slugs


def test_its_queries_grow_with_the_claims_not_with_the_database(
    seed, article, django_assert_max_num_queries
):
    # Other sources' rows must not add queries. Each draft costs a fixed 23: the
    # forecast service locks the question, looks for a resolution, checks eight
    # constraints (each in a savepoint) and inserts; the questions go in one insert.
    with django_assert_max_num_queries(10 + 29 * 16):
        report = drafts.draft_claims_from_source(source=article)
    assert report.created == 16
