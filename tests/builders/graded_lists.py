"""Graded yearly lists from the real records, as scored questions: for the folded tables' tests.

The rows are slices of ``/work/shared/data/public-records/predictions.json``
(id, probability as stated, outcome), copied here so the tests do not depend
on the file or on the importer. ``graded_list`` writes one resolved binary
question per row with one forecast as stated, citing the given source,
stated and recorded when the list was published (never hindsight).
"""

from datetime import UTC, datetime

from tests.builders.ledger import raw_forecast, resolved_question

OPENS = datetime(2021, 1, 1, tzinfo=UTC)
CLOSES = datetime(2021, 12, 31, 23, 59, tzinfo=UTC)
KNOWN = datetime(2022, 1, 15, tzinfo=UTC)

# Vox Future Perfect's 2021 list, the 11 resolved rows of
# /work/shared/data/public-records/predictions.json (id, probability as stated, outcome).
VOX_2021 = [
    ("vfp-2021-01", 0.7, True),
    ("vfp-2021-02", 0.7, True),
    ("vfp-2021-03", 0.4, True),
    ("vfp-2021-04", 0.65, True),
    ("vfp-2021-05", 0.7, True),
    ("vfp-2021-06", 0.7, False),
    ("vfp-2021-07", 0.8, False),
    ("vfp-2021-08", 0.7, False),
    ("vfp-2021-09", 0.7, True),
    ("vfp-2021-11", 0.55, False),
    ("vfp-2021-12", 0.8, True),
]
# Alex Sloat's 2017 list (12 resolved rows), which has a 50% forecast that did not happen.
SLOAT_2017 = [
    ("as-2017-01", 0.5, False),
    ("as-2017-02", 0.8, True),
    ("as-2017-03", 0.6, False),
    ("as-2017-04", 0.9, True),
    ("as-2017-05", 0.7, False),
    ("as-2017-06", 0.9, True),
    ("as-2017-07", 0.8, False),
    ("as-2017-08", 0.7, False),
    ("as-2017-09", 0.7, False),
    ("as-2017-10", 0.8, True),
    ("as-2017-11", 0.95, True),
    ("as-2017-12", 0.99, True),
]


def graded_list(author, source, rows, *, opens=OPENS, closes=CLOSES, known=KNOWN, tags=()):
    """One resolved binary question per row, forecast once (as stated) citing ``source``."""
    for slug, p, happened in rows:
        question = resolved_question(
            slug,
            "yes" if happened else "no",
            known_at=known,
            opens_at=opens,
            closes_at=closes,
            resolve_by=known,
            tags=tags,
        )
        raw_forecast(
            question, author, probability=p, source=source, stated_at=opens, recorded_at=opens
        )
