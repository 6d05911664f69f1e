import pytest
from django.urls import reverse

from claims import services
from claims.models import Claim, Evidence, Verdict
from tests.factories import (
    EditorFactory,
    RatingFactory,
    ReviewerFactory,
    SnapshotFactory,
    SourceFactory,
    claim_in_status,
)

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _url(name, claim):
    return reverse(f"admin:claims_claim_{name}", args=[claim.pk])


@pytest.fixture
def editor():
    return EditorFactory()


@pytest.fixture
def reviewer():
    return ReviewerFactory()


def test_adjudication_page_shows_verdict_evidence_by_stance_context_and_history(client, editor, reviewer):
    claim = claim_in_status("in_review", editor=editor, reviewer=reviewer)
    src = SourceFactory()
    snap = SnapshotFactory(source=src, text="Prefix. The office says <b>4.2</b> per cent. Suffix.")
    Evidence.objects.create(
        claim=claim, source=src, snapshot=snap, stance="refutes", excerpt_start=8, excerpt_end=44
    )
    client.force_login(editor)
    page = client.get(_url("adjudicate", claim)).content.decode()
    assert "The rate fell to 4.2 per cent, not 3.9." in page
    assert "<h3>Refutes (1)</h3>" in page
    assert '<mark class="fc-excerpt">The office says &lt;b&gt;4.2&lt;/b&gt; per cent.</mark>' in page
    assert f'name="version" value="{claim.version}"' in page


def test_approve_publishes_the_verdict(client, editor, reviewer):
    claim = claim_in_status("in_review", editor=editor, reviewer=reviewer)
    client.force_login(editor)
    response = client.post(_url("adjudicate", claim), {"approve": "1", "version": claim.version}, follow=True)
    assert "Verdict approved and published." in _messages(response)
    assert Claim.objects.get(pk=claim.pk).status == "published"


def test_a_stale_version_is_reported_as_a_message_not_an_error_page(client, editor, reviewer):
    claim = claim_in_status("in_review", editor=editor, reviewer=reviewer)
    client.force_login(editor)
    response = client.post(
        _url("adjudicate", claim), {"approve": "1", "version": claim.version - 1}, follow=True
    )
    assert response.status_code == 200
    (message,) = _messages(response)
    assert "Someone else changed this claim" in message and "Reload the page" in message
    assert Claim.objects.get(pk=claim.pk).status == "in_review"


def test_two_person_rule_is_shown_as_a_message(client, editor):
    claim = claim_in_status("researching", editor=editor, reviewer=editor)
    services.verdict_propose(claim=claim, actor=editor, rating=RatingFactory(slug="false"), summary="Wrong.")
    claim.refresh_from_db()
    client.force_login(editor)
    response = client.post(_url("adjudicate", claim), {"approve": "1", "version": claim.version}, follow=True)
    (message,) = _messages(response)
    assert message.startswith("Not allowed:") and "two-person" in message.lower()
    assert Claim.objects.get(pk=claim.pk).status == "in_review"


def test_send_back_requires_a_comment(client, editor, reviewer):
    claim = claim_in_status("in_review", editor=editor, reviewer=reviewer)
    client.force_login(editor)
    response = client.post(
        _url("adjudicate", claim), {"send_back": "1", "version": claim.version}, follow=True
    )
    assert "A comment is required to send a verdict back" in _messages(response)[0]
    assert Claim.objects.get(pk=claim.pk).status == "in_review"
    client.post(
        _url("adjudicate", claim),
        {"send_back": "1", "version": claim.version, "comment": "Cite the release."},
    )
    assert Claim.objects.get(pk=claim.pk).status == "researching"


def test_reviewer_cannot_open_the_adjudication_page_nor_approve(client, editor, reviewer):
    claim = claim_in_status("in_review", editor=editor, reviewer=reviewer)
    client.force_login(reviewer)
    assert client.get(_url("adjudicate", claim)).status_code == 403
    assert (
        client.post(_url("adjudicate", claim), {"approve": "1", "version": claim.version}).status_code == 403
    )
    assert Claim.objects.get(pk=claim.pk).status == "in_review"


def test_correction_needs_a_public_note_and_supersedes_the_published_verdict(client, editor, reviewer):
    claim = claim_in_status("published", editor=editor, reviewer=reviewer)
    rating = RatingFactory(slug="false")
    client.force_login(editor)
    data = {
        "version": claim.version,
        "rating": rating.pk,
        "summary": "Unemployment was 4.2 per cent.",
        "explanation": "Corrected figure.",
    }
    response = client.post(_url("correct", claim), data, follow=True)
    assert "A public correction note is required." in _messages(response)
    response = client.post(
        _url("correct", claim), {**data, "correction_note": "We misread the table."}, follow=True
    )
    assert "Correction published." in _messages(response)
    current = Verdict.objects.get(claim=claim, state="published")
    assert current.correction_note == "We misread the table." and current.supersedes.state == "corrected"


