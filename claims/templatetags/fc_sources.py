"""Template filters for a source's pull state as an editor reads it (see ``sources.failures``)."""

from django import template

from sources import failures

register = template.Library()


@register.filter
def pull_state(source) -> str:
    """ "OK", "Pending", "Failed (retrying at 14:05)", "Failed"."""
    return failures.state_text(source)


@register.filter
def pull_failure(source) -> str:
    """Why the source's last pull failed, in plain words; "" when it did not fail."""
    return failures.plain_reason(source) if failures.has_failed(source) else ""
