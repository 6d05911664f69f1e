"""How statuses, due dates and ratings look in the admin (one place, so every page agrees)."""

from django.utils import timezone
from django.utils.html import format_html

from claims.models import Claim

STATUS_COLOURS = {
    Claim.Status.CANDIDATE: "#6b7280",
    Claim.Status.OPEN: "#2563eb",
    Claim.Status.RESEARCHING: "#7c3aed",
    Claim.Status.IN_REVIEW: "#d97706",
    Claim.Status.PUBLISHED: "#15803d",
    Claim.Status.NEEDS_UPDATE: "#dc2626",
    Claim.Status.DISMISSED: "#9ca3af",
    Claim.Status.DUPLICATE: "#a8a29e",
}
ACTIVE_STATUSES = (Claim.Status.OPEN, Claim.Status.RESEARCHING, Claim.Status.IN_REVIEW)


def status_badge(status: str):
    label = Claim.Status(status).label if status in Claim.Status.values else status
    return format_html('<span class="fc-badge fc-status-{}">{}</span>', status, label)


def due_display(claim: Claim, today=None):
    """The due date, marked overdue when it has passed while the claim is still being worked on."""
    if claim.due_date is None:
        return "—"
    today = today or timezone.localdate()
    if claim.status in ACTIVE_STATUSES and claim.due_date < today:
        days = (today - claim.due_date).days
        date = format_html('<span class="fc-date">{}</span>', claim.due_date)
        return format_html(
            '<span class="fc-overdue" title="{} day(s) overdue">{} · overdue</span>', days, date
        )
    return format_html('<span class="fc-date">{}</span>', claim.due_date)


def rating_chip(label: str | None, colour: str | None):
    if not label:
        return "—"
    return format_html(
        '<span class="fc-rating" style="--fc-rating: {}">{}</span>', safe_colour(colour), label
    )


def safe_colour(colour: str | None) -> str:
    """Return ``colour`` if it is a #rgb/#rrggbb hex colour, else grey (it goes into a style attribute)."""
    value = (colour or "").strip()
    if (
        value.startswith("#")
        and len(value) in (4, 7)
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    ):
        return value
    return "#777777"


def person(user) -> str:
    """A user's name as text: the admin's link to a user's page answers 403 to all but superusers."""
    return "—" if user is None else user.get_username()
