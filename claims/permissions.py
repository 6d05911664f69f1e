"""Who may see and do what with claims: the roles Editor and Reviewer, and superusers.

Editors (group "Editor") and superusers see every claim and perform the editorial transitions. Reviewers
(group "Reviewer") see only claims assigned to them, and their evidence. The admin and the API scope their
querysets with :func:`visible_claims` / :func:`visible_evidence`; ``claims.services`` checks
:func:`may_perform` before every write.
"""

from django.db.models import QuerySet

from claims import workflow
from claims.models import Claim, Evidence, Verdict

EDITOR_GROUP = "Editor"
REVIEWER_GROUP = "Reviewer"


def _group_names(user) -> frozenset[str]:
    # Cached on the user object: the API checks roles once per row, and a request's user does not change
    # groups mid-request. A user object kept across a group change must be fetched again.
    cached = getattr(user, "_claims_group_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True)) if user.pk else frozenset()
        user._claims_group_names = cached
    return cached


def _is_active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_editor(user) -> bool:
    """True for active superusers and active members of group Editor."""
    return _is_active(user) and (user.is_superuser or EDITOR_GROUP in _group_names(user))


def is_reviewer(user) -> bool:
    """True for active members of group Reviewer (an editor may be one too)."""
    return _is_active(user) and REVIEWER_GROUP in _group_names(user)


def is_assignee(user, claim: Claim) -> bool:
    """True when ``user`` is the claim's assignee and still holds a role (removed staff lose access)."""
    return (
        _is_active(user)
        and claim.assignee_id is not None
        and claim.assignee_id == user.pk
        and (is_reviewer(user) or is_editor(user))
    )


def can_view_claim(user, claim: Claim) -> bool:
    return is_editor(user) or is_assignee(user, claim)


def can_edit_evidence(user, claim: Claim) -> bool:
    """Editors and the assignee, while the claim is worked on (workflow.EVIDENCE_EDITABLE_STATUSES)."""
    return claim.status in workflow.EVIDENCE_EDITABLE_STATUSES and (
        is_editor(user) or is_assignee(user, claim)
    )


def visible_claims(user, queryset: QuerySet | None = None) -> QuerySet:
    """Claims ``user`` may see: all for editors and superusers, assigned ones for reviewers, else none."""
    queryset = Claim.objects.all() if queryset is None else queryset
    if is_editor(user):
        return queryset
    if is_reviewer(user):
        return queryset.filter(assignee=user)
    return queryset.none()


def visible_evidence(user, queryset: QuerySet | None = None) -> QuerySet:
    """Evidence of the claims ``user`` may see."""
    queryset = Evidence.objects.all() if queryset is None else queryset
    if is_editor(user):
        return queryset
    if is_reviewer(user):
        return queryset.filter(claim__assignee=user)
    return queryset.none()


def visible_verdicts(user, queryset: QuerySet | None = None) -> QuerySet:
    """Verdicts (any state) of the claims ``user`` may see; the public sees published ones elsewhere."""
    queryset = Verdict.objects.all() if queryset is None else queryset
    if is_editor(user):
        return queryset
    if is_reviewer(user):
        return queryset.filter(claim__assignee=user)
    return queryset.none()


def may_perform(user, transition_name: str, claim: Claim) -> bool:
    """Whether ``user`` (None for the system) holds a role the transition allows; status is not checked."""
    roles = workflow.TRANSITIONS[transition_name].roles
    if user is None:
        return workflow.SYSTEM in roles
    if _is_active(user) and user.is_superuser:
        return True
    return (workflow.EDITOR in roles and is_editor(user)) or (
        workflow.ASSIGNEE in roles and is_assignee(user, claim)
    )


def may_withdraw_proposal(user, claim: Claim, author_id: int | None) -> bool:
    """Whether ``user`` may take back a proposal written by ``author_id``: its author, or an editor."""
    return may_perform(user, "withdraw_proposal", claim) and (is_editor(user) or author_id == user.pk)


def allowed_transitions(user, claim: Claim) -> list[str]:
    """Names of the transitions ``user`` may start from the claim's current status (for buttons and links)."""
    names = [t.name for t in workflow.transitions_from(claim.status) if may_perform(user, t.name, claim)]
    if "withdraw_proposal" in names:
        author_id = claim.verdicts.filter(state=Verdict.State.PROPOSED).values_list("author_id", flat=True)
        if not may_withdraw_proposal(user, claim, author_id.first()):
            names.remove("withdraw_proposal")
    return names
