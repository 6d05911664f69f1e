"""Turn domain errors into admin messages that say what happened and what to do, never a traceback."""

from django.contrib import messages

from claims.errors import DomainError, NotPermitted, StaleVersion, TransitionNotAllowed


def explain(exc: DomainError) -> str:
    """One sentence for a person: the service's message plus what to do next where that is clear."""
    if isinstance(exc, StaleVersion):
        status = exc.details.get("current_status", "")
        return (
            f"Someone else changed this claim while you were looking at it (it is now version "
            f"{exc.details.get('current_version', '?')}{', status ' + status if status else ''}). "
            "Reload the page, check the changes, and try again."
        )
    if isinstance(exc, NotPermitted):
        return f"Not allowed: {exc.message}"
    if isinstance(exc, TransitionNotAllowed):
        return f"Not possible in the claim's current status: {exc.message}"
    return exc.message


def report_domain_error(request, exc: DomainError) -> None:
    messages.error(request, explain(exc))
