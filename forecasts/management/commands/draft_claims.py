"""``manage.py draft_claims``: draft questions from an article's hedged claims.

    draft_claims FILE --title T --author A --published-on YYYY-MM-DD [--publisher P] [--url U]
    draft_claims --url URL [--title T --author A --published-on YYYY-MM-DD --publisher P]
    draft_claims --source SLUG
    draft_claims FILE --dry-run --json     # preview; touches no database

FILE is plain UTF-8 text ("-" reads standard input). Writing mode stores the
article as a Source (with its full text) and drafts its claims in one
transaction; ``--url`` without FILE fetches the page and takes its main text
and metadata (the options given override what the page says); ``--source``
drafts a stored source. Drafts wait in the admin
(Questions, status "Drafts to review") until an editor approves them.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from forecasts.admin.drafts import drafts_to_review_url
from forecasts.drafting.articles import article_draft, article_fetch, author_named
from forecasts.drafting.claims import (
    MAX_ARTICLE_CHARS,
    NEGATES,
    ClaimTextError,
    detect_claims,
    validate_article_text,
)
from forecasts.drafting.drafts import (
    DraftReport,
    claim_as_dict,
    draft_claims_from_source,
    draft_dates,
    plan_drafts,
)
from forecasts.drafting.fetching import FetchedArticle
from forecasts.drafting.lexicon import DEFAULT_SCALE, SCALES
from forecasts.models import Source

# UTF-8 takes at most 4 bytes a character: anything longer is over the limit unread.
MAX_FILE_BYTES = 4 * MAX_ARTICLE_CHARS


class Command(BaseCommand):
    help = "Draft questions from an article's hedged claims, or preview them with --dry-run."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help='Plain-text article, UTF-8 ("-" for stdin).')
        parser.add_argument("--source", metavar="SLUG", help="Draft a stored source instead.")
        parser.add_argument("--title", help="The article's title (stored as the source).")
        parser.add_argument("--author", help="The byline: an author's slug or name.")
        parser.add_argument("--published-on", metavar="YYYY-MM-DD", help="Publication date.")
        parser.add_argument("--publisher", default="", help="e.g. The Conversation.")
        parser.add_argument(
            "--url",
            default="",
            help="Where the article was published; without FILE, fetch the article from it.",
        )
        parser.add_argument(
            "--scale", choices=list(SCALES), help="Scale for the hedges (default: ICD 203)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Write nothing; list claims.")
        parser.add_argument("--json", action="store_true", help="Print a JSON list.")

    def handle(self, *args, **options):
        fetching = bool(options["url"]) and not options["file"]
        if (bool(options["file"]) or fetching) == bool(options["source"]):
            raise CommandError(
                "Give an article FILE, --url URL or --source SLUG (one of the three)."
            )
        published_on = _parse_date(options["published_on"])
        try:
            if options["source"]:
                report = self._stored_source(options)
            elif fetching:
                fetched = self._fetched(published_on, options)
                if fetched is None:  # a preview, already printed
                    return None
                report = fetched
            else:
                text = _read_article(options["file"])
                if options["dry_run"]:
                    return self._preview_file(text, published_on, options)
                report = self._new_source(text, published_on, options)
        except ValidationError as error:
            raise CommandError(_describe(error)) from error
        self._print_report(report, options)

    def _preview_file(self, text: str, published_on: date | None, options) -> None:
        """Claims of a file, without any database access."""
        scale = options["scale"] or DEFAULT_SCALE
        claims = detect_claims(text, scale, today=published_on, title=options["title"] or "")
        if options["json"]:
            self.stdout.write(json.dumps([claim_as_dict(c) for c in claims], ensure_ascii=False))
            return
        self.stdout.write(
            f"Would draft {len(claims)} question(s) (scale {scale}){':' if claims else '.'}"
        )
        for number, claim in enumerate(claims, 1):
            self._print_claim(number, claim, published_on)

    def _stored_source(self, options) -> DraftReport:
        source = Source.objects.filter(slug=options["source"]).first()
        if source is None:
            raise CommandError(f"No source with the slug “{options['source']}”.")
        if options["dry_run"]:
            return plan_drafts(source=source, scale=options["scale"])
        return draft_claims_from_source(source=source, scale=options["scale"])

    def _fetched(self, published_on: date | None, options) -> DraftReport | None:
        """Fetch the article at --url, show what the page says, then preview or store it."""
        article = article_fetch(options["url"])
        options = {
            **options,
            "title": options["title"] or article.title,
            "author": options["author"] or article.author,
            "publisher": options["publisher"] or article.publisher,
            "url": article.url,
        }
        published_on = published_on or article.published_on
        if not options["json"]:
            self._print_fetched(article, options, published_on)
        if options["dry_run"]:
            self._preview_file(article.text, published_on, options)
            return None
        return self._new_source(article.text, published_on, options)

    def _print_fetched(self, article: FetchedArticle, options, published_on: date | None):
        self.stdout.write(
            f"Fetched {article.url}: {len(article.text.split()):,} words.\n"
            f"  title:        {options['title'] or '(none: give --title)'}\n"
            f"  author:       {options['author'] or '(none: give --author)'}\n"
            f"  published on: {published_on or '(none: give --published-on)'}\n"
            f"  publisher:    {options['publisher'] or '(none)'}"
        )

    @transaction.atomic
    def _new_source(self, text: str, published_on: date | None, options) -> DraftReport:
        """Store the article as a source and draft it; one transaction, so all or nothing."""
        missing = [
            f"--{name.replace('_', '-')}"
            for name in ("title", "author", "published_on")
            if not (published_on if name == "published_on" else options[name])
        ]
        if missing:
            raise CommandError(
                f"Storing an article needs {', '.join(missing)} (or preview it with --dry-run)."
            )
        try:
            author = author_named(options["author"])
        except ValidationError as error:
            raise CommandError(f"--author: {' '.join(error.messages)}") from error
        return article_draft(
            title=options["title"],
            author=author,
            published_on=published_on,
            publisher=options["publisher"],
            url=options["url"],
            text=text,
            scale=options["scale"] or DEFAULT_SCALE,
        )

    def _print_report(self, report: DraftReport, options) -> None:
        claims = report.to_draft
        if options["json"]:
            rows = [claim_as_dict(c) for c in claims]
            for row, question in zip(rows, report.questions, strict=False):
                row |= {"question": question.pk, "admin_url": _admin_url(question)}
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        verb = "Would draft" if options["dry_run"] else "Drafted"
        self.stdout.write(
            f"{verb} {len(claims)} question(s) from “{report.source.title}” "
            f"(source {report.source.slug}, scale {report.scale}){':' if claims else '.'}"
        )
        for number, claim in enumerate(claims, 1):
            self._print_claim(number, claim, report.source.published_on)
            if report.questions:
                self.stdout.write(f"     {_admin_url(report.questions[number - 1])}")
        if report.already_quoted or report.discarded:
            self.stdout.write(
                f"Skipped {len(report.already_quoted)} claim(s) a forecast of this source "
                f"already quotes and {len(report.discarded)} discarded earlier."
            )
        if report.questions:
            review = settings.SITE_URL + drafts_to_review_url(report.source)
            self.stdout.write(self.style.SUCCESS(f"Review them: {review}"))

    def _print_claim(self, number: int, claim, published_on: date | None) -> None:
        low, high = claim.interval
        if claim.suggested_resolve_by:
            when = f"resolve by {claim.suggested_resolve_by.isoformat()} (from the text)"
        elif published_on:
            when = f"closes {draft_dates(published_on, None)[1]:%Y-%m-%d} (default)"
        else:
            when = "no date in the text"
        self.stdout.write(
            f"{number:3}. {claim.probability:.1%} “{claim.phrase}” on {claim.scale} "
            f"[{low:.0%}–{high:.0%}], {when}\n     {' '.join(claim.sentence.split())}"
        )
        if claim.direction == NEGATES:
            self.stdout.write(
                f"     leans against: {claim.stated_probability:.1%} that {claim.outcome}; "
                f"a question worded the positive way takes {claim.positive_probability:.1%}"
            )


def _read_article(name: str) -> str:
    """The file's text, validated; a clear CommandError for anything else."""
    if name == "-":
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    else:
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"{name}: no such file.")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(
                f"{name}: the file is {path.stat().st_size:,} bytes; an article is at most "
                f"{MAX_ARTICLE_CHARS:,} characters."
            )
        data = path.read_bytes()
    try:
        return validate_article_text(data)
    except ClaimTextError as error:
        raise CommandError(f"{name}: {error}.") from error


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--published-on: “{value}” is not a date like 2024-11-12.") from error
    if parsed > timezone.now().date():
        raise CommandError(f"--published-on: {value} is in the future.")
    return parsed


def _describe(error: ValidationError) -> str:
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return " ".join(
        f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
    )


def _admin_url(question) -> str:
    return settings.SITE_URL + reverse("admin:forecasts_question_change", args=[question.pk])
