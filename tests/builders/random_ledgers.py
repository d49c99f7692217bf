"""Random ledgers for the scoring tests, and their scores worked out one pair at a time.

``random_ledger(seed)`` writes authors, tags, binary and multiple-choice
questions (resolved, corrected, annulled, pending, draft) and forecasts with
updates, same-day updates, forecasts before the open and forecasts recorded
after the outcome was known (some retrospective, citing a public source with
a URL and a date that proves when they were said, some citing an undated
source, a source without a URL or a source dated before they were said),
and forecasts stated later on the close day than the close (the close moved
earlier once they were stored, as an editor can), straight into the tables (the database guards
still check them). ``expected_rows`` and ``expected_cards`` apply the pure
library, ``forecasts.scoring``, to each (author, question) in plain Python.
"""

from __future__ import annotations

import random
import statistics
from datetime import UTC, datetime, timedelta

from forecasts import ledger, scoring
from forecasts.models import (
    Author,
    Forecast,
    ForecastProbability,
    Option,
    Question,
    Resolution,
    Source,
    Tag,
)
from forecasts.scoring.bounded import score_interval, skill_against_uniform, uniform_brier
from forecasts.scoring.crowd import crowd_median_multi

BASE = datetime(2024, 1, 1, tzinfo=UTC)
EDGES = (0.0, 1.0, 0.3, 0.7, 0.1, 0.5, 0.999, 0.0005)


def random_ledger(seed: int, *, n_authors: int = 6, n_questions: int = 16) -> None:
    rng = random.Random(seed)
    authors = [
        Author.objects.create(name=f"Author {seed}-{i}", slug=f"author-{seed}-{i}")
        for i in range(n_authors)
    ]
    tags = [Tag.objects.create(name=f"Tag {seed}-{i}", slug=f"tag-{seed}-{i}") for i in range(3)]
    fates = ["resolved"] * 9 + ["corrected", "annulled", "pending", "pending", "draft"]
    for j in range(n_questions):
        fate = fates[j % len(fates)] if j < len(fates) else rng.choice(fates)
        _question(rng, seed, j, fate, authors, tags)


def _source(seed: int, n: int, *, url: str, published_on) -> Source:
    return Source.objects.create(
        title=f"Source {seed}-{n}", slug=f"source-{seed}-{n}", url=url, published_on=published_on
    )


def _late_source(rng, stated: datetime) -> Source | None:
    """The source cited by a forecast recorded after the outcome was known."""
    kind = rng.choice(["none", "proves", "proves", "undated", "no_url", "too_early"])
    if kind == "none":
        return None
    seed, n = rng.randint(0, 10**9), Source.objects.count()
    day = stated.astimezone(UTC).date()
    url = "" if kind == "no_url" else f"https://example.org/{seed}-{n}"
    published_on = {
        "proves": day + timedelta(days=rng.choice([0, 0, 1, 30])),
        "undated": None,
        "no_url": day,
        "too_early": day - timedelta(days=1),
    }[kind]
    return _source(seed, n, url=url, published_on=published_on)


def _question(rng, seed, j, fate, authors, tags) -> None:
    multi = rng.random() < 0.35
    opens = BASE + timedelta(days=j * 3, seconds=rng.randint(0, 86_399))
    closes = opens + timedelta(days=rng.randint(2, 40), seconds=rng.randint(0, 86_399))
    known = closes + timedelta(seconds=rng.randint(60, 5 * 86_400))
    question = Question.objects.create(
        title=f"Question {seed}-{j}",
        slug=f"question-{seed}-{j}",
        kind=Question.Kind.MULTIPLE_CHOICE if multi else Question.Kind.BINARY,
        resolution_criteria="Test.",
        opens_at=opens,
        closes_at=closes,
        resolve_by=closes + timedelta(days=10),
        state=Question.State.DRAFT if fate == "draft" else Question.State.LIVE,
    )
    question.tags.set(rng.sample(tags, rng.randint(0, 2)))
    options = [
        Option.objects.create(question=question, label=f"O{k}", position=k)
        for k in range(rng.randint(2, 4) if multi else 0)
    ]
    rng.shuffle(options)  # ids not in position order: the scorer must order by position
    options.sort(key=lambda o: o.position)
    last_word = (
        closes if fate in ("pending", "draft") else min(closes, known - timedelta(seconds=1))
    )
    for author in authors:
        if rng.random() < 0.65:
            _forecasts(rng, question, author, options, opens, last_word, known, fate)
    if fate not in ("pending", "draft"):
        _close_earlier(random.Random(f"{seed}-{j}-close"), question, authors, options, known)
    if fate in ("pending", "draft"):
        return
    _resolve(rng, question, options, known, fate)


