"""Changelist filters for claims, each costing at most one small query whatever the table size.

The related filters for claimant and article do not list every claimant or article (that list grows with
the data): they show only the one selected, which the claimant and article pages link to.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from claims.models import Article, Claim, Claimant, Evidence, Rating, Verdict

# Statuses in which a due date still matters (the claim is being worked on).
ACTIVE_STATUSES = (Claim.Status.OPEN, Claim.Status.RESEARCHING, Claim.Status.IN_REVIEW)
# Verdict states that stand for a claim's current rating (drafts included: editors triage by them).
CURRENT_VERDICT_STATES = (Verdict.State.DRAFT, Verdict.State.PROPOSED, Verdict.State.PUBLISHED)


def overdue_q(today=None) -> Q:
    """Claims still being worked on whose due date has passed."""
    return Q(due_date__lt=today or timezone.localdate(), status__in=ACTIVE_STATUSES)


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(overdue_q())
        if self.value() == "no":
            return queryset.exclude(overdue_q())
        return queryset


class HasEvidenceFilter(admin.SimpleListFilter):
    title = "evidence"
    parameter_name = "has_evidence"

    def lookups(self, request, model_admin):
        return [("yes", "Has evidence"), ("no", "No evidence")]

    def queryset(self, request, queryset):
        has = Exists(Evidence.objects.filter(claim=OuterRef("pk"), dismissed=False))
        if self.value() == "yes":
            return queryset.filter(has)
        if self.value() == "no":
            return queryset.filter(~has)
        return queryset


class RatingFilter(admin.SimpleListFilter):
    title = "rating"
    parameter_name = "rating"

    def lookups(self, request, model_admin):
        return [(r.slug, r.label) for r in Rating.objects.filter(is_active=True)]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(
            Exists(
                Verdict.objects.filter(
                    claim=OuterRef("pk"), rating__slug=self.value(), state__in=CURRENT_VERDICT_STATES
                )
            )
        )


class AssigneeFilter(admin.SimpleListFilter):
    title = "assignee"
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        users = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")
        return [("none", "Unassigned"), *((str(u.pk), u.get_username()) for u in users)]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(assignee__isnull=True)
        if self.value() and self.value().isdigit():
            return queryset.filter(assignee_id=int(self.value()))
        return queryset


class SelectedOnlyFilter(admin.SimpleListFilter):
    """Filter by a related id given in the URL; lists only the selected object (the list would be huge)."""

    related_model = None
    field = ""

    def lookups(self, request, model_admin):
        value = self.value()
        if value and value.isdigit():
            obj = self.related_model.objects.filter(pk=int(value)).first()
            if obj is not None:
                return [(value, str(obj)[:60])]
        return []

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(**{f"{self.field}_id": int(self.value())})
        return queryset

    def has_output(self):
        # Shown only when in use; the claimant and article pages link here with the id set.
        return bool(self.value())


class ClaimantFilter(SelectedOnlyFilter):
    title = "claimant"
    parameter_name = "claimant"
    related_model = Claimant
    field = "claimant"


class ArticleFilter(SelectedOnlyFilter):
    title = "article"
    parameter_name = "article"
    related_model = Article
    field = "article"
