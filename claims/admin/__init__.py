"""Admin registrations of claims; feeds register theirs in ``claims.feeds_admin``."""

from claims import feeds_admin  # noqa: F401
