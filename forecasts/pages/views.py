"""Public pages: who said what, how sure they were, and how it turned out.

Short function views; each reads in a fixed number of queries (see
tests/pages/test_queries.py). Scores come from forecasts.standings, charts
from forecasts.pages.charts.
"""

from __future__ import annotations

import sys
from copy import copy
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Exists, Prefetch, Q, QuerySet, prefetch_related_objects
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from forecasts.drafting import readings
from forecasts.models import (
    Author,
    DiscardedClaim,
    Forecast,
    ForecastCorrection,
    ForecastProbability,
    Question,
    Resolution,
    Source,
    Tag,
    forecast_count,
)
from forecasts.pages import (
    about,
    charts,
    forecast_rows,
    fragments,
    home_rows,
    paging,
    quantities,
    quotes,
    timelines,
    words,
)
from forecasts.pages.forms import LeaderboardFilterForm, ScoreFilterForm
from forecasts.pages.murphy import murphy_terms
from forecasts.standings import folded, periods, scorecards
from forecasts.standings.counted import counted_on_question, known_at
from forecasts.standings.leaderboard import Standing, stored_place
from forecasts.standings.leaderboard import leaderboard as read_leaderboard
from forecasts.standings.records import (
    AuthorRecord,
    Claim,
    author_record,
    complete,
    with_options,
)
from forecasts.standings.updating import author_updating

PUBLISHED = ~Q(question__state=Question.State.DRAFT)
STATUSES = [
    ("open", "Open for forecasts"),
    ("closed", "Closed, awaiting the outcome"),
    ("due", "Due for resolution"),
    ("resolved", "Resolved"),
    ("annulled", "Annulled"),
]


@fragments.one_stamp
def home(request):
    """Recently resolved, due for resolution, and the newest claims.

    The lists come from the stored data alone: remembered until it changes
    (``pages.fragments``); whether a question is overdue is decided on each visit.
    """
    lists = fragments.remembered("home", None, _home_lists)
    return render(
        request,
        "forecasts/home.html",
        {"lists": lists, "due": lists["due"], "now": timezone.now()},
    )


def _home_lists() -> dict:
    """The recently resolved and the newest claims (rendered), and the questions due."""
    resolved = _recently_resolved(8)
    due = (
        Question.objects.unresolved()
        .defer("resolution_criteria", "background", "editor_notes")
        .order_by("is_synthetic", "resolve_by", "pk")[:8]
    )
    newest = _newest(8)
    quantities.with_quantiles(newest)
    return {
        "resolved": _rendered(
            "forecasts/_home_resolved.html",
            {"resolved": resolved, "resolved_items": home_rows.resolved_items(resolved)},
        ),
        "due": list(due),
        "newest": _rendered(
            "forecasts/_home_newest.html",
            {"newest": newest, "newest_items": home_rows.newest_items(newest)},
        ),
    }


def _rendered(template: str, context: dict) -> SafeString:
    """A part of a page, rendered to keep (``pages.fragments``)."""
    return mark_safe(render_to_string(template, context))  # noqa: S308 - escaped by the engine


# Long texts of a question and a source that the home page never shows.
QUESTION_TEXTS = ("question__resolution_criteria", "question__background", "question__editor_notes")
HOME_DEFERRED = (*QUESTION_TEXTS, "source__full_text", "source__attribution")


def _recently_resolved(n: int) -> list[Resolution]:
    """The ``n`` newest current resolutions of published questions, real questions first.

    Read down the ``resolution_newest`` index (current resolutions, newest first:
    migration ``0029_resolution_newest``) where the database allows it
    (``_real_first``), rather than sorting every current resolution.
    """
    current = Resolution.objects.current().filter(PUBLISHED)
    real_first = _real_first(
        current,
        real=Q(question__is_synthetic=False),
        rest=Q(question__is_synthetic=True),
        order=("question__is_synthetic", "-resolved_at", "-pk"),
        n=n,
    )
    return list(real_first.select_related("question", "option").defer(*QUESTION_TEXTS)[:n])


