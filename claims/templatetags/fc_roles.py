"""Template filters for the editorial roles, so pages offer only the links a user may follow."""

from django import template

from claims import permissions

register = template.Library()


@register.filter
def is_editor(user) -> bool:
    """True when ``user`` may triage, adjudicate and open the dashboard."""
    return permissions.is_editor(user)
