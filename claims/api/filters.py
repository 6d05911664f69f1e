"""Filters of the public verdict list and export (query parameters, documented in the schema)."""

import django_filters

from claims.models import Verdict
from claims.search import search_claims

_MAX_ID = 2**63 - 1  # larger ids cannot exist; refusing them keeps PostgreSQL from an overflow error


class VerdictFilter(django_filters.FilterSet):
    rating = django_filters.CharFilter(field_name="rating__slug", help_text="Rating slug, e.g. 'false'.")
    claimant = django_filters.NumberFilter(
        field_name="claim__claimant_id", min_value=1, max_value=_MAX_ID, help_text="Claimant id."
    )
    article_url = django_filters.CharFilter(
        field_name="claim__article__source__url", help_text="The checked article's URL, exactly."
    )
    published_after = django_filters.IsoDateTimeFilter(
        field_name="published_at", lookup_expr="gte", help_text="ISO 8601; inclusive."
    )
    published_before = django_filters.IsoDateTimeFilter(
        field_name="published_at", lookup_expr="lt", help_text="ISO 8601; exclusive."
    )
    language = django_filters.CharFilter(field_name="claim__article__language", help_text="e.g. 'en'.")
    state = django_filters.ChoiceFilter(
        choices=[(Verdict.State.PUBLISHED, "published"), (Verdict.State.CORRECTED, "corrected")],
        help_text="'published' for current verdicts only; both by default.",
    )
    q = django_filters.CharFilter(method="search", help_text="Words in the claim or its restatement.")

    class Meta:
        model = Verdict
        fields = []

    def search(self, queryset, name, value):
        return search_claims(queryset, value, prefix="claim__")
