"""Adding and editing evidence: who may, while the claim is in which status, and what is validated."""

import pytest
from django.contrib.auth.models import AnonymousUser

from claims import services
from claims.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from claims.models import ClaimEvent, Evidence
from sources.models import Source
from sources.tasks import pull_source
from tests.factories import (
    EditorFactory,
    EvidenceFactory,
    ReviewerFactory,
    SnapshotFactory,
    SourceFactory,
    SuperuserFactory,
    UserFactory,
    claim_in_status,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    editor, reviewer = EditorFactory(), ReviewerFactory()
    claim = claim_in_status("researching", editor=editor, reviewer=reviewer)
    return editor, reviewer, claim


def test_the_assigned_reviewer_adds_evidence_from_a_url_with_stance_and_excerpt(desk):
    _, reviewer, claim = desk
    evidence = services.evidence_add(
        claim=claim,
        actor=reviewer,
        url="HTTPS://Stats.Example/labour#march",
        stance="refutes",
        excerpt="Unemployment: 4.2%",
        note="Seasonally adjusted.",
    )
    assert evidence.source.url == "https://stats.example/labour"
    assert (evidence.stance, evidence.origin, evidence.added_by) == ("refutes", "added", reviewer)
    event = ClaimEvent.objects.filter(claim=claim).last()
    assert (event.action, event.data["evidence_id"]) == ("evidence_add", evidence.pk)


def test_evidence_from_a_known_source_reuses_it_and_pins_its_latest_snapshot(desk):
    _, reviewer, claim = desk
    source = SourceFactory(url="https://stats.example/labour")
    snapshot = SnapshotFactory(source=source)
    evidence = services.evidence_add(claim=claim, actor=reviewer, url="https://stats.example/labour")
    assert (evidence.source, evidence.snapshot) == (source, snapshot)
    assert Source.objects.count() == 1 + claim.cited_sources.count()


def test_adding_the_same_source_and_excerpt_twice_adds_it_once(desk):
    _, reviewer, claim = desk
    first = services.evidence_add(claim=claim, actor=reviewer, url="https://a.example/x", excerpt="Same.")
    again = services.evidence_add(claim=claim, actor=reviewer, url="https://a.example/x", excerpt="Same.")
    assert again.pk == first.pk
    assert claim.evidence.count() == 1


@pytest.mark.parametrize("url", ["", "not a url", "ftp://files.example/data.csv", "javascript:alert(1)"])
def test_a_url_that_is_not_http_is_refused_and_nothing_is_stored(desk, url):
    _, reviewer, claim = desk
    with pytest.raises(InvalidInput) as refused:
        services.evidence_add(claim=claim, actor=reviewer, url=url)
    assert refused.value.details["field"] == "url"
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("stance", "agrees"), ("origin", "rumour")])
def test_unknown_stance_or_origin_is_refused(desk, field, value):
    _, reviewer, claim = desk
    with pytest.raises(InvalidInput) as refused:
        services.evidence_add(claim=claim, actor=reviewer, url="https://a.example/", **{field: value})
    assert refused.value.details["field"] == field


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("editor", True),
        ("assigned_reviewer", True),
        ("superuser", True),
        ("unassigned_reviewer", False),
        ("user_without_role", False),
        ("anonymous", False),
    ],
)
def test_only_editors_and_the_assigned_reviewer_add_or_edit_evidence(desk, who, allowed):
    editor, reviewer, claim = desk
    actor = {
        "editor": lambda: editor,
        "assigned_reviewer": lambda: reviewer,
        "superuser": SuperuserFactory,
        "unassigned_reviewer": ReviewerFactory,
        "user_without_role": UserFactory,
        "anonymous": AnonymousUser,
    }[who]()
    existing = EvidenceFactory(claim=claim, stance="unknown")
    if allowed:
        services.evidence_add(claim=claim, actor=actor, url="https://a.example/")
        assert (
            services.evidence_update(evidence=existing, actor=actor, stance="supports").stance == "supports"
        )
    else:
        with pytest.raises(NotPermitted):
            services.evidence_add(claim=claim, actor=actor, url="https://a.example/")
        with pytest.raises(NotPermitted):
            services.evidence_update(evidence=existing, actor=actor, stance="supports")
        assert claim.evidence.count() == 1
        assert Evidence.objects.get(pk=existing.pk).stance == "unknown"


def test_the_system_adds_cited_and_suggested_evidence_but_not_as_a_person(desk):
    _, _, claim = desk
    suggested = services.evidence_add(
        claim=claim, actor=None, url="https://a.example/", origin="suggested", score=0.7
    )
    assert (suggested.origin, suggested.added_by, suggested.score) == ("suggested", None, 0.7)
    with pytest.raises(NotPermitted):
        services.evidence_add(claim=claim, actor=None, url="https://b.example/", origin="added")


@pytest.mark.parametrize("status", ["published", "dismissed", "duplicate"])
def test_evidence_of_a_published_dismissed_or_merged_claim_cannot_change(status):
    editor = EditorFactory()
    claim = claim_in_status(status, editor=editor)
    with pytest.raises(TransitionNotAllowed):
        services.evidence_add(claim=claim, actor=editor, url="https://a.example/")
    evidence = EvidenceFactory(claim=claim)
    with pytest.raises(TransitionNotAllowed):
        services.evidence_update(evidence=evidence, actor=editor, note="Late note.")


