"""Domain errors raised by ``claims.services``; the admin and the API turn them into messages and HTTP codes.

Each error has a stable machine-readable ``code`` and a human ``message``; ``http_status`` is the status the
API answers with (one exception handler maps them).
"""


class DomainError(Exception):
    code = "domain_error"
    http_status = 400

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, **self.details}


class InvalidInput(DomainError):
    """The request is malformed or misses something the operation requires (e.g. a rating to publish)."""

    code = "invalid"
    http_status = 400


class TransitionNotAllowed(DomainError):
    """The claim is not in a status from which this operation can start."""

    code = "invalid_transition"
    http_status = 409


class NotPermitted(DomainError):
    """The actor's role does not allow the operation (e.g. a reviewer approving, or the two-person rule)."""

    code = "forbidden"
    http_status = 403


class StaleVersion(DomainError):
    """The caller edited an older version of the claim than the one stored (optimistic locking)."""

    code = "conflict"
    http_status = 409


class ContentConflict(DomainError):
    """The request would replace what another caller stored, and the caller may not (an article's content)."""

    code = "content_conflict"
    http_status = 409
