"""bench pages: the load it puts on a server, and what it reports of it."""

import time

import pytest

from forecasts.bench import pages
from forecasts.bench.serving import Load, load
from tests.builders import web


def test_the_load_counts_every_answer_and_its_latency():
    routes = {"/a": web.html("<p>a</p>"), "/b": web.html("<p>b</p>")}
    with web.serve(routes) as base:
        port = int(base.rsplit(":", 1)[1])
        run = load(port, ["/a", "/b"], seconds=0.3, threads=3)
    assert len(run.latencies) >= 3  # each client sent at least one
    assert all(t > 0 for t in run.latencies)
    assert run.rate == pytest.approx(len(run.latencies) / run.seconds)


def test_an_answer_other_than_200_stops_the_run():
    with web.serve({"/ok": web.html("ok")}) as base:
        port = int(base.rsplit(":", 1)[1])
        with pytest.raises(RuntimeError, match="/missing answered 404"):
            load(port, ["/missing"], seconds=0.3, threads=2)


def test_each_page_is_reported_beside_the_trivial_endpoint_and_judged_by_the_goal():
    trivial = Load(seconds=1.0, latencies=[0.010] * 95 + [0.020] * 5)
    fast = Load(seconds=1.0, latencies=[0.040] * 20)
    slow = Load(seconds=1.0, latencies=[0.040] * 18 + [0.300] * 2)

    class Out:
        def __init__(self):
            self.lines = []

        def write(self, line):
            self.lines.append(line)

    out = Out()
    met = pages._report(out, "author", fast, trivial, "redis up")
    assert met["vs_trivial"] == 0.2 and met["p95_ms"] == pytest.approx(40.0)
    assert met["goal_met"] is True
    missed = pages._report(out, "author", slow, trivial, "redis up")
    assert missed["p95_ms"] > 100 and missed["goal_met"] is False
    assert "0.200× trivial" in out.lines[0]


@pytest.mark.django_db(transaction=True)  # the writer commits from its own thread
def test_the_writer_edits_at_its_rate_moves_the_stamp_and_puts_the_text_back():
    from forecasts.models import Question
    from forecasts.models.changes import change_stamp
    from tests.builders import ledger

    ledger.question("left-alone")
    edited = ledger.question("edited", is_synthetic=True, background="As drafted.")
    writer = pages.Writer(rate=40.0)
    assert writer.question == edited.pk  # the synthetic one, never a real record
    before = change_stamp()
    seen = []
    with writer.writing():
        deadline = time.perf_counter() + 5
        while writer.writes < 3 and time.perf_counter() < deadline:
            time.sleep(0.01)
        seen.append(Question.objects.get(pk=edited.pk).background)
    assert writer.writes >= 3
    assert change_stamp() != before
    assert seen[0].startswith("As drafted.\n(edit ")
    assert Question.objects.get(pk=edited.pk).background == "As drafted."
    assert Question.objects.get(slug="left-alone").background == ""
