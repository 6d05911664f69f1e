"""A source's failure as an editor should read it: "Failed (retrying at 14:05)" and a plain reason.

The raw detail (``Source.last_error``: exception text, addresses, errno) stays for staff in a secondary
place; these sentences name no internal host, so they may be shown wherever the source is.
"""

import re
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format

from sources.models import Source

F = Source.Failure

PLAIN_REASONS = {
    F.DNS: "The site's name could not be found: check the address for a typo; the site may no longer exist.",
    F.REFUSED: "The site's server refused the connection; it may be down.",
    F.TIMEOUT: "The site did not answer in time.",
    F.CONNECTION: "The connection to the site failed or was cut off.",
    F.TLS: "The site's secure connection (its HTTPS certificate) could not be verified.",
    F.REDIRECTS: "The page redirects in a loop or too many times.",
    F.GONE: "The site says the page does not exist{status}.",
    F.HTTP_ERROR: "The site refused to serve the page{status}.",
    F.SERVER_ERROR: "The site had an internal error{status}.",
    F.RATE_LIMITED: "The site asked for fewer requests{status}; it is tried again later.",
    F.BLOCKED: "The address leads to a private or forbidden network address, which is never fetched.",
    F.ROBOTS: "The site's robots.txt does not allow this page to be fetched.",
    F.UNSUPPORTED: "The page is not HTML or text (a PDF or an image, for example), so it cannot be read.",
    F.TOO_LARGE: "The page is larger than the size limit.",
    F.OTHER: "The page could not be fetched.",
}

# Sources that failed before the kind of failure was recorded: their raw text says which it was.
_GUESSES = [
    (re.compile(r"cannot resolve host|Name or service not known|Temporary failure in name"), F.DNS),
    (re.compile(r"connection refused", re.IGNORECASE), F.REFUSED),
    (re.compile(r"timed out|took longer than"), F.TIMEOUT),
    (re.compile(r"redirect"), F.REDIRECTS),
    (re.compile(r"HTTP (404|410)"), F.GONE),
    (re.compile(r"HTTP 429"), F.RATE_LIMITED),
    (re.compile(r"HTTP 5\d\d"), F.SERVER_ERROR),
    (re.compile(r"HTTP 4\d\d"), F.HTTP_ERROR),
    (re.compile(r"address guard|forbidden address|not allowed"), F.BLOCKED),
    (re.compile(r"robots\.txt"), F.ROBOTS),
    (re.compile(r"not supported|decompressed"), F.UNSUPPORTED),
    (re.compile(r"exceeds the cap"), F.TOO_LARGE),
    (re.compile(r"SSLError|TLS|certificate"), F.TLS),
    (re.compile(r"connection"), F.CONNECTION),
]
_HTTP_STATUS = re.compile(r"\bHTTP (\d{3})\b")

TERMINAL_STATES = frozenset(
    {Source.State.FAILED, Source.State.GONE, Source.State.BLOCKED, Source.State.UNSUPPORTED}
)


def failure_kind(source: Source) -> str:
    """The ``Source.Failure`` of the last failed pull ("" when the last pull did not fail)."""
    if source.failure:
        return source.failure
    if not source.last_error:
        return ""
    return next((kind for pattern, kind in _GUESSES if pattern.search(source.last_error)), F.OTHER)


def plain_reason(source: Source) -> str:
    """One sentence an editor understands on why the source could not be fetched, or ""."""
    kind = failure_kind(source)
    if not kind:
        return ""
    status = _HTTP_STATUS.search(source.last_error)
    return PLAIN_REASONS[kind].format(status=f" (HTTP {status.group(1)})" if status else "")


def has_failed(source: Source) -> bool:
    return source.state == Source.State.RETRYING or source.state in TERMINAL_STATES


def pulls_need_worker() -> bool:
    """True when no worker runs the queued pulls later (``make run``: tasks run in the request).

    Then a pull runs once when it is asked for, and a retry scheduled for later never happens by itself.
    Celery's own configuration is read (CELERY_TASK_ALWAYS_EAGER, set when REDIS_URL is not).
    """
    from celery import current_app

    return bool(current_app.conf.task_always_eager)


def state_text(source: Source) -> str:
    """The source's state for an editor: "Failed (retrying at 14:05)", "Failed", "Pending", "OK"."""
    if source.state == Source.State.RETRYING and source.next_pull_at:
        return f"Failed (retrying at {when(source.next_pull_at)})"
    if source.state in TERMINAL_STATES:
        return "Failed"
    return source.get_state_display()


def when(moment: datetime) -> str:
    """ "14:05" today, "12 May, 14:05" another day (local time)."""
    local = timezone.localtime(moment)
    same_day = local.date() == timezone.localdate()
    return date_format(local, "H:i" if same_day else "j M, H:i")
