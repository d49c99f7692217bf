"""The record under every reading of words: its cost against one headline pass.

No database: builds ``--questions`` synthetic yes/no questions (times
``--scale``), each with ``--forecasts`` worded forecasts over a year, and times
``forecasts.scoring.readings`` (the headline under the four shipped scales and
its best and worst) against the reference measured in the same run: one
``time_averaged_brier`` per question, the headline's own cost.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, date, datetime, timedelta

from forecasts import scoring
from forecasts.scoring import PhrasePoint, WordedForecast, WordedQuestion

# "likely" as the four shipped scales read it (the project scale borrows ICD 203's).
LIKELY = {
    "icd203": PhrasePoint("icd203", 0.675),
    "kent1964": PhrasePoint("kent1964", 0.75),
    "ipcc_ar5": PhrasePoint("ipcc_ar5", 0.78),
    "reckon": PhrasePoint("icd203", 0.675),
}
OPENS, CLOSES = date(2024, 1, 1), date(2024, 12, 31)


def add_arguments(parser) -> None:
    parser.add_argument("--questions", type=int, default=2000, help="Worded questions.")
    parser.add_argument("--forecasts", type=int, default=3, help="Forecasts per question.")
    parser.add_argument("--seed", type=int, default=18)


def _questions(n: int, per_question: int, seed: int) -> list[WordedQuestion]:
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    made = []
    for _ in range(n):
        days = sorted(rng.sample(range(360), per_question))
        forecasts = [
            WordedForecast(
                start + timedelta(days=d), 0.675, 0.675, (0.55, 0.8), LIKELY["icd203"], LIKELY
            )
            for d in days
        ]
        made.append(WordedQuestion(forecasts, OPENS, CLOSES, rng.random() < 0.5))
    return made


def run(options, out) -> dict:
    n = max(1, round(options["questions"] * options["scale"]))
    questions = _questions(n, options["forecasts"], options["seed"])
    started = time.perf_counter()
    for q in questions:
        pairs = [(f.stated_at, f.probability) for f in q.forecasts]
        scoring.time_averaged_brier(pairs, q.opens, q.closes, q.outcome)
    reference = time.perf_counter() - started
    out.write(f"headline pass over {n} questions: {reference:.3f} s\n")
    questions = _questions(n, options["forecasts"], options["seed"])  # nothing cached
    started = time.perf_counter()
    for scale in LIKELY:
        scoring.brier_under_scale(questions, scale, headline=0.2, n_scored=n)
    scoring.brier_bounds(questions, headline=0.2, n_scored=n)
    readings = time.perf_counter() - started
    out.write(
        f"four scales and the bounds: {readings:.3f} s, "
        f"{readings / reference:.2f}x the headline pass\n"
    )
    return {
        "questions": n,
        "forecasts_per_question": options["forecasts"],
        "headline_pass_s": round(reference, 4),
        "readings_s": round(readings, 4),
        "readings_vs_headline": round(readings / reference, 2),
    }