def _newest(n: int) -> list[Forecast]:
    """The ``n`` newest published claims, real records (question and author) first.

    Read down the ``forecast_newest`` index where the database allows it
    (``_real_first``).
    """
    real_first = _real_first(
        Forecast.objects.filter(PUBLISHED),
        real=Q(question__is_synthetic=False, author__is_synthetic=False),
        rest=Q(question__is_synthetic=True) | Q(author__is_synthetic=True),
        order=("question__is_synthetic", "author__is_synthetic", "-recorded_at", "-pk"),
        n=n,
    )
    return list(real_first.select_related("author", "question", "source").defer(*HOME_DEFERRED)[:n])


def _real_first(rows: QuerySet, *, real: Q, rest: Q, order: tuple[str, ...], n: int) -> QuerySet:
    """``rows`` in ``order`` (real records first, then newest), narrowed to those
    that can be among its first ``n``; the caller takes the first ``n``.

    Sorting every row by (synthetic, newest) reads the whole table. On a database
    that can order and limit each part of a UNION ALL (PostgreSQL), the newest
    real rows (``real``) are read down an index in the newest-first part of
    ``order``, and the rest (``rest``), sorted, only when there are fewer than
    ``n`` real ones (an uncorrelated EXISTS, which PostgreSQL evaluates once and,
    when false, runs nothing under it). Elsewhere (SQLite, the embedded default)
    the whole sort is kept. One query either way, the same rows in the same order.
    """
    if not connection.features.supports_slicing_ordering_in_compound:
        return rows.order_by(*order)
    newest = tuple(key for key in order if not key.endswith("is_synthetic"))
    newest_real = rows.filter(real).order_by(*newest).values("pk")
    synthetic = rows.filter(rest).filter(~Exists(newest_real[n - 1 : n])).order_by(*order)
    union = newest_real[:n].union(synthetic.values("pk")[:n], all=True)
    return rows.model.objects.filter(pk__in=union).order_by(*order)


# The leaderboard's ``records`` choices: which authors are ranked (is_synthetic).
RECORDS = {"real": False, "synthetic": True, "all": None}


@fragments.one_stamp
def leaderboard(request):
    """Authors ranked by mean Brier (or Metaculus's Baseline or Peer), with enough scored.

    The board's sections (chart, tables) come from the stored cards and the filters
    alone: remembered until the data changes (``pages.fragments``).
    """
    tags = list(Tag.objects.all())
    form = LeaderboardFilterForm(request.GET or None, tags=tags)
    filters = form.filters()
    # Real authors are ranked unless the synthetic demo records are asked for.
    records = request.GET.get("records", "real")
    records = records if records in RECORDS else "real"
    key = (
        filters["tag"].pk if filters["tag"] else None,
        filters["since"],
        filters["until"],
        filters["recorded_before_outcome"],
        filters["order"],
        records,
        settings.RECKON_LEADERBOARD_MIN_N,
    )
    sections = fragments.remembered("leaderboard", key, lambda: _board_sections(filters, records))
    return render(
        request,
        "forecasts/leaderboard.html",
        {
            "sections": sections,
            "form": form,
            "filters_form": _filters_form(request, form),
            "tags": tags,
            "min_n": settings.RECKON_LEADERBOARD_MIN_N,
            "records": records,
            "record_choices": [("real", "Real"), ("synthetic", "Synthetic demo"), ("all", "All")],
            **filters,
        },
        status=_filter_status(form),
    )


def _board_sections(filters: dict, records: str) -> SafeString:
    """The ranked authors (chart and table), the ranks under each scale, the unranked."""
    since, until = periods.period_bounds(filters["since"], filters["until"])
    board = read_leaderboard(
        tag=filters["tag"],
        since=since,
        until=until,
        min_n=settings.RECKON_LEADERBOARD_MIN_N,
        with_unscored=True,
        recorded_before_outcome=filters["recorded_before_outcome"],
        order=filters["order"],
        synthetic=RECORDS[records],
    )
    whole = filters["tag"] is None and since is None and until is None
    under_scales = (
        readings.board_under_scales(board.ranked)
        if whole and not filters["recorded_before_outcome"]
        else None
    )
    chart = None
    if board.ranked and filters["order"] == "brier":  # the chart draws Brier intervals
        chart = charts.leaderboard_chart([_chart_point(s) for s in board.ranked])
    return _rendered(
        "forecasts/_board_sections.html",
        {
            "ranked": board.ranked,
            "unranked": board.unranked,
            "chart": chart,
            "under_scales": _under_scales(board.ranked, under_scales),
            "scale_names": list(readings.SCALES.values()),
            "min_n": settings.RECKON_LEADERBOARD_MIN_N,
            **filters,
        },
    )


