"""bench pages: the load it puts on a server, and what it reports of it."""

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
