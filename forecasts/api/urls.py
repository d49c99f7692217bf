"""Routes under /api/: the ledger, scores, import/export, auth, schema and docs."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from forecasts.api import quantity_scores, scores, search, transfer, views
from forecasts.api import schema as _schema  # noqa: F401  (registers the OpenAPI extensions)
from forecasts.api.auth import ObtainToken
from forecasts.api.docs import RedocDocs, SwaggerDocs

router = DefaultRouter()
router.include_format_suffixes = False
router.register("authors", views.AuthorViewSet, basename="api-author")
router.register("sources", views.SourceViewSet, basename="api-source")
router.register("tags", views.TagViewSet, basename="api-tag")
router.register("questions", views.QuestionViewSet, basename="api-question")
router.register("due", views.DueQuestionViewSet, basename="api-due")
router.register("forecasts", views.ForecastViewSet, basename="api-forecast")
router.register("resolutions", views.ResolutionViewSet, basename="api-resolution")
router.register("scores", scores.QuestionScoreViewSet, basename="api-score")
router.register("scorecards", scores.ScorecardViewSet, basename="api-scorecard")
router.register(
    "quantity-scores", quantity_scores.QuantityScoreViewSet, basename="api-quantity-score"
)

urlpatterns = [
    path("health/", views.health, name="api-health"),
    path("auth/token/", ObtainToken.as_view(), name="api-token"),
    path("leaderboard/", scores.LeaderboardView.as_view(), name="api-leaderboard"),
    path("search/", search.SearchView.as_view(), name="api-search"),
    re_path(
        r"^forecasts/export\.(?P<file_format>csv|json)$",
        transfer.ForecastExportFile.as_view(),
        name="api-forecast-export-file",
    ),
    path("forecasts/export/", transfer.ForecastExport.as_view(), name="api-forecast-export"),
    path("forecasts/import/", transfer.ForecastImport.as_view(), name="api-forecast-import"),
    re_path(
        r"^scorecards/export\.(?P<file_format>csv|json)$",
        transfer.ScorecardExportFile.as_view(),
        name="api-scorecard-export-file",
    ),
    path("scorecards/export/", transfer.ScorecardExport.as_view(), name="api-scorecard-export"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SwaggerDocs.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", RedocDocs.as_view(url_name="api-schema"), name="api-redoc"),
    *router.urls,
]