def _forecasts(rng, question, author, options, opens, last_word, known, fate) -> None:
    start = opens - timedelta(days=2)
    span = int((last_word - start).total_seconds())
    moments = sorted(
        start + timedelta(seconds=rng.randint(0, span)) for _ in range(rng.randint(1, 4))
    )
    if len(moments) > 1 and rng.random() < 0.4:  # a same-day update
        moments[1] = min(moments[0] + timedelta(minutes=rng.randint(1, 90)), last_word)
        moments = sorted(set(moments))
    for stated in moments:
        late = fate not in ("pending", "draft") and rng.random() < 0.15
        recorded = (
            known + timedelta(days=1) if late else stated + timedelta(minutes=rng.randint(0, 5))
        )
        if not late and fate not in ("pending", "draft"):
            recorded = min(recorded, known)
        source = _late_source(rng, stated) if late else None
        _write_forecast(rng, question, author, options, stated, max(recorded, stated), source)


def _write_forecast(rng, question, author, options, stated, recorded, source) -> None:
    forecast = Forecast.objects.create(
        question=question,
        author=author,
        source=source,
        stated_at=stated,
        recorded_at=recorded,
        probability=None if options else _probability(rng),
    )
    if options:
        weights = [rng.choice([0.0, rng.random(), rng.random(), 1.0]) for _ in options]
        if sum(weights) == 0:
            weights[0] = 1.0
        total = sum(weights)
        ForecastProbability.objects.bulk_create(
            ForecastProbability(forecast=forecast, option=o, probability=w / total)
            for o, w in zip(options, weights, strict=True)
        )


def _close_earlier(rng, question, authors, options, known) -> None:
    """Sometimes: a last-minute forecast, then the close moved earlier on the same UTC day.

    The forecasts stated between the new close and the old one (at least the
    last-minute one) are then "after the close" although stated on the close
    day: the library and the engine must both leave them out.
    """
    if rng.random() >= 0.4:
        return
    closes = question.closes_at
    start_of_day = closes.replace(hour=0, minute=0, second=0, microsecond=0)
    late = closes - timedelta(seconds=rng.randint(0, 60))
    _write_forecast(rng, question, rng.choice(authors), options, late, late, None)
    span = int((late - start_of_day).total_seconds())
    new_close = start_of_day + timedelta(seconds=rng.randint(0, max(span - 1, 0)))
    # Past forecasts stated while it was open: only the audited correction may do that.
    ledger.question_close_correct(question=question, closes_at=new_close, reason="Random ledger.")
    question.closes_at = new_close


def _probability(rng) -> float:
    return rng.choice(EDGES) if rng.random() < 0.3 else round(rng.random(), rng.choice([2, 3, 6]))


def _resolve(rng, question, options, known, fate) -> None:
    def outcome_fields():
        if options:
            return {"outcome": "option", "option": rng.choice(options)}
        return {"outcome": rng.choice(["yes", "no"]), "option": None}

    previous = None
    if fate == "corrected":  # an older resolution, superseded: scores follow the current one
        previous = Resolution.objects.create(
            question=question,
            outcome_known_at=known + timedelta(days=3),
            is_current=False,
            **outcome_fields(),
        )
    fields = {"outcome": "annulled", "option": None} if fate == "annulled" else outcome_fields()
    Resolution.objects.create(
        question=question, outcome_known_at=known, is_current=True, supersedes=previous, **fields
    )
    question.state = Question.State.ANNULLED if fate == "annulled" else Question.State.RESOLVED
    question.resolution_changed_at = known + timedelta(days=5)
    question.save()


# --- the same scores, one pair at a time, with the pure library -------------


def _day(moment: datetime):
    return moment.astimezone(UTC).date()


def _in_force(forecasts, day):
    """The (stated_at, value) in force on ``day``: the latest stated on or before it."""
    before = [f for f in forecasts if _day(f[0]) <= day]
    return before[-1][1] if before else None


def _value(forecast: Forecast, options: list[Option]):
    if not options:
        return forecast.probability
    by_option = {fp.option_id: fp.probability for fp in forecast.option_probabilities.all()}
    return [by_option[o.pk] for o in options]


