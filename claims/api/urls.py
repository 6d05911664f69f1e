"""Routes of /api/v1/ (namespace ``api-v1``), the schema and the browsable docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from claims.api.articles import ArticleViewSet
from claims.api.editorial import ClaimantViewSet, ClaimViewSet, EvidenceViewSet, RatingViewSet
from claims.api.verdicts import VerdictCsvExportView, VerdictJsonlExportView, VerdictViewSet

app_name = "api-v1"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("verdicts", VerdictViewSet, basename="verdict")
router.register("articles", ArticleViewSet, basename="article")
router.register("claims", ClaimViewSet, basename="claim")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("claimants", ClaimantViewSet, basename="claimant")
router.register("ratings", RatingViewSet, basename="rating")

urlpatterns = [
    path("verdicts/export.csv", VerdictCsvExportView.as_view(), name="verdict-export-csv"),
    path("verdicts/export.jsonl", VerdictJsonlExportView.as_view(), name="verdict-export-jsonl"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: the Content-Security-Policy forbids inline scripts.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-v1:schema"), name="docs"),
    path("", include(router.urls)),
]
