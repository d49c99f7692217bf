"""Reckon's scoring rules, in plain Python and numpy (no Django).

Analysts can score forecasts with this package alone (``from forecasts import
scoring``), and every number on a scorecard can be reproduced by hand from the
formulas in the docstrings of its modules:

* ``brier``: one forecast on one question (Brier on both scales, skill, log loss);
* ``daily``: which forecast counts on which day (time-averaged and final-forecast
  Brier) and the crowd;
* ``calibration``: calibration tables (10 bins, or folded at the stated levels,
  as authors grade their own lists) and the Murphy decomposition;
* ``uncertainty``: Wilson intervals, Student's t quantiles, a mean with its t interval;
* ``bounded``: the interval scorecards show (honest with few questions, inside
  [0, 1]) and skill against each question's uniform forecast;
* ``crowd``: the multiple-choice crowd (per-option median, rescaled);
* ``t_quantiles``: the t quantiles for many sample sizes at once, for the engine;
* ``log_scores``: Metaculus's Baseline and Peer scores (log scores ×100, higher is
  better), at one instant or averaged over a question's days;
* ``timing``: which claims count at all (stated in time; retrospective claims
  proved by a dated public source);
* ``inputs``: how arguments are checked, and the constants of the conventions;
* ``readings``: the headline Brier with worded forecasts read under another
  scale, and its best and worst within the phrases' intervals;
* ``quantiles``: numeric and date forecasts (pinball loss, interval score, WIS,
  point errors, the range-normalised score and its time average);
* ``ranks``: competition ranks and how they move when the scores change.

It may import only the standard library and NumPy: never Django, never another
part of Reckon, so it runs anywhere.
``docs/scoring.md`` explains the same conventions to readers.

Conventions used throughout:

* A probability is a finite real number in [0, 1]. NaN, infinities and values
  outside [0, 1] raise ``ValueError`` naming the offending value; a
  multiple-choice forecast must also sum to 1 (within ``SUM_TOLERANCE``).
* Outcomes are ``True``/``False`` (``1``/``0`` are accepted too).
* Lower is better for the Brier score and the log loss; higher is better for the
  Baseline and Peer scores.
* Empty inputs raise ``ValueError``, except where "nothing" is a normal
  answer: the time-averaged scores (no day scored), ``final_forecast`` (no
  forecast by the close) and the crowd helpers (nobody else) return ``None``.
* Datetimes must be timezone-aware; days are UTC calendar days.
* The close is a moment: the day functions take ``closes`` as the question's
  ``closes_at`` (a forecast stated after it never counts, even on the close
  day) or as a date, read as the end of that UTC day.
"""

from forecasts.scoring.bounded import (
    bounded_interval,
    score_interval,
    skill_against_uniform,
    uniform_brier,
)
from forecasts.scoring.brier import (
    brier,
    brier_0_2,
    brier_multi,
    brier_skill_score,
    log_loss,
    log_loss_multi,
)
from forecasts.scoring.calibration import (
    CalibrationBin,
    FoldedLevel,
    RightSide,
    calibration_bin_index,
    calibration_table,
    folded_calibration,
    murphy_decomposition,
    right_side_share,
)
from forecasts.scoring.crowd import crowd_median_multi, rescale_medians
from forecasts.scoring.daily import (
    crowd_daily,
    crowd_median,
    final_forecast,
    relative_brier,
    relative_time_averaged_brier,
    time_averaged_brier,
    time_averaged_brier_multi,
)
from forecasts.scoring.inputs import (
    COIN_FLIP_BRIER,
    LOG_LOSS_EPS,
    MIN_CROWD,
    SUM_TOLERANCE,
    WILSON_Z_95,
)
from forecasts.scoring.log_scores import (
    baseline_score,
    baseline_score_multi,
    mean_with_t_interval,
    peer_scores,
    peer_scores_multi,
    time_averaged_baseline,
    time_averaged_baseline_multi,
    time_averaged_peer,
    time_averaged_peer_multi,
)
from forecasts.scoring.quantiles import (
    StatedValues,
    interval_score,
    normalised,
    pinball_loss,
    point_errors,
    stated_score,
    time_averaged_stated_score,
    unit_scale,
    weighted_interval_score,
)
from forecasts.scoring.ranks import competition_ranks, rank_moves
from forecasts.scoring.readings import (
    BrierBounds,
    PhrasePoint,
    ScaleBrier,
    WordedForecast,
    WordedQuestion,
    brier_bounds,
    brier_under_scale,
    read_under,
)
from forecasts.scoring.timing import (
    ClaimTimes,
    counts,
    final_counted,
    is_hindsight,
    proved_by_source,
    stated_in_time,
)
from forecasts.scoring.uncertainty import mean_with_interval, t_quantile, wilson_interval

__all__ = [
    "StatedValues",
    "interval_score",
    "normalised",
    "pinball_loss",
    "point_errors",
    "stated_score",
    "time_averaged_stated_score",
    "unit_scale",
    "weighted_interval_score",
    "baseline_score",
    "baseline_score_multi",
    "mean_with_t_interval",
    "peer_scores",
    "peer_scores_multi",
    "time_averaged_baseline",
    "time_averaged_baseline_multi",
    "time_averaged_peer",
    "time_averaged_peer_multi",
    "BrierBounds",
    "PhrasePoint",
    "ScaleBrier",
    "WordedForecast",
    "WordedQuestion",
    "brier_bounds",
    "brier_under_scale",
    "competition_ranks",
    "rank_moves",
    "read_under",
    "ClaimTimes",
    "counts",
    "final_counted",
    "is_hindsight",
    "proved_by_source",
    "stated_in_time",
    "COIN_FLIP_BRIER",
    "LOG_LOSS_EPS",
    "MIN_CROWD",
    "SUM_TOLERANCE",
    "WILSON_Z_95",
    "CalibrationBin",
    "FoldedLevel",
    "RightSide",
    "bounded_interval",
    "brier",
    "brier_0_2",
    "brier_multi",
    "brier_skill_score",
    "calibration_bin_index",
    "calibration_table",
    "crowd_daily",
    "crowd_median",
    "crowd_median_multi",
    "final_forecast",
    "folded_calibration",
    "log_loss",
    "log_loss_multi",
    "mean_with_interval",
    "murphy_decomposition",
    "relative_brier",
    "relative_time_averaged_brier",
    "rescale_medians",
    "right_side_share",
    "score_interval",
    "skill_against_uniform",
    "t_quantile",
    "time_averaged_brier",
    "time_averaged_brier_multi",
    "uniform_brier",
    "wilson_interval",
]