def expected_rows() -> dict[tuple[int, int], dict]:
    """Every QuestionScore figure, by (author id, question id)."""
    expected = {}
    for question in Question.objects.exclude(state=Question.State.DRAFT).prefetch_related(
        "options", "forecasts__option_probabilities", "forecasts__source", "tags"
    ):
        options = sorted(question.options.all(), key=lambda o: (o.position, o.pk))
        current = question.resolutions.filter(is_current=True).first()
        forecasts = sorted(question.forecasts.all(), key=lambda f: (f.stated_at, f.pk))
        by_author: dict[int, list[Forecast]] = {}
        for forecast in forecasts:
            by_author.setdefault(forecast.author_id, []).append(forecast)
        valid = {
            author: [
                (f.stated_at, _value(f, options))
                for f in own
                if current is not None
                and scoring.stated_in_time(
                    f.stated_at,
                    f.recorded_at,
                    closes_at=question.closes_at,
                    outcome_known_at=current.outcome_known_at,
                    **_source_fields(f),
                )
            ]
            for author, own in by_author.items()
        }
        # What the library is given: everything but hindsight. It leaves out what
        # was stated after the close moment itself (``closes`` is ``closes_at``).
        told = {
            author: [
                (f.stated_at, _value(f, options))
                for f in own
                if current is not None
                and f.stated_at <= current.outcome_known_at
                and not scoring.is_hindsight(
                    f.stated_at,
                    f.recorded_at,
                    outcome_known_at=current.outcome_known_at,
                    **_source_fields(f),
                )
            ]
            for author, own in by_author.items()
        }
        for author, own in by_author.items():
            row = {
                "n_hindsight": 0,
                "n_retrospective": 0,
                "tags": sorted(t.pk for t in question.tags.all()),
            }
            if current is None:
                row["excluded"] = "pending"
            elif current.outcome == "annulled":
                row["excluded"] = "annulled"
            else:
                row["n_hindsight"] = sum(
                    scoring.is_hindsight(
                        f.stated_at,
                        f.recorded_at,
                        outcome_known_at=current.outcome_known_at,
                        **_source_fields(f),
                    )
                    for f in own
                )
                # Scored, though entered after the outcome: proved by a dated source.
                row["n_retrospective"] = sum(
                    f.recorded_at > current.outcome_known_at
                    and scoring.stated_in_time(
                        f.stated_at,
                        f.recorded_at,
                        closes_at=question.closes_at,
                        outcome_known_at=current.outcome_known_at,
                        **_source_fields(f),
                    )
                    for f in own
                )
                scores = _scores(question, options, current, valid, told[author], author)
                if scores["excluded"] == "hindsight" and not row["n_hindsight"]:
                    scores["excluded"] = "no_forecast_in_window"  # only stated after the close
                row.update(scores)
            expected[(author, question.pk)] = row
    return expected


def _source_fields(forecast: Forecast) -> dict:
    source = forecast.source
    if source is None:
        return {}
    return {"source_url": source.url, "source_published_on": source.published_on}


def _scores(question, options, resolution, valid, told, author) -> dict:
    own = valid[author]
    if not own:
        return {"excluded": "hindsight"}
    opens, closes = _day(question.opens_at), _day(question.closes_at)
    closes_at = question.closes_at  # the library applies the close moment itself
    if options:
        outcome = [o.pk for o in options].index(resolution.option_id)
        brier = scoring.time_averaged_brier_multi(told, opens, closes_at, outcome)
        final = scoring.final_forecast(told, closes_at)[1]
        final_brier = scoring.brier_multi(final, outcome)
        log_loss = scoring.log_loss_multi(final, outcome)
        given = final[outcome]
        score_one = lambda v: scoring.brier_multi(v, outcome)  # noqa: E731
        baseline = scoring.time_averaged_baseline_multi(told, opens, closes_at, outcome)
        peers = scoring.time_averaged_peer_multi(list(valid.values()), opens, closes_at, outcome)
    else:
        outcome = resolution.outcome == "yes"
        brier = scoring.time_averaged_brier(told, opens, closes_at, outcome)
        final = scoring.final_forecast(told, closes_at)[1]
        final_brier = scoring.brier(final, outcome)
        log_loss = scoring.log_loss(final, outcome)
        given = final if outcome else 1 - final
        score_one = lambda v: scoring.brier(v, outcome)  # noqa: E731
        baseline = scoring.time_averaged_baseline(told, opens, closes_at, outcome)
        peers = scoring.time_averaged_peer(list(valid.values()), opens, closes_at, outcome)
    author_days, crowd_days, crowd_sizes = [], [], []
    day = max(opens, _day(own[0][0]))
    while day <= closes:
        others = [_in_force(f, day) for a, f in valid.items() if a != author and f]
        others = [v for v in others if v is not None]
        if len(others) >= scoring.MIN_CROWD:  # fewer others are no crowd
            crowd_sizes.append(len(others))
            author_days.append(score_one(_in_force(own, day)))
            crowd_days.append(score_one(_crowd(others, bool(options))))
        day += timedelta(days=1)
    first = max(opens, _day(own[0][0]))
    return {
        "excluded": "",
        "brier": brier,
        "brier_final": final_brier,
        "log_loss": log_loss,
        "final_probability": given,
        "crowd_brier": statistics.fmean(crowd_days) if crowd_days else None,
        "relative_brier": scoring.relative_brier(author_days, crowd_days) if crowd_days else None,
        "crowd_size": statistics.fmean(crowd_sizes) if crowd_sizes else None,
        "n_forecasts": len(own),
        "n_days": (closes - first).days + 1,
        "final_yes": None if options else final,
        "n_options": len(options) or 2,
        "outcome_yes": None if options else outcome,
        "baseline": baseline,
        "peer": peers[list(valid).index(author)],
    }


