"""A claim without a claimant: warned about from triage on, settable on the research and adjudicate pages,
and a refused publication says what to do in the editor's words."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from claims import services
from claims.models import Claim, Claimant, ClaimEvent
from tests.factories import ClaimantFactory, EditorFactory, RatingFactory, ReviewerFactory, claim_in_status

pytestmark = pytest.mark.django_db
NO_CLAIMANT = "This claim has no claimant: set one before it can be published."
SCHEMA_WORDS = ("itemReviewed", "reviewRating", "claimReviewed", "ClaimReview")


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


def _run(client, action, claims, query="", **data):
    payload = {"action": action, ACTION_CHECKBOX_NAME: [c.pk for c in claims], **data}
    return client.post(reverse("admin:claims_claim_changelist") + query, payload, follow=True)


def test_accepting_a_claim_without_claimant_warns_but_accepts(client, editor):
    bare = claim_in_status("candidate", editor=editor, claimant=None)
    named = claim_in_status("candidate", editor=editor)
    client.force_login(editor)
    # From the list of candidates, which the accepted claims then leave.
    response = _run(client, "accept", [bare, named], query="?status__exact=candidate")
    assert Claim.objects.filter(pk__in=[bare.pk, named.pk], status="open").count() == 2
    assert _messages(response) == [
        "Accepted: 2 claims.",
        f"This claim has no claimant: set one before it can be published (#{bare.pk}).",
    ]


def test_assigning_claims_without_claimant_warns_with_their_numbers(client, editor, reviewer):
    bare = [claim_in_status("open", editor=editor, claimant=None) for _ in range(2)]
    client.force_login(editor)
    response = _run(client, "assign", bare, query="?status__exact=open", apply="Assign", assignee=reviewer.pk)
    assert Claim.objects.filter(assignee=reviewer, status="researching").count() == 2
    warning = _messages(response)[-1]
    ids = f"#{bare[0].pk}, #{bare[1].pk}"
    assert warning == f"2 claims have no claimant: set one on each before it can be published ({ids})."


def test_proposing_without_claimant_warns_the_reviewer_and_still_proposes(client, reviewer):
    claim = claim_in_status("researching", reviewer=reviewer, claimant=None)
    client.force_login(reviewer)
    data = {
        "propose": "1",
        "version": claim.version,
        "rating": RatingFactory(slug="false").pk,
        "summary": "No.",
    }
    response = client.post(_url("research", claim), data, follow=True)
    assert _messages(response) == ["Verdict proposed for review.", NO_CLAIMANT]
    assert Claim.objects.get(pk=claim.pk).status == "in_review"


def test_the_reviewer_sets_a_new_claimant_on_the_research_page(client, reviewer):
    claim = claim_in_status("researching", reviewer=reviewer, claimant=None)
    client.force_login(reviewer)
    page = client.get(_url("research", claim)).content.decode()
    assert NO_CLAIMANT in page and 'id="fc-claimant-form"' in page
    response = client.post(
        _url("research", claim),
        {
            "set_claimant": "1",
            "claimant-version": claim.version,
            "claimant-name": "Ana López",
            "claimant-kind": "organization",
            "claimant-description": "Lugo city council",
        },
        follow=True,
    )
    assert _messages(response) == ["Claimant set: Ana López."]
    claimant = Claim.objects.get(pk=claim.pk).claimant
    assert (claimant.name, claimant.kind, claimant.description) == (
        "Ana López",
        "organization",
        "Lugo city council",
    )
    page = response.content.decode()
    assert NO_CLAIMANT not in page and "Claimant set" in page  # the history names the step


def test_the_article_s_known_claimants_are_offered_and_matched_by_alias(client, editor, reviewer):
    claim = claim_in_status("in_review", editor=editor, reviewer=reviewer, claimant=None)
    sussex = ClaimantFactory(name="Matthew Sussex", normalized_name="matthew sussex", aliases=["Mr. Sussex"])
    client.force_login(editor)
    response = client.post(
        _url("adjudicate", claim),
        {
            "set_claimant": "1",
            "claimant-version": claim.version,
            "claimant-name": "Mr. Sussex",
            "claimant-kind": "person",
        },
        follow=True,
    )
    assert _messages(response) == ["Claimant set: Matthew Sussex."]
    assert Claim.objects.get(pk=claim.pk).claimant == sussex and Claimant.objects.count() == 1


def test_the_adjudicate_page_offers_claimants_of_the_same_article(client, editor, reviewer):
    from tests.factories import ArticleFactory

    article = ArticleFactory()
    speaker = ClaimantFactory(name="Huiyao Wang")
    services.claim_create(actor=editor, text="Trade grew by 4%.", article=article, claimant=speaker)
    claim = claim_in_status("in_review", editor=editor, reviewer=reviewer, claimant=None, article=article)
    client.force_login(editor)
    page = client.get(_url("adjudicate", claim)).content.decode()
    assert '<datalist id="fc-known-claimants"><option value="Huiyao Wang"></datalist>' in page


def test_approving_without_claimant_is_refused_in_the_editors_words_then_works_once_set(
    client, editor, reviewer
):
    claim = claim_in_status("in_review", editor=editor, reviewer=reviewer, claimant=None)
    client.force_login(editor)
    page = client.get(_url("adjudicate", claim)).content.decode()
    assert NO_CLAIMANT in page
    response = client.post(_url("adjudicate", claim), {"approve": "1", "version": claim.version}, follow=True)
    (message,) = _messages(response)
    assert message == (
        "This verdict cannot be published yet. Set who made this claim (the claimant) before publishing."
    )
    assert not any(word in response.content.decode() for word in SCHEMA_WORDS)
    claim.refresh_from_db()
    data = {"set_claimant": "1", "claimant-version": claim.version, "claimant-name": "Ana Lopez"}
    assert _messages(client.post(_url("adjudicate", claim), data, follow=True)) == [
        "Claimant set: Ana Lopez."
    ]
    claim.refresh_from_db()
    response = client.post(_url("adjudicate", claim), {"approve": "1", "version": claim.version}, follow=True)
    assert _messages(response) == ["Verdict approved and published."]


def test_a_published_claim_offers_no_claimant_form_and_refuses_a_forged_one(client, editor, reviewer):
    claim = claim_in_status("published", editor=editor, reviewer=reviewer)
    before = claim.claimant
    client.force_login(editor)
    assert 'id="fc-claimant-form"' not in client.get(_url("adjudicate", claim)).content.decode()
    response = client.post(
        _url("adjudicate", claim),
        {"set_claimant": "1", "claimant-version": claim.version, "claimant-name": "X Y"},
        follow=True,
    )
    (message,) = _messages(response)
    assert message.startswith("Not possible in the claim's current status:") and "correction" in message
    assert Claim.objects.get(pk=claim.pk).claimant == before
    assert not ClaimEvent.objects.filter(claim=claim, action="set_claimant").exists()


def test_an_empty_claimant_name_is_a_message_and_changes_nothing(client, reviewer):
    claim = claim_in_status("researching", reviewer=reviewer, claimant=None)
    client.force_login(reviewer)
    response = client.post(
        _url("research", claim),
        {"set_claimant": "1", "claimant-version": claim.version, "claimant-name": " "},
        follow=True,
    )
    assert _messages(response) == ["Type the name of who made this claim."]
    assert Claim.objects.get(pk=claim.pk).claimant is None
