from forecasts.models.drafts import DiscardedClaim
from forecasts.models.forecast import Forecast, ForecastCorrection, ForecastProbability
from forecasts.models.ledger import Author, Option, Question, Source, Tag
from forecasts.models.resolution import Resolution
from forecasts.models.scores import QuestionScore, Scorecard

__all__ = [
    "Author",
    "DiscardedClaim",
    "Forecast",
    "ForecastCorrection",
    "ForecastProbability",
    "Option",
    "Question",
    "QuestionScore",
    "Resolution",
    "Scorecard",
    "Source",
    "Tag",
]
