from forecasts.models.drafts import DiscardedClaim
from forecasts.models.forecast import (
    ClaimDirection,
    Forecast,
    ForecastCorrection,
    ForecastProbability,
    ForecastQuantile,
    forecast_count,
    stated_years,
)
from forecasts.models.ledger import Author, Option, Question, Source, Tag
from forecasts.models.prompts import DueQuestion, ResolutionPrompt
from forecasts.models.quantity_scores import QuantityRecord, QuantityScore, StatedForm
from forecasts.models.rescore_runs import RescoreChunk, RescoreRun
from forecasts.models.resolution import QuestionCorrection, Resolution
from forecasts.models.scores import QuestionScore, Scorecard, ScoresDigest

__all__ = [
    "Author",
    "ClaimDirection",
    "DiscardedClaim",
    "DueQuestion",
    "Forecast",
    "ForecastCorrection",
    "ForecastProbability",
    "ForecastQuantile",
    "Option",
    "QuantityRecord",
    "QuantityScore",
    "Question",
    "QuestionCorrection",
    "QuestionScore",
    "RescoreChunk",
    "RescoreRun",
    "Resolution",
    "ResolutionPrompt",
    "Scorecard",
    "ScoresDigest",
    "Source",
    "StatedForm",
    "Tag",
    "forecast_count",
    "stated_years",
]
