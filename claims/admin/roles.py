"""Who may do what in the admin; the role rules themselves live in ``claims.permissions``."""

EDITOR_GROUP = "Editor"
REVIEWER_GROUP = "Reviewer"


def _in_group(user, name: str) -> bool:
    return user.is_authenticated and user.groups.filter(name=name).exists()


def can_edit_workflow(user) -> bool:
    """Editors (and superusers) triage, assign, approve, publish, correct, merge and reopen."""
    return bool(user.is_superuser or _in_group(user, EDITOR_GROUP))


def is_reviewer(user) -> bool:
    return _in_group(user, REVIEWER_GROUP)
