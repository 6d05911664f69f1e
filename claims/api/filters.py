"""Filters of the public verdict list and export (query parameters, documented in the schema)."""

from datetime import UTC, datetime

import django_filters
from django import forms
from django.db.models import Q
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from claims.models import Article, Verdict
from claims.search import search_claims

_MAX_ID = 2**63 - 1  # larger ids cannot exist; refusing them keeps PostgreSQL from an overflow error


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": _MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A whole, positive row id (documented as such in the schema)."""

    field_class = forms.IntegerField


@extend_schema_field({"type": "string", "pattern": "^[^\\x00]*$", "maxLength": 2000})
class TextFilter(django_filters.CharFilter):
    """Text without NUL characters (PostgreSQL cannot store or compare them; documented in the schema)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 2000)
        super().__init__(*args, **kwargs)


class _UtcDateTimeField(IsoDateTimeField):
    """ISO 8601 date-time, converted to UTC: PostgreSQL refuses offsets beyond 15:59 that ISO allows."""

    def to_python(self, value):
        result = super().to_python(value)
        if result is None:
            return None
        try:
            return result.astimezone(UTC)
        except OverflowError:  # e.g. 0001-01-01T00:00+05:00 lies before year 1 once in UTC
            return datetime.min.replace(tzinfo=UTC) if result.year == 1 else datetime.max.replace(tzinfo=UTC)


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = _UtcDateTimeField


class VerdictFilter(django_filters.FilterSet):
    rating = TextFilter(field_name="rating__slug", help_text="Rating slug, e.g. 'false'.")
    claimant = IdFilter(
        field_name="claim__claimant_id", min_value=1, max_value=_MAX_ID, help_text="Claimant id."
    )
    article_url = TextFilter(
        method="article",
        help_text="The checked article's URL, exactly as the verdicts show it (for an upload, the URL its "
        "page declares).",
    )
    published_after = DateTimeFilter(
        field_name="published_at", lookup_expr="gte", help_text="ISO 8601; inclusive."
    )
    published_before = DateTimeFilter(
        field_name="published_at", lookup_expr="lt", help_text="ISO 8601; exclusive."
    )
    language = TextFilter(field_name="claim__article__language", help_text="e.g. 'en'.")
    state = django_filters.ChoiceFilter(
        choices=[(Verdict.State.PUBLISHED, "published"), (Verdict.State.CORRECTED, "corrected")],
        help_text="'published' for current verdicts only; both by default.",
    )
    q = TextFilter(method="search", help_text="Words in the claim or its restatement.")

    class Meta:
        model = Verdict
        fields = []

    def article(self, queryset, name, value):
        # Only what ``article.url`` can show matches: an upload's urn:sha256 identity is never published,
        # so it finds nothing either (it would tell anyone holding a document whether it was checked).
        if not value.lower().startswith(("http://", "https://")):
            return queryset.none()
        uploaded = ~Q(source__url__startswith="http://") & ~Q(source__url__startswith="https://")
        articles = Article.objects.filter(Q(source__url=value) | (Q(canonical_url=value) & uploaded))
        return queryset.filter(claim__article_id__in=articles.values("pk"))

    def search(self, queryset, name, value):
        return search_claims(queryset, value, prefix="claim__")
