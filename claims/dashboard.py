"""The numbers behind the editors' dashboard: each function returns a ``Series`` (labelled values).

Each is one aggregate query; the admin draws them as SVG charts and offers each as CSV. Each row also
carries the claims-list query that lists what the bar counts, so an editor can click a bar to see its claims.
"""

import statistics
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Min, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from claims.models import Claim, ClaimEvent, Verdict

ACTIVE_STATUSES = (Claim.Status.OPEN, Claim.Status.RESEARCHING, Claim.Status.IN_REVIEW)
STATUS_COLOURS = {
    "candidate": "#6b7280",
    "open": "#2563eb",
    "researching": "#7c3aed",
    "in_review": "#d97706",
    "published": "#15803d",
    "needs_update": "#dc2626",
    "dismissed": "#9ca3af",
    "duplicate": "#a8a29e",
}


@dataclass
class Series:
    """A chart's data: ``rows`` of (label, value, colour); ``unit`` names what the values count.

    ``queries`` runs beside ``rows``: for each row, the claims changelist's query parameters that list the
    claims behind it (None where no list matches the bar).
    """

    name: str
    title: str
    unit: str
    rows: list[tuple[str, float, str]] = field(default_factory=list)
    queries: list[dict[str, str] | None] = field(default_factory=list)


def claims_by_status() -> Series:
    counts = dict(Claim.objects.order_by().values_list("status").annotate(n=Count("pk")))
    rows = [(label, counts.get(value, 0), STATUS_COLOURS[value]) for value, label in Claim.Status.choices]
    queries = [{"status__exact": value} for value, _ in Claim.Status.choices]
    return Series("status", "Claims by status", "claims", rows, queries)


def verdicts_by_rating() -> Series:
    published = (
        Verdict.objects.filter(state=Verdict.State.PUBLISHED)
        .order_by("rating__order", "rating__label")
        .values_list("rating__label", "rating__colour", "rating__slug")
        .annotate(n=Count("pk"))
    )
    rows = [(label or "Unrated", n, colour or "#777777") for label, colour, _, n in published]
    # A claim whose verdict is published is published, or needs an update after a change of its sources.
    queries = [
        {"rating": slug, "status__in": "published,needs_update"} if slug else None
        for _, _, slug, _ in published
    ]
    return Series("rating", "Published verdicts by rating", "verdicts", rows, queries)


def triage_to_publication_days() -> list[float]:
    """Days from the first time a claim became open (accepted, or entered open) to its first publication."""
    spans = (
        ClaimEvent.objects.order_by()
        .values("claim")
        .annotate(
            triaged=Min("created_at", filter=Q(to_status="open")),
            published=Min("created_at", filter=Q(to_status="published")),
        )
        .filter(triaged__isnull=False, published__isnull=False)
        .values_list("triaged", "published")
    )
    return [(published - triaged).total_seconds() / 86400 for triaged, published in spans]


def median_triage_to_publication_days() -> float | None:
    """The median of ``triage_to_publication_days``, or None before the first publication."""
    days = triage_to_publication_days()
    return statistics.median(days) if days else None


def overdue_per_reviewer(today=None) -> Series:
    today = today or timezone.localdate()
    overdue = (
        Claim.objects.filter(due_date__lt=today, status__in=ACTIVE_STATUSES)
        .order_by("assignee__username")
        .values_list("assignee__username", "assignee_id")
        .annotate(n=Count("pk"))
    )
    rows = [(username or "(unassigned)", n, "#b91c1c") for username, _, n in overdue]
    queries = [{"overdue": "yes", "assignee": str(pk) if pk else "none"} for _, pk, _ in overdue]
    return Series("overdue", "Overdue claims per reviewer", "claims", rows, queries)


def claims_per_week(weeks: int = 12, now=None) -> Series:
    """Claims created per ISO week (Monday start) over the last ``weeks`` weeks, empty weeks included."""
    now = now or timezone.now()
    this_monday = timezone.localdate(now) - timedelta(days=timezone.localdate(now).weekday())
    first = this_monday - timedelta(weeks=weeks - 1)
    counts = {
        (week.date() if hasattr(week, "date") else week): n
        for week, n in Claim.objects.filter(created_at__date__gte=first)
        .order_by()
        .annotate(week=TruncWeek("created_at"))
        .values_list("week")
        .annotate(n=Count("pk"))
    }
    rows, queries = [], []
    for i in range(weeks):
        monday = first + timedelta(weeks=i)
        rows.append((monday.isoformat(), counts.get(monday, 0), "#2563eb"))
        queries.append(
            {
                "created_at__date__gte": monday.isoformat(),
                "created_at__date__lt": (monday + timedelta(weeks=1)).isoformat(),
            }
        )
    return Series("weekly", "Claims per week (created)", "claims", rows, queries)


def all_series() -> dict[str, Series]:
    return {
        s.name: s
        for s in (claims_by_status(), verdicts_by_rating(), overdue_per_reviewer(), claims_per_week())
    }