# Committed for real, so the pull queued on commit runs in the request as it does in `make run`.
@pytest.mark.django_db(transaction=True)
def test_reviewer_adds_evidence_sets_stance_and_excerpt_and_proposes(client, reviewer, settings, httpserver):
    settings.FETCH_ALLOWED_PORTS = ["*"]
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/report").respond_with_data(
        "<html><body><article><p>Unemployment was 4.2 per cent in March, the office said.</p>"
        "</article></body></html>",
        content_type="text/html",
    )
    claim = claim_in_status("researching", reviewer=reviewer)
    client.force_login(reviewer)
    url = _url("research", claim)
    response = client.post(
        url, {"add_evidence": "1", "url": httpserver.url_for("/report"), "stance": "refutes"}, follow=True
    )
    # As in `make run`: the pull queued on commit ran in the request, before the message.
    assert "Evidence added; its page is archived." in _messages(response)
    evidence = claim.evidence.get()
    assert evidence.stance == "refutes"
    page = client.get(url).content.decode()
    assert "fc-pull-state" in page
    evidence.refresh_from_db()
    snapshot = evidence.snapshot or evidence.source.latest_snapshot
    if snapshot is not None:
        start = snapshot.text.index("Unemployment")
        client.post(
            url,
            {
                "update_evidence": evidence.pk,
                f"ev{evidence.pk}-evidence": evidence.pk,
                f"ev{evidence.pk}-stance": "refutes",
                f"ev{evidence.pk}-excerpt_start": start,
                f"ev{evidence.pk}-excerpt_end": start + 32,
            },
        )
        evidence.refresh_from_db()
        assert evidence.excerpt == "Unemployment was 4.2 per cent in"
    claim.refresh_from_db()
    client.post(
        url,
        {
            "propose": "1",
            "version": claim.version,
            "rating": RatingFactory(slug="false").pk,
            "summary": "It was 4.2 per cent.",
            "explanation": "See the report.",
        },
    )
    assert Claim.objects.get(pk=claim.pk).status == "in_review"


def test_reviewer_cannot_see_another_reviewers_claim_or_draft(client, reviewer):
    other = ReviewerFactory()
    theirs = claim_in_status("researching", reviewer=other)
    services.verdict_save_draft(claim=theirs, actor=other, summary="Secret draft")
    mine = claim_in_status("researching", reviewer=reviewer)
    client.force_login(reviewer)
    assert client.get(_url("research", theirs)).status_code == 404
    assert client.get(_url("change", theirs)).status_code in (302, 404)
    listed = client.get(reverse("admin:claims_claim_changelist")).context["cl"].result_list
    assert [c.pk for c in listed] == [mine.pk]
    verdicts = client.get(reverse("admin:claims_verdict_changelist")).content.decode()
    assert "Secret draft" not in verdicts


def test_reviewer_research_page_has_no_approve_or_publish_controls(client, reviewer):
    claim = claim_in_status("in_review", reviewer=reviewer)
    client.force_login(reviewer)
    page = client.get(_url("research", claim)).content.decode()
    assert "Approve" not in page and "publish" not in page.lower().replace("published", "")


def test_a_re_rating_in_the_admin_waits_for_another_editor_to_approve_it(client, editor, reviewer):
    claim = claim_in_status("published", editor=editor, reviewer=reviewer)
    public = Verdict.objects.get(claim=claim, state="published")
    client.force_login(editor)
    data = {
        "version": claim.version,
        "rating": RatingFactory(slug="half-true").pk,
        "summary": "Unemployment was 4.2 per cent.",
        "explanation": "Corrected figure.",
        "correction_note": "Re-rated after the revision.",
    }
    response = client.post(_url("correct", claim), data, follow=True)
    assert any("waits for another editor" in m for m in _messages(response))
    assert Verdict.objects.get(claim=claim, state="published") == public

    approve = {"approve_rerating": "1", "version": Claim.objects.get(pk=claim.pk).version}
    response = client.post(_url("correct", claim), approve, follow=True)
    assert any("Two-person rule" in m for m in _messages(response))

    second = EditorFactory()
    client.force_login(second)
    page = client.get(_url("correct", claim)).content.decode()
    assert "Re-rating waiting for a second editor" in page and "Re-rated after the revision." in page
    response = client.post(_url("correct", claim), approve, follow=True)
    assert "Re-rating approved and published." in _messages(response)
    current = Verdict.objects.get(claim=claim, state="published")
    assert (current.rating.slug, current.approver) == ("half-true", second)


def test_the_history_reads_in_words_not_event_codes(client, editor, reviewer):
    claim = claim_in_status("in_review", editor=editor, reviewer=reviewer)
    client.force_login(editor)

    history = client.get(_url("adjudicate", claim)).content.decode().split('id="fc-history"')[1]
    change_page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()

    assert "Verdict proposed" in history and "Assigned" in history
    for code in ("save_draft", "evidence_add", "<td>propose</td>", "<td>assign</td>"):
        assert code not in history
    assert "Verdict proposed" in change_page


def test_the_in_review_list_links_each_claim_to_its_adjudicate_page(client, editor, reviewer):
    claim = claim_in_status("in_review", editor=editor, reviewer=reviewer)
    client.force_login(editor)

    page = client.get(
        reverse("admin:claims_claim_changelist"), {"status__exact": "in_review"}
    ).content.decode()

    assert f'href="{_url("adjudicate", claim)}"' in page


def test_a_published_claims_page_links_to_its_public_check(client, editor, reviewer):
    claim = claim_in_status("published", editor=editor, reviewer=reviewer)
    public = claim.verdicts.get(state="published")
    client.force_login(editor)

    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()

    assert f'href="{reverse("public-verdict", args=[public.pk])}"' in page


def test_a_reviewers_home_offers_no_link_that_only_answers_403(client, reviewer):
    client.force_login(reviewer)

    home = client.get(reverse("admin:index")).content.decode()

    assert reverse("admin:claims_my_queue") in home
    assert reverse("admin:claims_dashboard") not in home
    assert "status__exact=candidate" not in home and "status__exact=in_review" not in home
    assert client.get(reverse("admin:claims_dashboard")).status_code == 403
