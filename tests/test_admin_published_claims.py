"""A published claim's public fields (text, restatement, claimant, kind) change only through a correction."""

import pytest
from django.urls import reverse

from claims import services
from claims.errors import TransitionNotAllowed
from claims.models import Claim, ClaimEvent
from tests.factories import ClaimantFactory, EditorFactory, ReviewerFactory, claim_in_status

pytestmark = pytest.mark.django_db


def _change_url(claim):
    return reverse("admin:claims_claim_change", args=[claim.pk])


def _posted_form(client, url, **overrides):
    """The change form as the browser would send it back (inline formsets included), with overrides."""
    context = client.get(url).context
    data = {}
    forms = [context["adminform"].form]
    for inline in context.get("inline_admin_formsets", ()):  # a history page has none
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None:
                data[form.add_prefix(name)] = value
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["reviewer", "editor"])
def test_the_change_form_cannot_change_the_wording_of_a_published_claim(client, role):
    editor, reviewer = EditorFactory(), ReviewerFactory()
    claim = claim_in_status("published", editor=editor, reviewer=reviewer, restatement="Jobless rate: 3.9%")
    other = ClaimantFactory()
    client.force_login(reviewer if role == "reviewer" else editor)
    url = _change_url(claim)
    page = client.get(url).content.decode()
    assert 'name="text"' not in page and 'name="restatement"' not in page

    data = _posted_form(
        client, url, text="Rewritten.", restatement="Rewritten.", kind="quote", claimant=other.pk
    )
    response = client.post(url, data)

    assert response.status_code == 302
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.text, stored.restatement) == (claim.text, "Jobless rate: 3.9%")
    assert (stored.kind, stored.claimant_id) == (claim.kind, claim.claimant_id)
    public = client.get(f"/api/v1/verdicts/{claim.verdicts.get(state='published').pk}/").json()
    assert public["claim"]["restatement"] == "Jobless rate: 3.9%"


def test_the_priority_of_a_published_claim_can_still_change(client):
    editor = EditorFactory()
    claim = claim_in_status("published", editor=editor)
    client.force_login(editor)

    client.post(_change_url(claim), _posted_form(client, _change_url(claim), priority=3))

    assert Claim.objects.get(pk=claim.pk).priority == 3


def test_editing_an_open_claim_is_recorded_in_the_audit_trail(client):
    editor = EditorFactory()
    claim = claim_in_status("open", editor=editor)
    client.force_login(editor)

    client.post(_change_url(claim), _posted_form(client, _change_url(claim), restatement="Jobs: 3.9%"))

    stored = Claim.objects.get(pk=claim.pk)
    assert stored.restatement == "Jobs: 3.9%" and stored.version == claim.version + 1
    event = ClaimEvent.objects.filter(claim=claim).latest("id")
    assert (event.action, event.actor, event.data) == ("edit", editor, {"fields": ["restatement"]})


def test_a_reopened_claim_keeps_its_public_wording_read_only(client):
    editor = EditorFactory()
    claim = services.claim_reopen(claim=claim_in_status("published", editor=editor), actor=editor)
    client.force_login(editor)

    client.post(_change_url(claim), _posted_form(client, _change_url(claim), text="Rewritten."))

    assert Claim.objects.get(pk=claim.pk).text == claim.text


def test_reverting_a_published_claim_to_an_older_version_keeps_its_wording(client):
    editor = EditorFactory()
    claim = claim_in_status("published", editor=editor)
    first = claim.history.order_by("history_id").first()
    Claim.objects.filter(pk=claim.pk).update(text="Reworded before publication.")  # the old version differs
    client.force_login(editor)
    url = reverse("admin:claims_claim_simple_history", args=[claim.pk, first.history_id])

    client.post(url, _posted_form(client, url, text=first.text))

    assert Claim.objects.get(pk=claim.pk).text == "Reworded before publication."


def test_the_service_refuses_to_change_a_published_claims_text_whoever_calls_it():
    editor = EditorFactory()
    claim = claim_in_status("published", editor=editor)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.claim_edit(claim=claim, actor=editor, text="Rewritten.", priority=2)

    assert refused.value.details["fields"] == ["text"]
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.text == claim.text and stored.priority == claim.priority