def _crowd(others: list, multi: bool):
    """The median forecast of the others (per option, rescaled to sum to 1)."""
    return crowd_median_multi(others) if multi else scoring.crowd_median(others)


def expected_cards(rows: dict[tuple[int, int], dict]) -> dict[tuple[int, int | None], dict]:
    """Every Scorecard figure, by (author id, tag id or None), from the expected rows."""
    groups: dict[tuple[int, int | None], list[dict]] = {}
    for (author, _), row in rows.items():
        for tag in (None, *row["tags"]):
            groups.setdefault((author, tag), []).append(row)
    return {key: _card(group) for key, group in groups.items()}


def _card(rows: list[dict]) -> dict:
    counted = [r for r in rows if r["excluded"] == ""]
    settled = [r for r in rows if r["excluded"] not in ("annulled", "pending")]
    card = {
        "n_scored": len(counted),
        "n_resolved": len(settled),
        "n_annulled": sum(r["excluded"] == "annulled" for r in rows),
        "n_pending": sum(r["excluded"] == "pending" for r in rows),
        "n_hindsight": sum(r["n_hindsight"] > 0 for r in settled),
        "n_retrospective": sum(r["n_retrospective"] > 0 for r in counted),
        "n_better_than_coin": sum(r["brier"] < uniform_brier(r["n_options"]) for r in counted),
        "brier": None,
        "brier_low": None,
        "brier_high": None,
        "brier_0_2": None,
        "skill": None,
        "brier_final": None,
        "log_loss": None,
        "relative_brier": None,
        "crowd_size": None,
        "n_crowd_compared": 0,
        **{f"{name}{end}": None for name in ("baseline", "peer") for end in ("", "_low", "_high")},
        "n_baseline": 0,
        "n_peer": 0,
        "calibration": [],
        "murphy": {},
    }
    if counted:
        mean, low, high = score_interval([r["brier"] for r in counted])
        card.update(
            brier=mean,
            brier_low=low,
            brier_high=high,
            brier_0_2=scoring.brier_0_2(mean),
            skill=skill_against_uniform(
                [r["brier"] for r in counted], [r["n_options"] for r in counted]
            ),
            brier_final=statistics.fmean(r["brier_final"] for r in counted),
            log_loss=statistics.fmean(r["log_loss"] for r in counted),
        )
        compared = [r for r in counted if r["relative_brier"] is not None]
        card["relative_brier"] = (
            statistics.fmean(r["relative_brier"] for r in compared) if compared else None
        )
        card["crowd_size"] = (
            statistics.fmean(r["crowd_size"] for r in compared) if compared else None
        )
        card["n_crowd_compared"] = len(compared)
    for name in ("baseline", "peer"):
        values = [r[name] for r in counted if r[name] is not None]
        card[f"n_{name}"] = len(values)
        if values:
            found = scoring.mean_with_t_interval(values)
            card[name], card[f"{name}_low"], card[f"{name}_high"] = found
    binary = [r for r in counted if r["final_yes"] is not None]
    if binary:
        forecasts = [r["final_yes"] for r in binary]
        outcomes = [r["outcome_yes"] for r in binary]
        card["calibration"] = scoring.calibration_table(forecasts, outcomes, n_bins=10)
        card["murphy"] = scoring.murphy_decomposition(forecasts, outcomes, n_bins=10)
    return card
