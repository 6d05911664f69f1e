"""Every transition, for every role: allowed ones move the claim, refused ones change nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser

from claims import workflow
from claims.errors import NotPermitted
from claims.models import Claim, ClaimEvent
from tests.factories import EditorFactory, SuperuserFactory, UserFactory
from tests.workflow_cases import Desk, perform

pytestmark = pytest.mark.django_db

ROLES = (
    "editor",
    "assigned_reviewer",
    "unassigned_reviewer",
    "superuser",
    "user_without_role",
    "inactive_editor",
    "anonymous",
    "system",
)
EDITORS = {"editor", "superuser"}
# Written out rather than derived from workflow.TRANSITIONS, so that a change to the table shows up here.
ALLOWED = {
    "accept": EDITORS,
    "dismiss": EDITORS,
    "assign": EDITORS,
    "save_draft": EDITORS | {"assigned_reviewer"},
    "propose": EDITORS | {"assigned_reviewer"},
    "withdraw_proposal": EDITORS | {"assigned_reviewer"},
    "send_back": EDITORS,
    "approve": EDITORS,
    "withdraw": EDITORS,
    "correct": EDITORS,
    "reopen": EDITORS,
    "merge": EDITORS,
    "flag_needs_update": EDITORS | {"system"},
}


def actor_for(role: str, desk: Desk):
    return {
        "editor": lambda: desk.editor,
        "assigned_reviewer": lambda: desk.reviewer,
        "unassigned_reviewer": lambda: desk.other_reviewer,
        "superuser": SuperuserFactory,
        "user_without_role": UserFactory,
        "inactive_editor": lambda: EditorFactory(is_active=False),
        "anonymous": AnonymousUser,
        "system": lambda: None,
    }[role]()


def test_the_role_table_covers_every_transition():
    assert set(ALLOWED) == set(workflow.TRANSITIONS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_transition_is_allowed_exactly_for_its_roles(name, role):
    transition = workflow.TRANSITIONS[name]
    desk = Desk()
    claim = desk.claim(transition.sources[0])
    actor = actor_for(role, desk)
    before_events = ClaimEvent.objects.filter(claim=claim).count()

    if role in ALLOWED[name]:
        perform(name, claim, actor, desk)
        after = Claim.objects.get(pk=claim.pk)
        assert after.status == transition.target
        assert after.version == claim.version + 1
        event = ClaimEvent.objects.filter(claim=claim).last()
        assert (event.action, event.from_status, event.to_status) == (name, claim.status, transition.target)
        assert event.actor == actor
    else:
        with pytest.raises(NotPermitted) as refused:
            perform(name, claim, actor, desk)
        # Refused for the role, not by some later rule (e.g. the two-person rule).
        assert refused.value.details["transition"] == name
        after = Claim.objects.get(pk=claim.pk)
        assert (after.status, after.version) == (claim.status, claim.version)
        assert ClaimEvent.objects.filter(claim=claim).count() == before_events
