"""Evidence without an archived copy: a typed excerpt on the research page, marked as typed everywhere,
the reviewer's notes on the adjudicate page, and a confirmation before approving on such evidence."""

import pytest
from django.urls import reverse

from claims.models import Claim, Evidence
from tests.factories import EditorFactory, ReviewerFactory, SnapshotFactory, SourceFactory, claim_in_status

pytestmark = pytest.mark.django_db
TYPED = "Excerpt typed by the reviewer, not quoted from an archived copy:"


@pytest.fixture
def editor():
    return EditorFactory()


@pytest.fixture
def reviewer():
    return ReviewerFactory()


def _url(name, claim):
    return reverse(f"admin:claims_claim_{name}", args=[claim.pk])


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _unarchived(claim, **fields) -> Evidence:
    # A source never pulled successfully: no snapshot, and none pinned.
    return Evidence.objects.create(claim=claim, source=SourceFactory(), **fields)


# Committed for real, so the pull queued on commit runs in the request as it does in `make run`.
@pytest.mark.django_db(transaction=True)
def test_the_reviewer_adds_evidence_with_a_typed_excerpt_shown_as_typed(
    client, reviewer, settings, httpserver
):
    settings.FETCH_ALLOWED_PORTS = ["*"]
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/paywalled").respond_with_data("Subscribers only", status=403)
    claim = claim_in_status("researching", reviewer=reviewer)
    client.force_login(reviewer)
    response = client.post(
        _url("research", claim),
        {
            "add_evidence": "1",
            "url": httpserver.url_for("/paywalled"),
            "stance": "refutes",
            "excerpt": "Unemployment <b>4.2</b> per cent",
        },
        follow=True,
    )
    warned = " ".join(_messages(response))
    assert "Evidence added, but its page could not be archived: Failed: " in warned
    assert "The excerpt you typed is kept, marked as typed." in warned
    evidence = claim.evidence.get(origin="added")
    assert (evidence.excerpt, evidence.excerpt_typed, evidence.snapshot) == (
        "Unemployment <b>4.2</b> per cent",
        True,
        None,
    )
    page = response.content.decode()
    assert TYPED in page
    assert (
        '<blockquote class="fc-typed-excerpt">Unemployment &lt;b&gt;4.2&lt;/b&gt; per cent</blockquote>'
        in page
    )


@pytest.mark.django_db(transaction=True)
def test_without_a_worker_evidence_whose_host_is_unknown_says_the_retry_waits_for_one(client, reviewer):
    claim = claim_in_status("researching", reviewer=reviewer)
    client.force_login(reviewer)
    response = client.post(
        _url("research", claim),
        {"add_evidence": "1", "url": "http://nonexistent.invalid/report", "stance": "supports"},
        follow=True,
    )
    warned = " ".join(_messages(response))
    assert "Evidence added, but its page could not be archived: Failed (retrying at " in warned
    assert "The site's name could not be found" in warned
    assert "Type or paste the excerpt from the page." in warned
    assert "No worker runs here, so the retry waits for one; Retry now on the source's page" in warned


def test_the_typed_excerpt_box_is_offered_only_without_archived_text_and_edits_it(client, reviewer):
    claim = claim_in_status("researching", reviewer=reviewer)
    bare = _unarchived(claim, stance="supports")
    snapshot = SnapshotFactory(text="Archived text.")
    archived = Evidence.objects.create(claim=claim, source=snapshot.source, snapshot=snapshot)
    client.force_login(reviewer)
    page = client.get(_url("research", claim)).content.decode()
    assert f'name="ev{bare.pk}-typed_excerpt"' in page
    assert f'name="ev{archived.pk}-typed_excerpt"' not in page
    form = {"update_evidence": bare.pk, f"ev{bare.pk}-evidence": bare.pk, f"ev{bare.pk}-stance": "supports"}
    response = client.post(
        _url("research", claim), {**form, f"ev{bare.pk}-typed_excerpt": "Pasted."}, follow=True
    )
    assert _messages(response) == ["Evidence updated."]
    bare.refresh_from_db()
    assert (bare.excerpt, bare.excerpt_typed) == ("Pasted.", True)
    client.post(_url("research", claim), {**form, f"ev{bare.pk}-typed_excerpt": ""})
    bare.refresh_from_db()
    assert (bare.excerpt, bare.excerpt_typed) == ("", False)


def test_a_quoted_excerpt_is_labelled_as_quoted_from_the_archive(client, editor, reviewer):
    claim = claim_in_status("in_review", editor=editor, reviewer=reviewer)
    snapshot = SnapshotFactory(text="The office says 4.2 per cent.")
    Evidence.objects.create(
        claim=claim,
        source=snapshot.source,
        snapshot=snapshot,
        excerpt="4.2 per cent",
        excerpt_start=16,
        excerpt_end=28,
    )
    client.force_login(editor)
    page = client.get(_url("adjudicate", claim)).content.decode()
    assert "Quoted from the archived copy:" in page and TYPED not in page
    assert 'id="fc-unarchived-warning"' not in page and 'name="confirm_unarchived"' not in page


def test_the_adjudicate_page_shows_the_reviewers_notes_and_explanation(client, editor, reviewer):
    claim = claim_in_status("in_review", editor=editor, reviewer=reviewer)
    snapshot = SnapshotFactory()
    Evidence.objects.create(
        claim=claim,
        source=snapshot.source,
        snapshot=snapshot,
        note="Table 3 <i>row 2</i>; seasonally adjusted.",
    )
    client.force_login(editor)
    page = client.get(_url("adjudicate", claim)).content.decode()
    assert "Reviewer's note:</strong> Table 3 &lt;i&gt;row 2&lt;/i&gt;; seasonally adjusted." in page
    assert "The statistics office&#x27;s March release puts unemployment at 4.2 per cent." in page


def test_approving_on_unarchived_evidence_warns_and_needs_the_box_ticked(client, editor, reviewer):
    claim = claim_in_status("in_review", editor=editor, reviewer=reviewer)
    evidence = _unarchived(claim, stance="refutes", excerpt="Typed.", excerpt_typed=True)
    _unarchived(claim, stance="unrelated")  # not something the verdict rests on
    client.force_login(editor)
    page = client.get(_url("adjudicate", claim)).content.decode()
    assert "1 piece of evidence was never archived." in page
    assert f"<li>{evidence.source.url} (excerpt typed by the reviewer)</li>" in page
    assert 'name="confirm_unarchived"' in page
    refused = client.post(_url("adjudicate", claim), {"approve": "1", "version": claim.version}, follow=True)
    (message,) = _messages(refused)
    assert message.startswith("Not published: 1 piece(s) of evidence were never archived")
    assert Claim.objects.get(pk=claim.pk).status == "in_review"
    done = client.post(
        _url("adjudicate", claim),
        {"approve": "1", "version": claim.version, "confirm_unarchived": "on"},
        follow=True,
    )
    assert _messages(done) == ["Verdict approved and published."]
    assert Claim.objects.get(pk=claim.pk).status == "published"


def test_evidence_archived_since_the_page_was_rendered_needs_no_tick(client, editor, reviewer):
    claim = claim_in_status("in_review", editor=editor, reviewer=reviewer)
    evidence = _unarchived(claim, stance="supports")
    client.force_login(editor)
    assert 'name="confirm_unarchived"' in client.get(_url("adjudicate", claim)).content.decode()
    SnapshotFactory(source=evidence.source)
    done = client.post(_url("adjudicate", claim), {"approve": "1", "version": claim.version}, follow=True)
    assert _messages(done) == ["Verdict approved and published."]
