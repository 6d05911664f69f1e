"""Who may do what in the API: the admin's role rules (``claims.permissions``) plus the API-only one."""

from claims.permissions import is_editor, visible_claims  # noqa: F401 - re-exported for the API views


def can_submit_articles(user) -> bool:
    """Editors, and machine clients given the 'add article' permission (partners with a token)."""
    return user.is_authenticated and (is_editor(user) or user.has_perm("claims.add_article"))
