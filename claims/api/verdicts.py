"""Public, read-only verdict endpoints: list, detail, ClaimReview, CSV and JSON Lines exports."""

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from claims.api.conditional import ConditionalGetMixin
from claims.api.export import stream_csv, stream_jsonl
from claims.api.filters import VerdictFilter
from claims.api.links import PublicLinks
from claims.api.pagination import VerdictCursorPagination
from claims.api.public_serializers import PublicVerdictSerializer, last_modified, lazy_bounds
from claims.api.selectors import attach_related, public_verdict_models, public_verdict_rows
from claims.api.throttling import ExportThrottle
from claims.claimreview import claimreview_for

_NOT_MODIFIED = OpenApiResponse(description="Not modified: the If-None-Match / If-Modified-Since matched.")
_ETAG = OpenApiParameter(
    "If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, description="An ETag from an earlier answer."
)
_X_CACHE = OpenApiParameter(
    "X-Cache",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    enum=["HIT", "MISS"],
    response=[200, 304, 404],
    description="Anonymous requests: HIT when answered from the shared response cache, MISS when built "
    "(docs/api.md). Absent for authenticated requests and when the cache is off.",
)


@extend_schema_view(
    list=extend_schema(
        summary="Published verdicts, newest first",
        parameters=[_ETAG, _X_CACHE],
        responses={200: PublicVerdictSerializer(many=True), 304: _NOT_MODIFIED},
    ),
    retrieve=extend_schema(
        summary="One public verdict (published, or corrected with a link to the current one)",
        parameters=[_ETAG, _X_CACHE],
        responses={200: PublicVerdictSerializer, 304: _NOT_MODIFIED},
    ),
)
class VerdictViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """Published and corrected verdicts; drafts, proposed and withdrawn ones do not exist here (404)."""

    permission_classes = [AllowAny]
    serializer_class = PublicVerdictSerializer
    pagination_class = VerdictCursorPagination
    filterset_class = VerdictFilter
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return public_verdict_rows(with_changes=self.action == "retrieve")

    def filter_queryset(self, queryset):
        # Building the filter form costs about as much as a query; most requests filter nothing.
        if self.action == "list" and not set(self.request.query_params) & set(VerdictFilter.base_filters):
            return queryset
        return super().filter_queryset(queryset)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else attach_related(page)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["links"] = PublicLinks(self.request)
        context["bounds"] = lazy_bounds()
        return context

    def retrieve(self, request, *args, **kwargs):
        (row,) = attach_related([self.get_object()], with_changes=True)
        self.last_modified = last_modified(row)
        return Response(self.get_serializer(row).data)

    @extend_schema(
        summary="schema.org ClaimReview (JSON-LD) of a public verdict",
        filters=False,
        parameters=[_ETAG, _X_CACHE],
        responses={(200, "application/ld+json"): OpenApiTypes.OBJECT, 304: _NOT_MODIFIED},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def claimreview(self, request, pk=None):
        verdicts = public_verdict_models().select_related(
            "rating", "claim__claimant", "claim__article__source"
        )
        verdict = get_object_or_404(verdicts, pk=pk)
        claim = verdict.claim
        self.last_modified = max(
            d
            for d in (
                verdict.updated_at,
                claim.updated_at,
                claim.claimant.updated_at if claim.claimant_id else None,
                claim.article.updated_at if claim.article_id else None,
            )
            if d is not None
        )
        data = claimreview_for(verdict, url=PublicLinks(request).page(verdict.pk))
        return Response(data, content_type="application/ld+json")


class _ErrorsAsJson(BaseContentNegotiation):
    """Exports stream their own format; the only rendered bodies are errors, always JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None


class _VerdictExportView(generics.ListAPIView):
    permission_classes = [AllowAny]
    throttle_classes = [ExportThrottle]
    content_negotiation_class = _ErrorsAsJson
    filterset_class = VerdictFilter
    pagination_class = None
    content_type = ""
    filename = ""

    def get_queryset(self):
        return public_verdict_rows()

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        response = StreamingHttpResponse(self.stream(queryset, request), content_type=self.content_type)
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        return response


@extend_schema(
    summary="All public verdicts as CSV (streamed; same filters as the list)",
    filters=True,
    responses={(200, "text/csv"): OpenApiTypes.STR},
)
class VerdictCsvExportView(_VerdictExportView):
    content_type = "text/csv; charset=utf-8"
    filename = "verdicts.csv"

    def stream(self, queryset, request):
        return stream_csv(queryset, request)


@extend_schema(
    summary="All public verdicts as JSON Lines (one verdict document per line; streamed)",
    filters=True,
    responses={(200, "application/jsonl"): OpenApiTypes.STR},
)
class VerdictJsonlExportView(_VerdictExportView):
    content_type = "application/jsonl; charset=utf-8"
    filename = "verdicts.jsonl"

    def stream(self, queryset, request):
        return stream_jsonl(queryset, request)
