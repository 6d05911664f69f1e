"""``/api/v1/articles/``: submit an article for analysis (202 + the URL to poll) and follow its state.

Submission goes through ``claims.ingestion.submit_article`` (the same as the admin form and the ``ingest``
command): the analysis runs in a Celery task queued after commit.
"""

from django.db.models import Count, Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from claims.api.access import can_submit_articles, is_editor, visible_claims
from claims.api.idempotency import IDEMPOTENCY_PARAMETER, IdempotentWritesMixin
from claims.api.pagination import IdCursorPagination
from claims.ingestion import Submission, submit_article
from claims.models import Article
from sources.errors import redact_blocked


class ArticleSubmitSerializer(serializers.Serializer):
    url = serializers.URLField(required=False, allow_blank=True, max_length=2000)
    html = serializers.CharField(
        required=False, allow_blank=True, max_length=5_000_000, trim_whitespace=False
    )
    text = serializers.CharField(
        required=False, allow_blank=True, max_length=1_000_000, trim_whitespace=False
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    published_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="When the article appeared (for HTML or text without one)."
    )

    def validate(self, data):
        if data.get("html") and data.get("text"):
            raise serializers.ValidationError("Send either html or text, not both.")
        if not (data.get("url") or data.get("html") or data.get("text")):
            raise serializers.ValidationError("Send a url, an html document or a text.")
        return data


class ArticleSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-v1:article-detail", help_text="Poll this.")
    source_url = serializers.SerializerMethodField()
    claims = serializers.IntegerField(source="claim_count", read_only=True, help_text="Claims found so far.")
    analysis_error = serializers.SerializerMethodField(
        help_text="Why the analysis failed or waits, if it does."
    )

    class Meta:
        model = Article
        fields = [
            "id",
            "url",
            "source_url",
            "input_kind",
            "title",
            "publisher",
            "published_at",
            "language",
            "analysis_state",
            "analysis_error",
            "submitted_at",
            "claims",
        ]
        read_only_fields = fields

    def get_analysis_error(self, article) -> str:
        # The stored reason is in plain words; the fetch's raw detail (an address-guard refusal names
        # internal hosts and their addresses: a map of the inside) is added for staff only, to fix a
        # real source. Reasons stored before they were plain may still quote it: redacted.
        request = self.context.get("request")
        if request is None or not request.user.is_staff:
            return redact_blocked(article.analysis_error)
        detail = article.source.last_error if article.source_id and article.analysis_error else ""
        return f"{article.analysis_error} (detail: {detail})" if detail else article.analysis_error

    def get_source_url(self, article) -> str:
        return article.source.url if article.source_id else ""


class CanSubmitArticles(BasePermission):
    message = "Submitting articles needs the editor role or the 'add article' permission."

    def has_permission(self, request, view):
        return request.method != "POST" or can_submit_articles(request.user)


@extend_schema_view(
    list=extend_schema(summary="Articles visible to the caller, newest first"),
    retrieve=extend_schema(summary="One article and its analysis state"),
    create=extend_schema(
        summary="Submit a URL, an HTML document or a text for analysis",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=ArticleSubmitSerializer,
        responses={202: ArticleSerializer},
    ),
)
class ArticleViewSet(
    IdempotentWritesMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsAuthenticated, CanSubmitArticles]
    serializer_class = ArticleSerializer
    pagination_class = IdCursorPagination
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Article.objects.none()
        user = self.request.user
        articles = Article.objects.select_related("source").annotate(claim_count=Count("claims"))
        if is_editor(user):
            return articles
        # A partner follows what it submitted, never another caller's submissions: their titles and
        # analysis tell what the desk is looking into before any of it is published.
        submitted = Article.submitters.through.objects.filter(user=user).values("article_id")
        claim_article_ids = visible_claims(user).exclude(article=None).values("article_id")
        return articles.filter(Q(pk__in=submitted) | Q(pk__in=claim_article_ids))

    def create(self, request, *args, **kwargs):
        form = ArticleSubmitSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        submission = Submission(
            url=data.get("url", ""),
            html=data["html"].encode() if data.get("html") else None,
            text=data.get("text") or None,
            title=data.get("title", ""),
            published_at=data.get("published_at"),
        )
        article = submit_article(submission=submission, actor=request.user)  # InvalidInput -> 400
        article = self.get_queryset().get(pk=article.pk)
        data = self.get_serializer(article).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})