def test_offsets_into_the_pinned_snapshot_set_the_excerpt(desk):
    _, reviewer, claim = desk
    snapshot = SnapshotFactory(text="Labour force survey. Unemployment rate: 4.2 per cent in March.")
    evidence = EvidenceFactory(claim=claim, source=snapshot.source, snapshot=snapshot, excerpt="")
    updated = services.evidence_update(evidence=evidence, actor=reviewer, excerpt_start=21, excerpt_end=61)
    assert updated.excerpt == "Unemployment rate: 4.2 per cent in March"
    assert (updated.excerpt_start, updated.excerpt_end) == (21, 61)


@pytest.mark.parametrize(("start", "end"), [(10, 5), (0, 10_000), (3, None)])
def test_offsets_outside_the_snapshot_or_reversed_are_refused(desk, start, end):
    _, reviewer, claim = desk
    snapshot = SnapshotFactory(text="Short text.")
    evidence = EvidenceFactory(claim=claim, source=snapshot.source, snapshot=snapshot)
    with pytest.raises(InvalidInput):
        services.evidence_update(evidence=evidence, actor=reviewer, excerpt_start=start, excerpt_end=end)


def test_an_update_that_changes_nothing_records_nothing(desk):
    _, reviewer, claim = desk
    evidence = EvidenceFactory(claim=claim, stance="refutes", note="")
    events = ClaimEvent.objects.count()
    services.evidence_update(evidence=evidence, actor=reviewer, stance="refutes", note="")
    assert ClaimEvent.objects.count() == events
    assert evidence.history.count() == 1


def test_a_reviewer_dismisses_a_suggestion_without_deleting_it(desk):
    _, reviewer, claim = desk
    suggestion = services.evidence_add(claim=claim, actor=None, url="https://a.example/", origin="suggested")
    dismissed = services.evidence_update(evidence=suggestion, actor=reviewer, dismissed=True)
    assert dismissed.dismissed is True
    assert claim.evidence.count() == 1


def test_adding_evidence_queues_a_pull_of_its_source_only_after_commit(
    desk, django_capture_on_commit_callbacks
):
    _, reviewer, claim = desk
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        evidence = services.evidence_add(claim=claim, actor=reviewer, url="https://stats.example/labour")
    source = Source.objects.get(pk=evidence.source_id)
    assert source.queued_at is not None
    # Other after-commit work (the public cache's version bump) may be queued beside the pull.
    tasks = [getattr(getattr(c, "func", None), "__self__", None) for c in callbacks]
    pulls = [
        c for c, task in zip(callbacks, tasks, strict=True) if getattr(task, "name", "") == pull_source.name
    ]
    assert [pull.args for pull in pulls] == [((source.pk,),)]  # apply_async((source_id,), queue=...)


def test_a_typed_excerpt_is_stored_as_typed_not_quoted(desk):
    _, reviewer, claim = desk
    evidence = services.evidence_add(
        claim=claim,
        actor=reviewer,
        url="https://paywalled.example/report",
        excerpt=" Unemployment stood at 4.2 per cent. ",
        excerpt_typed=True,
    )
    assert (evidence.excerpt, evidence.excerpt_typed) == ("Unemployment stood at 4.2 per cent.", True)
    assert (evidence.excerpt_start, evidence.excerpt_end) == (None, None)


@pytest.mark.parametrize(
    "extra", [{"excerpt": "  "}, {"excerpt": "Text.", "excerpt_start": 0, "excerpt_end": 4}]
)
def test_a_typed_excerpt_needs_a_text_and_no_offsets(desk, extra):
    _, reviewer, claim = desk
    with pytest.raises(InvalidInput) as refused:
        services.evidence_add(
            claim=claim, actor=reviewer, url="https://a.example/", excerpt_typed=True, **extra
        )
    assert refused.value.details["field"] == "excerpt"
    assert not claim.evidence.filter(origin="added").exists()


def test_typing_an_excerpt_forgets_old_offsets_and_selecting_one_makes_it_quoted_again(desk):
    _, reviewer, claim = desk
    snapshot = SnapshotFactory(text="Labour force survey. Unemployment rate: 4.2 per cent in March.")
    evidence = EvidenceFactory(claim=claim, source=snapshot.source, snapshot=snapshot)
    services.evidence_update(evidence=evidence, actor=reviewer, excerpt_start=21, excerpt_end=61)
    typed = services.evidence_update(evidence=evidence, actor=reviewer, excerpt="4.2%", excerpt_typed=True)
    assert (typed.excerpt, typed.excerpt_typed, typed.excerpt_start, typed.excerpt_end) == (
        "4.2%",
        True,
        None,
        None,
    )
    quoted = services.evidence_update(evidence=evidence, actor=reviewer, excerpt_start=0, excerpt_end=19)
    assert (quoted.excerpt, quoted.excerpt_typed) == ("Labour force survey", False)
