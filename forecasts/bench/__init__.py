"""Benchmarks behind ``manage.py bench <name>``.

Each module here is one subcommand. It defines ``add_arguments(parser)`` and
``run(options, out) -> dict``: it prints what it measures as it goes, and
returns the figures, which the command prints last as one JSON object.
Benchmarks measure; they never assert a speed.
"""

BENCHMARKS = (
    "scoring",
    "pipeline",
    "api",
    "import",
    "drafting",
    "readings",
    "search",
    "pages",
    "lists",
)