def _filters_form(request, form: ScoreFilterForm) -> SafeString:
    """The filter form, rendered: from the topics and the values asked for alone (remembered)."""
    key = (
        type(form).__name__,
        tuple((name, tuple(request.GET.getlist(name))) for name in form.fields),
        bool(request.GET),
    )

    return fragments.remembered(
        "filters",
        key,
        lambda: _rendered("forecasts/_filters.html", {"form": form, "request": request}),
    )


def _under_scales(ranked: list[Standing], moves: dict | None) -> list[dict] | None:
    """The board's rows for the table of ranks under each scale (None: not for this board)."""
    if moves is None:
        return None
    return [{"standing": s, "lines": moves[s.author.pk]} for s in ranked if s.author.pk in moves]


def _filter_status(form: ScoreFilterForm) -> int:
    """400 when the query's filters were refused (the page says which, beside the field)."""
    return 400 if form.is_bound and not form.is_valid() else 200


def _chart_point(standing: Standing) -> dict:
    """What the leaderboard chart plots for one ranked author."""
    author, card = standing.author, standing.card
    assert card is not None, "a ranked standing always has a card"
    label = f"{standing.rank}. {author.name}" + (" (synthetic)" if author.is_synthetic else "")
    return {
        "name": label,
        "brier": card.brier,
        "brier_low": card.brier_low,
        "brier_high": card.brier_high,
    }


@fragments.one_stamp
def author_detail(request, slug):
    """An author's scorecard: the headline, calibration, decomposition, and every claim.

    What the whole record gives (its sorted claims, the sections from the headline
    to the running mean) and the tables of the claims a page shows are worked out
    from the stored data alone, so they are remembered until it changes
    (``pages.fragments``); the links that keep the request's query are put in here.
    """
    author = get_object_or_404(Author, slug=slug)
    tags = list(Tag.objects.all())
    form = ScoreFilterForm(request.GET or None, tags=tags)
    filters = form.filters()
    since, until = periods.period_bounds(filters["since"], filters["until"])
    selection = {
        "tag": filters["tag"],
        "since": since,
        "until": until,
        "recorded_before_outcome": filters["recorded_before_outcome"],
    }
    key = (
        author.pk,
        filters["tag"].pk if filters["tag"] else None,
        filters["since"],
        filters["until"],
        filters["recorded_before_outcome"],
        settings.RECKON_LEADERBOARD_MIN_N,
    )
    whole = fragments.remembered("author", key, lambda: _author_whole(author, filters, selection))
    record = whole.record
    # The two long lists are shown a page at a time; the rest are short.
    scored_page = paging.pager(record.scored, request, param="page", anchor="resolved")
    pending_page = paging.pager(record.pending, request, param="pending_page", anchor="pending")
    tables = fragments.remembered(
        "author-tables",
        (*key, scored_page.page.number, pending_page.page.number),
        lambda: _author_tables(author, whole, scored_page.items, pending_page.items, filters),
    )
    switched = escape(_switched(request, "recorded_before_outcome"))
    context = {
        "author": author,
        "form": form,
        "filters_form": _filters_form(request, form),
        "tags": tags,
        # The link keeps this request's query string: put in on each visit.
        "record_sections": mark_safe(whole.top.replace(SWITCH_URL, switched)),  # noqa: S308
        "tables": tables,
        "record": record,
        "scored_page": scored_page,
        "pending_page": pending_page,
        **filters,
    }
    return render(request, "forecasts/author_detail.html", context, status=_filter_status(form))


# Stands for the page's own "switch the filter" link in the remembered sections (no
# stored text holds a NUL: PostgreSQL refuses it).
SWITCH_URL = "\x00reckon-switch-url\x00"


@dataclass(frozen=True)
class AuthorWhole:
    """What an author page works out from the whole record (the same on each of its pages)."""

    record: AuthorRecord  # read light; its claims are copied before anything completes them
    resolved_numeric: list[Claim] | None
    top: str  # the sections from the headline to the running mean, rendered

    def remembered_size(self) -> int:
        """About the bytes it holds: its text, and a light claim's rows (measured: ~2 kB)."""
        record = self.record
        claims = sum(
            len(group)
            for group in (
                record.scored,
                record.pending,
                record.annulled,
                record.hindsight,
                record.no_forecast,
                record.awaiting_score,
                self.resolved_numeric or (),
            )
        )
        return sys.getsizeof(self.top) + 2048 * claims


