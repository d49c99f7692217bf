"""bench api: the CPU a request costs, in this process and in the database's."""

import io

import pytest
from django.core.management.base import OutputWrapper

from forecasts.bench import api
from tests import builders

pytestmark = pytest.mark.django_db


def test_each_endpoint_reports_its_python_and_the_database_servers_cpu():
    author = builders.author("Ada Pundit")
    builders.raw_forecast(builders.question("will-it-happen"), author)
    lines = io.StringIO()
    found = api._cpu_per_request(OutputWrapper(lines), [author.slug], 5)
    for name in ("trivial", "scorecard", "questions", "forecasts"):
        assert found[f"cpu_ms_{name}"] > 0
    text = lines.getvalue()
    assert text.count("ms of Python a request") == 4
    assert f"/api/authors/{author.slug}/scorecard/" in text


@pytest.mark.postgres
def test_the_database_servers_share_is_read_off_its_process_on_this_machine():
    author = builders.author("Ada Pundit")
    found = api._cpu_per_request(OutputWrapper(io.StringIO()), [author.slug], 5)
    assert found["db_cpu_ms_questions"] >= 0
    assert api._backend_cpu() > 0  # this connection's server process, read from /proc


def test_an_endpoint_is_set_against_the_reference_runs_either_side_of_it():
    assert api.either_side([1000.0, 1400.0]) == 1200.0
    assert api.either_side([900.0, 1000.0, 1400.0]) == 1200.0  # only the last two
    with pytest.raises(ValueError):
        api.either_side([1000.0])  # no run after it yet
