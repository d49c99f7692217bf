"""``manage.py bench <name>``: measure, print figures, end with one JSON line."""

import importlib
import json
import platform
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from forecasts.bench import BENCHMARKS


def _module(name: str):
    # "import" is a keyword, so that benchmark lives in bench/import_.py.
    return importlib.import_module(
        f"forecasts.bench.{name}_" if name == "import" else f"forecasts.bench.{name}"
    )


class Command(BaseCommand):
    help = "Run a benchmark and print its figures; the last line is one JSON object."

    def add_arguments(self, parser):
        subparsers = parser.add_subparsers(dest="benchmark", required=True)
        for name in BENCHMARKS:
            try:
                module = _module(name)
            except ModuleNotFoundError:
                continue
            sub = subparsers.add_parser(name, help=(module.__doc__ or "").strip().splitlines()[0])
            sub.add_argument("--scale", type=float, default=1.0, help="Multiply the default sizes.")
            module.add_arguments(sub)

    def handle(self, *args, **options):
        name = options["benchmark"]
        try:
            module = _module(name)
        except ModuleNotFoundError as exc:
            raise CommandError(f"Unknown benchmark {name!r}.") from exc
        started = time.perf_counter()
        figures = module.run(options, self.stdout)
        figures = {
            "benchmark": name,
            "scale": options["scale"],
            **figures,
            "database": connection.vendor,
            "machine": f"{platform.machine()}, {_cpu_count()} cores",
            "python": platform.python_version(),
            "wall_s": round(time.perf_counter() - started, 3),
        }
        self.stdout.write(json.dumps(figures, sort_keys=True))


def _cpu_count() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
