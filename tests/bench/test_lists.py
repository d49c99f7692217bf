"""manage.py bench lists: every list path timed beside the trivial endpoint, nothing left."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from forecasts.bench import lists as bench
from forecasts.engine import rescoring
from tests import builders

pytestmark = pytest.mark.django_db


def test_it_times_every_list_against_the_trivial_endpoint_and_leaves_no_user():
    author = builders.author("Ada Pundit", slug="ada")
    question = builders.resolved_question("settled", known_at=builders.RESOLVE_BY)
    builders.raw_forecast(question, author, probability=0.7)
    rescoring.rescore_all()
    users = get_user_model().objects.count()
    out = StringIO()
    call_command("bench", "lists", "--repeat", "1", stdout=out)
    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    paths = figures["paths"]
    assert set(paths) == {bench.TRIVIAL, *bench.API, *bench.PAGES, *bench.ADMIN}
    reference = paths[bench.TRIVIAL]["median_ms"]
    for path, measured in paths.items():
        assert measured["statements"] >= (0 if path == bench.TRIVIAL else 1), path
        assert measured["vs_trivial"] == round(measured["median_ms"] / reference, 1)
    assert figures["forecasts"] == 1
    assert get_user_model().objects.count() == users  # the staff user is gone
    assert "/admin/forecasts/question/" in out.getvalue()