def _author_whole(author: Author, filters: dict, selection: dict) -> AuthorWhole:
    card = scorecards.scorecard(author, **selection)
    record = author_record(author, **filters)
    # Takes the numeric and date claims out of the record's lists: before they are paged.
    resolved_numeric = quantities.take_numeric(record)
    folded_table, from_complete_sources = scorecards.folded_and_complete_sources(
        author, **selection
    )
    over_time = record.brier_over_time()
    # Calibration and the decomposition are drawn for whole (stored) records only.
    binned = (
        scorecards.binned_figures([card])[0]
        if card is not None and card.pk is not None
        else scorecards.NOTHING_BINNED
    )
    scored = card is not None and card.n_scored > 0
    context = {
        "author": author,
        "card": card,
        "updating": author_updating(author),
        "interval_method": scorecards.INTERVAL_METHOD_TEXT,
        "min_crowd": scorecards.MIN_CROWD,
        "headline": words.headline(author, card, folded_table) if card and scored else "",
        "percentile": _percentile(author, card, selection),
        "min_n": settings.RECKON_LEADERBOARD_MIN_N,
        "switch_url": SWITCH_URL,
        "from_complete_sources": from_complete_sources if card and card.n_scored else 0,
        # How much the record depends on how words were read: the stored overall card only.
        "words": readings.author_words(card) if card is not None and card.pk else None,
        "folded": folded_table,
        "over_time": over_time,
        "calibration": [b for b in binned.calibration if b.get("count")],
        "murphy": murphy_terms(binned.murphy),
        "murphy_brier": binned.murphy.get("brier"),
        # Drawn only with a bin to plot: a record of multiple-choice questions alone has none.
        "calibration_chart": (
            charts.calibration_chart(binned.calibration)
            if card and card.n_scored and any(b.get("count") for b in binned.calibration)
            else None
        ),
        "folded_chart": (charts.folded_chart(folded_table.levels) if folded_table.levels else None),
        "over_time_chart": (charts.brier_over_time_chart(over_time) if over_time else None),
        **filters,
    }
    top = render_to_string("forecasts/_author_record.html", context)
    return AuthorWhole(record=record, resolved_numeric=resolved_numeric, top=top)


def _author_tables(
    author: Author, whole: AuthorWhole, scored: list[Claim], pending: list[Claim], filters: dict
) -> dict[str, SafeString]:
    """The tables of the claims this page shows, and the numeric record (rendered).

    The remembered record's claims are copied first: completing them (their full
    rows, one query) must not change what the next visit reads.
    """
    record = whole.record
    lists = {
        "scored": [copy(c) for c in scored],
        "pending": [copy(c) for c in pending],
        "annulled": [copy(c) for c in record.annulled],
        "hindsight": [copy(c) for c in record.hindsight],
        "no_forecast": [copy(c) for c in record.no_forecast],
        "awaiting_score": [copy(c) for c in record.awaiting_score],
    }
    resolved_numeric = (
        None if whole.resolved_numeric is None else [copy(c) for c in whole.resolved_numeric]
    )
    shown = [claim for claims in lists.values() for claim in claims]
    # The record is read light: the claims printed get their full rows.
    complete(author, [*shown, *(resolved_numeric or [])])
    with_options(shown)
    numeric = (
        None
        if resolved_numeric is None
        else quantities.author_numeric(author, resolved_numeric, shown, tag=filters["tag"])
    )
    flags = {
        "scored": "scored",
        "pending": "pending",
        "annulled": "reason",
        "hindsight": "hindsight",
    }
    tables = {
        name: _rendered(
            "forecasts/_claims_table.html",
            {"claims": claims, **({flags[name]: True} if name in flags else {})},
        )
        for name, claims in lists.items()
        if claims
    }
    tables["numeric"] = (
        _rendered("forecasts/_quantity_record.html", {"numeric": numeric, **filters})
        if numeric
        else SafeString("")
    )
    return tables


