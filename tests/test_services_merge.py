"""Merging duplicates: evidence and cited sources move to the kept claim and nothing is lost."""

import pytest

from claims import services
from claims.errors import InvalidInput, StaleVersion, TransitionNotAllowed
from claims.models import Claim, ClaimEvent, Evidence
from tests.factories import (
    EditorFactory,
    EvidenceFactory,
    ReviewerFactory,
    SourceFactory,
    claim_in_status,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return EditorFactory()


def with_evidence_and_sources(claim, *, evidence, sources):
    for _ in range(evidence):
        EvidenceFactory(claim=claim)
    claim.cited_sources.add(*sources)
    return claim


def test_merge_moves_evidence_and_cited_sources_and_loses_nothing(editor):
    shared = SourceFactory()
    keep = with_evidence_and_sources(
        claim_in_status("researching", editor=editor), evidence=2, sources=[shared, SourceFactory()]
    )
    duplicate = with_evidence_and_sources(
        claim_in_status("open", editor=editor), evidence=3, sources=[shared, SourceFactory()]
    )
    evidence_ids = set(Evidence.objects.values_list("pk", flat=True))
    union = set(keep.cited_sources.values_list("pk", flat=True)) | set(
        duplicate.cited_sources.values_list("pk", flat=True)
    )

    merged = services.claim_merge(
        duplicate=duplicate, keep=keep, actor=editor, expected_version=duplicate.version
    )

    assert (merged.status, merged.duplicate_of_id) == ("duplicate", keep.pk)
    assert set(Evidence.objects.values_list("pk", flat=True)) == evidence_ids
    assert keep.evidence.count() == 5
    assert duplicate.evidence.count() == 0
    assert set(keep.cited_sources.values_list("pk", flat=True)) == union
    assert len(union) == 3
    # The duplicate still records the links its own article gave.
    assert duplicate.cited_sources.count() == 2


def test_merge_is_recorded_on_both_claims_and_in_the_history_of_each_moved_evidence(editor):
    keep = claim_in_status("open", editor=editor)
    duplicate = with_evidence_and_sources(claim_in_status("candidate", editor=editor), evidence=2, sources=[])
    keep_version = keep.version

    services.claim_merge(duplicate=duplicate, keep=keep, actor=editor)

    merge = ClaimEvent.objects.get(claim=duplicate, action="merge")
    merge_in = ClaimEvent.objects.get(claim=keep, action="merge_in")
    assert (merge.from_status, merge.to_status, merge.actor) == ("candidate", "duplicate", editor)
    assert merge.data == merge_in.data
    assert sorted(merge.data["evidence_moved"]) == sorted(keep.evidence.values_list("pk", flat=True))
    assert Claim.objects.get(pk=keep.pk).version == keep_version + 1
    for evidence in keep.evidence.all():
        last = evidence.history.first()
        assert (last.claim_id, last.history_user, last.history_change_reason) == (
            keep.pk,
            editor,
            f"merge: claim #{duplicate.pk} into #{keep.pk}",
        )
        assert last.prev_record.claim_id == duplicate.pk


def test_claims_already_marked_duplicates_of_the_merged_claim_follow_it_to_the_kept_claim(editor):
    keep, middle, earlier = (claim_in_status("open", editor=editor) for _ in range(3))
    services.claim_merge(duplicate=earlier, keep=middle, actor=editor)
    services.claim_reopen(claim=middle, actor=editor)  # reopened, but earlier still points at it

    services.claim_merge(duplicate=middle, keep=keep, actor=editor)

    assert Claim.objects.get(pk=earlier.pk).duplicate_of_id == keep.pk


def test_merging_into_itself_or_into_a_duplicate_is_refused(editor):
    claim = claim_in_status("open", editor=editor)
    with pytest.raises(InvalidInput):
        services.claim_merge(duplicate=claim, keep=claim, actor=editor)
    already = claim_in_status("duplicate", editor=editor)
    with pytest.raises(InvalidInput) as refused:
        services.claim_merge(duplicate=claim, keep=already, actor=editor)
    assert "merge into that one" in refused.value.message
    assert Claim.objects.get(pk=claim.pk).status == "open"


def test_a_claim_with_a_proposed_or_published_verdict_cannot_be_merged_away(editor):
    keep = claim_in_status("open", editor=editor)
    for status in ("in_review", "published"):
        claim = claim_in_status(status, editor=editor)
        with pytest.raises(TransitionNotAllowed):
            services.claim_merge(duplicate=claim, keep=keep, actor=editor)


def test_a_stale_merge_is_refused_and_moves_nothing(editor):
    keep = claim_in_status("open", editor=editor)
    duplicate = with_evidence_and_sources(claim_in_status("open", editor=editor), evidence=1, sources=[])
    loaded = duplicate.version
    services.claim_assign(claim=duplicate, actor=editor, assignee=ReviewerFactory())
    with pytest.raises(StaleVersion):
        services.claim_merge(duplicate=duplicate, keep=keep, actor=editor, expected_version=loaded)
    assert duplicate.evidence.count() == 1
