"""`make bench-figures` runs every benchmark that `manage.py bench` knows."""

import re
from pathlib import Path

from forecasts.bench import BENCHMARKS

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"


def test_the_figures_target_runs_every_benchmark():
    text = MAKEFILE.read_text("utf-8")
    found = re.search(r"^BENCH_RUNS \?= (.*?)\n(?=\S)", text, re.M | re.S)
    assert found, "BENCH_RUNS is not in the Makefile"
    runs = [run.strip() for run in found.group(1).replace("\\\n", " ").split(";")]
    benchmarks = [run.split(":", 3)[3].split()[0] for run in runs]
    assert set(benchmarks) == set(BENCHMARKS)