def _percentile(author: Author, card, selection: dict) -> words.Percentile | None:
    """The author's place among the ranked authors of the same selection (None: unranked).

    Among authors of the author's own kind, as the leaderboard ranks them: a real
    author among the real ones, a synthetic demo author among the synthetic ones,
    so that the rank and the count are the ones the leaderboard shows.
    For a stored card (no period, every claim), counted from the stored cards in
    one query (``leaderboard.stored_place``); otherwise the rebuilt board is
    read. Either way whenever something is scored, so that the page's query
    count does not depend on the record's size.
    """
    if card is None or card.brier is None:
        return None
    stored = (
        card.pk is not None
        and selection["since"] is None
        and selection["until"] is None
        and not selection["recorded_before_outcome"]
    )
    if stored:
        place = stored_place(
            card, min_n=settings.RECKON_LEADERBOARD_MIN_N, synthetic=author.is_synthetic
        )
        if place is None:
            return None
        return words.Percentile(rank=place.rank, n_ranked=place.n_ranked, n_worse=place.n_worse)
    board = read_leaderboard(
        **selection, min_n=settings.RECKON_LEADERBOARD_MIN_N, synthetic=author.is_synthetic
    )
    return words.percentile(author, board.ranked)


def _dismissed(source: Source) -> dict:
    """The sentences dismissed from a source, counted by reason in words (one query)."""
    labels = dict(DiscardedClaim.Reason.choices)
    counts = source.dismissed_by_reason()
    return {
        "dismissed": [(labels.get(code, code), n) for code, n in counts.items()],
        "dismissed_total": sum(counts.values()),
    }


def _switched(request, name: str) -> str:
    """This page's query string with the boolean filter ``name`` turned the other way."""
    query = request.GET.copy()
    if query.get(name):
        query.pop(name)
    else:
        query[name] = "on"
    return "?" + query.urlencode() if query else "?"


def question_list(request):
    """Every published question, filterable by topic and lifecycle status."""
    tags = list(Tag.objects.all())
    questions = Question.objects.published().annotate(n_forecasts=forecast_count("question"))
    tag = next((t for t in tags if t.slug == request.GET.get("tag")), None)
    if tag is not None:
        questions = questions.filter(tags=tag)
    status = request.GET.get("status", "")
    questions = _with_status(questions, status)
    records = request.GET.get("records", "")
    if records in ("real", "synthetic"):
        questions = questions.filter(is_synthetic=records == "synthetic")
    ordered = questions.prefetch_related("tags").order_by("is_synthetic", "resolve_by", "pk")
    page = Paginator(ordered, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "forecasts/question_list.html",
        {
            "page": page,
            "tags": tags,
            "tag": tag,
            "status": status,
            "statuses": STATUSES,
            "records": records if records in ("real", "synthetic") else "",
            "now": timezone.now(),
        },
    )


@fragments.one_stamp
def question_detail(request, slug):
    """Criteria, every forecast on a timeline with the crowd, the resolution and the scores.

    The page's body comes from the stored data alone, given the hour an open
    question's timeline runs to and whether the outcome is overdue: remembered
    until the data changes (``pages.fragments``). An open numeric or date
    question holds its forecasts to the present moment, so its body is not kept.
    """
    shell = get_object_or_404(
        Question.objects.published().only("pk", "title", "kind", "closes_at", "resolve_by"),
        slug=slug,
    )
    now = timezone.now()
    is_open = shell.closes_at > now
    if shell.is_quantity and is_open:
        body = _question_body(shell.pk, now)
    else:
        hour = now.replace(minute=0, second=0, microsecond=0) if is_open else None
        key = (shell.pk, hour, shell.resolve_by <= now)
        body = fragments.remembered("question", key, lambda: _question_body(shell.pk, now))
    return render(request, "forecasts/question_detail.html", {"question": shell, "body": body})


