"""The synthetic demo world: labelled, rule-abiding, and its styles score as designed."""

from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Avg, Count, F, Max, Min, Q, Sum

from forecasts.demo.simulation import STYLES, WorldSpec, build_world
from forecasts.models import (
    Author,
    Forecast,
    ForecastProbability,
    QuantityRecord,
    QuantityScore,
    Question,
    QuestionScore,
    Resolution,
    Scorecard,
    Source,
    Tag,
)
from tests import builders

NOW_US = 1_790_000_000 * 1_000_000  # 2026-09-21


def make(**options) -> str:
    out = StringIO()
    call_command("demo_world", stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_it_creates_clearly_labelled_synthetic_data():
    output = make(authors=10, questions=40, seed=3)
    assert "Made 10 synthetic authors and 40 questions" in output
    assert "Scored" in output
    assert Author.objects.count() == Author.objects.filter(is_synthetic=True).count() == 10
    assert all(a.name.startswith("Synthetic: ") for a in Author.objects.all())
    assert {a.name.split(":")[1].split("#")[0].strip() for a in Author.objects.all()} == set(STYLES)
    assert Question.objects.filter(is_synthetic=True).count() == 40
    assert not Question.objects.exclude(title__startswith="Synthetic: ").exists()
    assert Source.objects.get().title == "Synthetic demo world"
    assert Tag.objects.exists() and not Tag.objects.exclude(name__startswith="Synthetic: ").exists()
    assert (
        Forecast.objects.filter(source__slug="synthetic-demo-world").count()
        == Forecast.objects.count()
    )
    assert QuestionScore.objects.exists() and Scorecard.objects.exists()


@pytest.mark.django_db
def test_it_keeps_the_ledger_rules():
    make(authors=12, questions=80, seed=5, multiple_choice_fraction=0.3, updates=0.5, no_score=True)
    forecasts = Forecast.objects.all()
    assert not forecasts.filter(stated_at__gt=F("question__closes_at")).exists()
    assert not forecasts.filter(stated_at__lt=F("question__opens_at")).exists()
    assert not forecasts.filter(recorded_at__lt=F("stated_at")).exists()
    settled = forecasts.filter(question__resolutions__is_current=True)
    assert settled.exists()
    assert not settled.filter(stated_at__gte=F("question__resolutions__outcome_known_at")).exists()
    assert (
        not forecasts.filter(question__state="annulled")
        .exclude(question__resolutions__outcome="annulled")
        .exists()
    )
    sums = ForecastProbability.objects.values("forecast").annotate(total=Sum("probability"))
    assert sums and all(abs(row["total"] - 1) < 1e-9 for row in sums)
    assert not forecasts.filter(
        question__kind="multiple_choice", probability__isnull=False
    ).exists()
    assert not forecasts.filter(question__kind="binary", probability__isnull=True).exists()
    resolved = Question.objects.exclude(state="live")
    assert resolved.filter(resolution_changed_at__isnull=False).count() == resolved.count()
    assert Resolution.objects.filter(is_current=True).count() == resolved.count()
    updates = forecasts.values("question", "author").annotate(n=Count("id")).filter(n__gt=1)
    assert updates.exists()
    assert Question.objects.filter(state="live").exists()
    assert Question.objects.filter(state="annulled").exists()


@pytest.mark.django_db
def test_it_refuses_a_second_world_without_reset():
    make(authors=3, questions=5, no_score=True)
    with pytest.raises(CommandError, match="--reset"):
        make(authors=3, questions=5, no_score=True)


@pytest.mark.django_db
def test_it_resets_only_the_synthetic_data(author, question, source):
    builders.raw_forecast(
        question, author, source=source, stated_at=question.opens_at, probability=0.4
    )
    make(authors=5, questions=20, seed=1)
    output = make(authors=4, questions=10, seed=2, reset=True)
    assert "Deleted the previous synthetic world" in output
    assert Author.objects.filter(is_synthetic=True).count() == 4
    assert Question.objects.filter(is_synthetic=True).count() == 10
    assert (
        Author.objects.filter(pk=author.pk).exists()
        and Question.objects.filter(pk=question.pk).exists()
    )
    assert Forecast.objects.filter(author=author).count() == 1
    assert Source.objects.filter(pk=source.pk).exists()


def test_it_draws_the_same_world_from_the_same_seed():
    spec = WorldSpec(authors=7, questions=30, seed=11, crowd_question_authors=5)
    first, second = build_world(spec, NOW_US), build_world(spec, NOW_US)
    for name in (
        "f_question",
        "f_author",
        "f_stated",
        "f_recorded",
        "f_values",
        "outcome",
        "opens",
    ):
        assert np.array_equal(getattr(first, name), getattr(second, name)), name
    other = build_world(WorldSpec(authors=7, questions=30, seed=12), NOW_US)
    assert not np.array_equal(
        first.f_values[: other.n_forecasts], other.f_values[: first.n_forecasts]
    )


def test_it_aims_at_the_requested_number_of_forecasts():
    world = build_world(WorldSpec(authors=50, questions=500, forecasts=6000, seed=4), NOW_US)
    assert 5400 <= world.n_forecasts <= 6600


def test_it_gives_the_crowd_question_that_many_forecasters():
    world = build_world(WorldSpec(authors=60, questions=20, crowd_question_authors=50), NOW_US)
    on_crowd = world.f_question == world.crowd_question
    assert np.unique(world.f_author[on_crowd]).size == 50


def test_it_rejects_impossible_fractions():
    with pytest.raises(ValueError, match="updates"):
        build_world(WorldSpec(updates=1.5), NOW_US)


@pytest.mark.django_db
def test_it_ranks_the_styles_as_designed():
    make(authors=40, questions=400, forecasts=16000, seed=2024)
    by_style = {
        style: Scorecard.objects.filter(
            tag=None, author__name__startswith=f"Synthetic: {style} "
        ).aggregate(brier=Avg("brier"), low=Min("n_scored"), high=Max("n_scored"))
        for style in STYLES
    }
    assert all(row["low"] >= 20 for row in by_style.values()), by_style
    brier = {style: row["brier"] for style, row in by_style.items()}
    assert (
        brier["calibrated"] < brier["overconfident"] < brier["coin-flipper"] < brier["contrarian"]
    )
    assert brier["calibrated"] < brier["hedger"] < brier["coin-flipper"]
    # 0.25 on binary questions; a third or more on multiple choice, where 1/K each is no skill.
    assert 0.25 <= brier["coin-flipper"] <= 0.28
    counted = QuestionScore.objects.counted()
    assert counted.filter(Q(relative_brier__isnull=False)).count() > counted.count() * 0.9


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_never_draws_two_forecasts_by_an_author_on_a_question_at_one_moment(seed):
    # A dense world with many updates: the loader's COPY would hit the unique constraint.
    spec = WorldSpec(
        authors=8, questions=6, forecasts=400, updates=0.9, seed=seed, crowd_question_authors=8
    )
    world = build_world(spec, NOW_US)

    keys = np.stack([world.f_question, world.f_author, world.f_stated])
    assert np.unique(keys, axis=1).shape[1] == world.n_forecasts


@pytest.mark.django_db
def test_it_makes_numeric_and_date_questions_scored_apart_and_by_style():
    output = make(authors=20, questions=300, forecasts=6000, seed=8, quantity_fraction=0.3)
    quantity = Question.objects.filter(kind__in=["numeric", "date"])
    n_numeric, n_date = (quantity.filter(kind=k).count() for k in ("numeric", "date"))
    assert f"{n_numeric} numeric, {n_date} date" in output
    assert 60 <= n_numeric + n_date <= 120 and n_numeric > n_date > 0
    assert not quantity.filter(kind="date", range_low__isnull=True).exists()
    forecasts = Forecast.objects.filter(question__in=quantity)
    assert not forecasts.filter(probability__isnull=False).exists()
    intervals = forecasts.filter(value_low__isnull=False)
    assert intervals.exists() and not intervals.exclude(coverage=0.8).exists()
    assert not intervals.filter(Q(value__lt=F("value_low")) | Q(value__gt=F("value_high"))).exists()
    with_quantiles = forecasts.annotate(n=Count("quantiles")).filter(n__gt=0)
    assert with_quantiles.exists() and not with_quantiles.exclude(n=5).exists()
    assert forecasts.filter(value__isnull=False, value_low__isnull=True, quantiles=None).exists()
    values = Resolution.objects.filter(question__in=quantity, outcome="value")
    assert values.exists() and not values.filter(value__isnull=True).exists()
    assert all(
        v == round(v) for v in values.filter(question__kind="date").values_list("value", flat=True)
    )
    assert not QuestionScore.objects.filter(question__in=quantity).exists()
    counted = QuantityScore.objects.counted()
    assert counted.count() > 200 and QuantityRecord.objects.filter(tag=None).count() == 20
    mean = {
        style: QuantityRecord.objects.filter(
            tag=None, author__name__startswith=f"Synthetic: {style} "
        ).aggregate(mean=Avg("mean"))["mean"]
        for style in STYLES
    }
    assert all(mean["calibrated"] < mean[style] for style in STYLES if style != "calibrated")
    assert mean["overconfident"] < mean["coin-flipper"]


def test_its_numeric_questions_leave_the_yes_no_world_of_a_seed_alone():
    spec = WorldSpec(authors=9, questions=60, seed=6)
    with_quantities, without = (
        build_world(spec, NOW_US),
        build_world(WorldSpec(authors=9, questions=60, seed=6, quantity_fraction=0.0), NOW_US),
    )
    assert (with_quantities.quantities.kind > 0).any()
    assert not (without.quantities.kind > 0).any()
    for name in ("f_question", "f_stated", "f_recorded", "f_values", "outcome"):
        assert np.array_equal(getattr(with_quantities, name), getattr(without, name)), name
