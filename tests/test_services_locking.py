"""Optimistic locking (expected_version) and the row lock that serialises concurrent writers."""

import threading

import pytest
from django.db import connection

from claims import services
from claims.errors import StaleVersion, TransitionNotAllowed
from claims.models import Claim, ClaimEvent
from tests.factories import EditorFactory, ReviewerFactory, claim_in_status


@pytest.mark.django_db
def test_a_stale_version_is_refused_with_the_current_version_and_status():
    editor = EditorFactory()
    claim = claim_in_status("open", editor=editor)
    loaded_version = claim.version
    services.claim_assign(claim=claim, actor=editor, assignee=ReviewerFactory())
    with pytest.raises(StaleVersion) as conflict:
        services.claim_triage(
            claim=claim, actor=editor, accept=False, reason="Opinion.", expected_version=loaded_version
        )
    assert conflict.value.http_status == 409
    assert conflict.value.details == {"current_version": loaded_version + 1, "current_status": "researching"}
    assert Claim.objects.get(pk=claim.pk).status == "researching"


@pytest.mark.django_db
def test_every_write_bumps_the_version_by_one():
    editor, reviewer = EditorFactory(), ReviewerFactory()
    claim = claim_in_status("published", editor=editor, reviewer=reviewer)
    # create, accept, assign, propose, approve
    assert claim.version == 5
    assert ClaimEvent.objects.filter(claim=claim).count() == 5


def run_in_threads(*targets):
    """Run each target in its own thread (own database connection); return what each returned or raised."""
    results = [None] * len(targets)

    def runner(i, target):
        try:
            results[i] = target()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each session got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_sessions_editing_the_same_version_one_wins_the_other_gets_a_conflict():
    editor = EditorFactory()
    first_reviewer, second_reviewer = ReviewerFactory(), ReviewerFactory()
    claim_id = claim_in_status("open", editor=editor).pk
    both_loaded = threading.Barrier(2)

    def session(assignee):
        def work():
            loaded = Claim.objects.get(pk=claim_id)
            both_loaded.wait()
            return services.claim_assign(
                claim=loaded, actor=editor, assignee=assignee, expected_version=loaded.version
            )

        return work

    results = run_in_threads(session(first_reviewer), session(second_reviewer))

    winners = [r for r in results if isinstance(r, Claim)]
    losers = [r for r in results if isinstance(r, StaleVersion)]
    assert (len(winners), len(losers)) == (1, 1), results
    stored = Claim.objects.get(pk=claim_id)
    assert stored.assignee_id == winners[0].assignee_id
    assert losers[0].details["current_version"] == stored.version
    assert ClaimEvent.objects.filter(claim_id=claim_id, action="assign").count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_without_a_version_are_serialised_so_no_update_is_lost():
    editor = EditorFactory()
    reviewers = [ReviewerFactory() for _ in range(6)]
    claim = claim_in_status("open", editor=editor)
    start = threading.Barrier(len(reviewers))

    def session(assignee):
        def work():
            loaded = Claim.objects.get(pk=claim.pk)
            start.wait()
            return services.claim_assign(claim=loaded, actor=editor, assignee=assignee)

        return work

    results = run_in_threads(*(session(r) for r in reviewers))

    assert all(isinstance(r, Claim) for r in results), results
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.version == claim.version + len(reviewers)
    events = list(ClaimEvent.objects.filter(claim=claim, action="assign").order_by("id"))
    # Each writer saw the previous one's result: the assignee chain has no gaps.
    assert [e.data["previous_assignee_id"] for e in events[1:]] == [
        e.data["assignee_id"] for e in events[:-1]
    ]
    assert events[-1].data["assignee_id"] == stored.assignee_id


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_accept_and_dismiss_of_a_candidate_apply_one_after_the_other():
    editor = EditorFactory()
    claim = claim_in_status("candidate", editor=editor)
    start = threading.Barrier(2)

    def triage(accept):
        def work():
            start.wait()
            return services.claim_triage(claim=claim, actor=editor, accept=accept, reason="Not checkable.")

        return work

    results = run_in_threads(triage(True), triage(False))

    # Either accept ran first and dismiss then started from open, or dismiss ran first and accept was
    # refused from dismissed: never two writers both starting from candidate.
    accepted, dismissed = results
    assert isinstance(dismissed, Claim), results
    assert isinstance(accepted, Claim | TransitionNotAllowed), results
    events = list(ClaimEvent.objects.filter(claim=claim).exclude(action="create").order_by("id"))
    assert [(e.from_status, e.to_status) for e in events] in (
        [("candidate", "open"), ("open", "dismissed")],
        [("candidate", "dismissed")],
    )
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.status, stored.version) == ("dismissed", claim.version + len(events))
