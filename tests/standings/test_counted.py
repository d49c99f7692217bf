"""The forecast that counted: the pure rule, its SQL twin and the engine agree."""

import pytest

from forecasts.engine import rescoring
from forecasts.models import Forecast, QuestionScore
from forecasts.standings.counted import counted_in_pairs
from forecasts.standings.folded import final_forecast
from tests.builders.random_ledgers import random_ledger

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_final_forecast_is_the_same_in_python_in_sql_and_in_the_stored_score(seed):
    random_ledger(seed)  # hindsight, retrospective claims, forecasts after a moved close
    rescoring.rescore_all()
    rows = list(
        QuestionScore.objects.counted()
        .annotate(final_id=final_forecast())
        .select_related("resolution")
    )
    assert len(rows) > 30
    python = counted_in_pairs([(r.author_id, r.question_id) for r in rows])
    retrospective = 0
    for row in rows:
        final_id = python.final[(row.author_id, row.question_id)]
        assert row.final_id == final_id, (row.author_id, row.question_id)
        final = Forecast.objects.select_related("question").get(pk=final_id)
        if final.question.kind == "binary":
            # the stored final-forecast score used this very forecast
            given = final.probability if row.resolved_yes else 1 - final.probability
            assert row.final_probability == pytest.approx(given, abs=1e-12)
        known = row.resolution.outcome_known_at
        retrospective += final.recorded_at > known
    assert retrospective > 0 or seed != 1  # the rule's retrospective branch is exercised
