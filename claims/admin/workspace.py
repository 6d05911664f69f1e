"""Pages beside the changelists: the editors' dashboard (with CSV per chart) and a reviewer's queue."""

import csv

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from claims import dashboard, permissions
from claims.admin import charts, display
from claims.models import Claim


def dashboard_view(model_admin, request):
    if not permissions.is_editor(request.user):
        raise PermissionDenied
    series = dashboard.all_series()
    median = dashboard.median_triage_to_publication_days()
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Dashboard",
        "opts": Claim._meta,
        "charts": [(s, charts.bar_chart(s)) for s in series.values()],
        "median_days": median,
    }
    return TemplateResponse(request, "claims/admin/dashboard.html", context)


def dashboard_csv_view(model_admin, request, name):
    """The numbers behind one chart as CSV (``label,value``); 404 for an unknown chart."""
    if not permissions.is_editor(request.user):
        raise PermissionDenied
    if name == "median":
        rows = [("median_days_triage_to_publication", dashboard.median_triage_to_publication_days() or "")]
        rows += [("claim_days", round(d, 3)) for d in dashboard.triage_to_publication_days()]
        header = ("label", "value")
    else:
        series = dashboard.all_series().get(name)
        if series is None:
            raise Http404("no such chart")
        rows = [(label, value) for label, value, _ in series.rows]
        header = ("label", series.unit)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="factcheck-{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    for label, value in rows:
        # A leading =, +, - or @ would make a spreadsheet evaluate a username as a formula.
        writer.writerow((("'" + label) if str(label)[:1] in "=+-@" else label, value))
    return response


def my_queue_view(model_admin, request):
    """Claims assigned to the signed-in user that are still being worked on, earliest due date first."""
    today = timezone.localdate()
    claims = list(
        Claim.objects.filter(assignee=request.user, status__in=display.ACTIVE_STATUSES)
        .select_related("article__source", "claimant")
        .order_by("due_date", "id")
    )
    overdue = [c for c in claims if c.due_date and c.due_date < today]
    counts = {
        "total": len(claims),
        "overdue": len(overdue),
        "due_this_week": sum(1 for c in claims if c.due_date and 0 <= (c.due_date - today).days < 7),
        "researching": sum(1 for c in claims if c.status == Claim.Status.RESEARCHING),
        "in_review": sum(1 for c in claims if c.status == Claim.Status.IN_REVIEW),
    }
    rows = [(c, display.status_badge(c.status), display.due_display(c, today)) for c in claims]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "My queue",
        "opts": Claim._meta,
        "rows": rows,
        "counts": counts,
    }
    return TemplateResponse(request, "claims/admin/my_queue.html", context)