def _question_body(pk: int, now) -> SafeString:
    """Everything the question page shows under its title bar (rendered)."""
    question = get_object_or_404(  # gone or drafted since the title was read: 404 too
        Question.objects.published()
        .select_related("condition_question", "condition_option", "scores_digest")
        .prefetch_related("tags"),
        pk=pk,
    )
    if not question.is_binary:  # a binary question has no options: nothing to read
        prefetch_related_objects([question], "options")
    multiple_choice = not question.is_binary and not question.is_quantity
    forecasts_read = (
        question.forecasts.select_related("author", "source")
        .defer("source__full_text", "source__attribution")
        .order_by("stated_at", "pk")
    )
    if multiple_choice:  # only these have option probabilities (the timelines read them)
        forecasts_read = forecasts_read.prefetch_related(
            Prefetch(
                "option_probabilities",
                queryset=ForecastProbability.objects.select_related("option"),
            )
        )
    forecasts = list(forecasts_read)
    # Read apart from the forecasts, not prefetched: a prefetch builds a queryset per
    # forecast, which costs more than the few corrections there are.
    corrections: dict[int, list[ForecastCorrection]] = {}
    for correction in ForecastCorrection.objects.filter(forecast__question=question):
        corrections.setdefault(correction.forecast_id, []).append(correction)
    resolutions = list(question.resolutions.select_related("option", "resolved_by"))
    current = next((r for r in resolutions if r.is_current), None)
    counted = counted_on_question(
        forecasts, closes_at=question.closes_at, outcome_known_at=known_at(current)
    )
    # Before the forecast rows: it reads the quantiles their stated values are printed from.
    quantity = (
        quantities.question_context(question, forecasts, current, now=now)
        if question.is_quantity
        else None
    )
    scores = list(question.scores.select_related("author").order_by("brier", "author__name"))
    context = {
        "question": question,
        "forecasts": forecasts,
        "resolutions": resolutions,
        "current": current,
        "scores": scores,
        "score_rows": forecast_rows.score_rows(scores, min_crowd=scorecards.MIN_CROWD),
        "min_crowd": scorecards.MIN_CROWD,
        "timelines": [
            {
                **t,
                "chart": charts.timeline_chart(t["series"], t["crowd_steps"], title=t["title"]),
                "crowd_rows": forecast_rows.crowd_rows(t["crowd"]),
            }
            for t in timelines.question_series(question, forecasts, now=now, counted=counted.ids)
        ],
        "forecast_rows": forecast_rows.forecast_rows(
            forecasts,
            corrections=corrections,
            options={
                f.pk: [(p.option.label, p.probability) for p in f.option_probabilities.all()]
                for f in (forecasts if multiple_choice else ())
            },
            known_at=known_at(current),
            quantity=bool(quantity),
        ),
        "now": now,
        "quantity": quantity,
    }
    return _rendered("forecasts/_question_body.html", context)


def source_list(request):
    """Every source, newest first, with how many published claims each holds."""
    sources = (
        Source.objects.select_related("author")
        .annotate(n_claims=forecast_count("source", published=True))
        .order_by("is_synthetic", "-published_on", "title", "pk")  # synthetic demo source last
    )
    return render(request, "forecasts/source_list.html", {"sources": sources})


def source_detail(request, slug):
    """The article with each claim marked, and each author's record on its claims.

    A card per author whose final forecast on a scored question cites the
    source (``standings.folded.source_scorecards``), beside their overall record.
    """
    source = get_object_or_404(Source.objects.select_related("author"), slug=slug)
    forecasts = list(
        source.forecasts.filter(PUBLISHED)
        .select_related("author", "question")
        .order_by("stated_at", "pk")
    )
    quantities.with_quantiles(forecasts)
    passages = quotes.locate(
        source.full_text,
        [(f.quote, f.question.get_absolute_url(), f.question.title) for f in forecasts],
    )
    context = {
        "source": source,
        "forecasts": forecasts,
        "paragraphs": quotes.marked_paragraphs(source.full_text, passages),
        "missing": [p for p in passages if not p.found],
        "cards": folded.source_scorecards(source),
        **_dismissed(source),
    }
    return render(request, "forecasts/source_detail.html", context)


def tag_list(request):
    """Topics, with links to their questions and their leaderboard."""
    tags = Tag.objects.annotate(
        n_questions=Count("questions", filter=~Q(questions__state=Question.State.DRAFT))
    )
    return render(request, "forecasts/tag_list.html", {"tags": tags})


def about_scoring(request):
    """Every scoring convention, in plain words."""
    return render(
        request,
        "forecasts/about_scoring.html",
        {
            "min_n": settings.RECKON_LEADERBOARD_MIN_N,
            "words_step": about.words_step(),
            "example": about.worked_example(),
            "good": about.what_good_looks_like(),
            "reference": about.reference_scores(),
        },
    )


def _with_status(questions, status: str):
    """Narrow to one lifecycle status; an unknown status leaves the list whole."""
    if status in {"open", "closed", "due"}:
        return getattr(questions, status)()
    if status in {"resolved", "annulled"}:
        return questions.filter(state=status)
    return questions
