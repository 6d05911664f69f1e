"""Evidence suggestions: passages of a pulled source attached to the claims citing it, numbers and quotes."""

from pathlib import Path

import pytest
from django.urls import reverse

from claims import services
from claims.evidence_suggestions import suggest_for_source
from claims.models import Claim, Evidence
from sources.services import request_pull, source_for_url
from tests.factories import EditorFactory, claim_in_status

pytestmark = pytest.mark.django_db

PAGE = (Path(__file__).parent / "fixtures/evidence/ministry-release.html").read_bytes()


@pytest.fixture
def release(web):
    web.expect_request("/release").respond_with_data(PAGE, content_type="text/html; charset=utf-8")
    return web.url_for("/release")


@pytest.fixture
def editor():
    return EditorFactory()


def cite_and_pull(claim, url, capture):
    """The claim cites ``url``; the pull runs (eager Celery) and its after-commit work with it."""
    with capture(execute=True):
        claim.cited_sources.add(source_for_url(url))
        request_pull([claim.cited_sources.get().pk])


def suggestions(claim):
    return list(claim.evidence.filter(origin=Evidence.Origin.SUGGESTED).order_by("-score"))


def test_the_best_matching_sentences_of_a_pulled_source_are_suggested(
    release, editor, django_capture_on_commit_callbacks
):
    claim = claim_in_status(
        "researching", editor=editor, text="Canteen lunch is served between noon and two.", kind="event"
    )

    cite_and_pull(claim, release, django_capture_on_commit_callbacks)

    best, *_ = suggestions(claim)
    snapshot = best.snapshot
    assert best.excerpt == "The ministry's canteen serves lunch between noon and two o'clock."
    assert snapshot.text[best.excerpt_start : best.excerpt_end] == best.excerpt
    assert best.stance == Evidence.Stance.UNKNOWN and best.score > 0 and best.quantity_match == ""
    assert "weather" not in " ".join(e.excerpt for e in suggestions(claim))


def test_numeric_claims_get_same_and_conflicting_quantities_first_and_marked(
    release, editor, django_capture_on_commit_callbacks
):
    lobbyists = claim_in_status(
        "researching",
        editor=editor,
        text="The minister met energy lobbyists 40 times in 2023.",
        kind="numeric",
    )
    share = claim_in_status(
        "open",
        editor=editor,
        text="A quarter of visitors to the ministry are energy lobbyists.",
        kind="numeric",
    )
    with django_capture_on_commit_callbacks(execute=True):
        source = source_for_url(release)
        lobbyists.cited_sources.add(source)
        share.cited_sources.add(source)
        request_pull([source.pk])

    first = suggestions(lobbyists)
    marked = [(e.excerpt, e.quantity_match) for e in lobbyists.evidence.order_by("id")]
    assert (
        "Official records list more than 40 meetings between the minister and energy lobbyists "
        "during the year.",
        "conflicting",
    ) in marked
    assert first[0].quantity_match in ("same", "conflicting")
    (same,) = [e for e in suggestions(share) if e.quantity_match == "same"]
    assert (
        same.excerpt == "Lobbyists from the energy industry account for 25% of all visitors to the ministry."
    )


def test_a_quote_found_in_the_cited_source_is_shown_on_the_claim(
    release, editor, client, django_capture_on_commit_callbacks
):
    claim = claim_in_status(
        "researching",
        editor=editor,
        text='The minister said: "We have never met a single lobbyist behind closed doors."',
        kind="quote",
    )
    cite_and_pull(claim, release, django_capture_on_commit_callbacks)

    claim.refresh_from_db()
    (check,) = claim.quote_check.values()
    assert check["found"] == "exact" and check["url"] == release
    client.force_login(editor)
    assert (
        "Quote found in source"
        in client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    )


def test_a_quote_nearly_in_the_source_counts_and_a_missing_one_is_not_found(
    release, editor, django_capture_on_commit_callbacks
):
    near = claim_in_status(
        "researching",
        editor=editor,
        text='He said "we have never met one lobbyist behind closed doors"',
        kind="attributed",
    )
    missing = claim_in_status(
        "researching",
        editor=editor,
        text='He said "lobbyists write our energy policy for us every week"',
        kind="attributed",
    )
    with django_capture_on_commit_callbacks(execute=True):
        source = source_for_url(release)
        near.cited_sources.add(source)
        missing.cited_sources.add(source)
        request_pull([source.pk])

    near.refresh_from_db()
    missing.refresh_from_db()
    assert [c["found"] for c in near.quote_check.values()] == ["near"]
    assert [c["found"] for c in missing.quote_check.values()] == ["no"]


def test_a_repeated_pull_adds_no_duplicates_and_discarded_suggestions_stay_discarded(
    release, editor, django_capture_on_commit_callbacks, settings
):
    settings.EVIDENCE_SUGGESTIONS_PER_SOURCE = 2
    claim = claim_in_status(
        "researching", editor=editor, text="The minister met energy lobbyists 40 times.", kind="numeric"
    )
    cite_and_pull(claim, release, django_capture_on_commit_callbacks)
    first = suggestions(claim)
    assert len(first) == 2
    services.evidence_update(evidence=first[0], actor=editor, dismissed=True)
    services.evidence_update(evidence=first[1], actor=editor, stance="refutes")

    assert suggest_for_source(source_id=first[0].source_id) == 0
    assert len(suggestions(claim)) == 2
    assert claim.evidence.get(pk=first[0].pk).dismissed


def test_no_suggestions_for_a_published_claim(release, editor, django_capture_on_commit_callbacks):
    claim = claim_in_status("published", editor=editor, text="The minister met energy lobbyists 40 times.")
    cite_and_pull(claim, release, django_capture_on_commit_callbacks)
    assert suggestions(claim) == [] and Claim.objects.get(pk=claim.pk).quote_check == {}
