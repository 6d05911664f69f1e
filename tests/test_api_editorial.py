"""The authenticated API: who may see and do what (role x endpoint), workflow verbs through the services,
optimistic locking, domain errors, evidence, and authentication by token and by session."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims.models import Claim, ClaimEvent, Evidence
from claims.models_api import WebhookSubscription
from tests.factories import (
    ClaimantFactory,
    EditorFactory,
    EvidenceFactory,
    RatingFactory,
    ReviewerFactory,
    SourceFactory,
    UserFactory,
    claim_in_status,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


def client_for(user) -> APIClient:
    """A machine client authenticated with the user's token."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION="Token " + Token.objects.get_or_create(user=user)[0].key)
    return client


@pytest.fixture
def desk():
    editor, other_editor, reviewer, stranger_reviewer = (
        EditorFactory(),
        EditorFactory(),
        ReviewerFactory(),
        ReviewerFactory(),
    )
    assigned = claim_in_status("researching", editor=editor, reviewer=reviewer)
    unassigned = claim_in_status("open", editor=editor)
    return {
        "editor": editor,
        "other_editor": other_editor,
        "reviewer": reviewer,
        "stranger_reviewer": stranger_reviewer,
        "nobody": UserFactory(),
        "assigned": assigned,
        "unassigned": unassigned,
    }


def listed(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- who sees what ------------------------------------------------------------------------------


def test_anonymous_clients_get_401_on_every_authenticated_endpoint(desk):
    anonymous = APIClient()
    claim = desk["assigned"].pk
    for method, url in [
        ("get", f"{API}/claims/"),
        ("get", f"{API}/claims/{claim}/"),
        ("post", f"{API}/claims/{claim}/triage/"),
        ("get", f"{API}/evidence/"),
        ("post", f"{API}/evidence/"),
        ("get", f"{API}/claimants/"),
        ("get", f"{API}/ratings/"),
        ("get", f"{API}/articles/"),
        ("post", f"{API}/articles/"),
    ]:
        response = getattr(anonymous, method)(url, {}, format="json")
        assert response.status_code == 401, (method, url)
        assert response.json()["code"] == "not_authenticated"


def test_editors_see_every_claim_reviewers_only_theirs_others_none(desk):
    both = {desk["assigned"].pk, desk["unassigned"].pk}

    assert listed(client_for(desk["editor"]).get(f"{API}/claims/")) >= both
    assert listed(client_for(desk["reviewer"]).get(f"{API}/claims/")) == {desk["assigned"].pk}
    assert listed(client_for(desk["stranger_reviewer"]).get(f"{API}/claims/")) == set()
    assert listed(client_for(desk["nobody"]).get(f"{API}/claims/")) == set()


def test_hidden_claims_and_their_evidence_answer_404_not_403(desk):
    evidence = EvidenceFactory(claim=desk["unassigned"], note="internal note")
    reviewer = client_for(desk["reviewer"])

    assert reviewer.get(f"{API}/claims/{desk['unassigned'].pk}/").status_code == 404
    assert reviewer.get(f"{API}/evidence/{evidence.pk}/").status_code == 404
    assert (
        reviewer.post(f"{API}/claims/{desk['unassigned'].pk}/propose/", {}, format="json").status_code == 404
    )
    assert evidence.pk not in listed(reviewer.get(f"{API}/evidence/"))


def test_evidence_notes_are_visible_to_the_desk(desk):
    evidence = EvidenceFactory(claim=desk["assigned"], note="call the ministry back")

    data = client_for(desk["reviewer"]).get(f"{API}/evidence/{evidence.pk}/").json()

    assert data["note"] == "call the ministry back" and data["claim"] == desk["assigned"].pk


def test_claimants_and_ratings_are_readable_by_any_authenticated_user_and_not_writable(desk):
    ClaimantFactory(name="Jane Minister")
    client = client_for(desk["nobody"])

    assert "Jane Minister" in {c["name"] for c in client.get(f"{API}/claimants/").json()["results"]}
    assert "false" in {r["slug"] for r in client.get(f"{API}/ratings/").json()}
    assert (
        client_for(desk["editor"]).post(f"{API}/claimants/", {"name": "X"}, format="json").status_code == 405
    )


# --- workflow verbs ---------------------------------------------------------------------------


def test_the_whole_workflow_through_the_api_publishes_a_public_verdict(
    desk, httpserver, django_capture_on_commit_callbacks, settings
):
    settings.FETCH_ALLOWED_PORTS = [80, 443, httpserver.port]
    httpserver.expect_request("/hook").respond_with_data("ok")
    WebhookSubscription.objects.create(
        name="partner", url=httpserver.url_for("/hook"), secret="x" * 32, events=["verdict.published"]
    )
    editor, reviewer = client_for(desk["editor"]), client_for(desk["reviewer"])
    claim = client_for(desk["editor"]).post(
        f"{API}/claims/",
        {"text": "Crime doubled in 2025.", "claimant": ClaimantFactory().pk, "kind": "numeric"},
        format="json",
    )
    assert claim.status_code == 201 and claim["Location"].endswith(f"/claims/{claim.json()['id']}/")
    url = f"{API}/claims/{claim.json()['id']}"

    steps = [
        (editor, "triage", {"accept": True}, "open"),
        (editor, "assign", {"assignee": desk["reviewer"].pk, "due_date": "2030-01-31"}, "researching"),
        (
            reviewer,
            "propose",
            {"rating": "false", "summary": "It fell.", "explanation": "Statistics office."},
            "in_review",
        ),
        (editor, "approve", {}, "published"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for client, verb, body, status in steps:
            response = client.post(f"{url}/{verb}/", body, format="json")
            assert response.status_code == 200, (verb, response.content)
            assert response.json()["status"] == status
            assert response["ETag"] == f'"{response.json()["version"]}"'

    public = APIClient().get(f"{API}/verdicts/").json()["results"]
    assert [v["claim"]["text"] for v in public] == ["Crime doubled in 2025."]
    ((request, _),) = httpserver.log
    body = json.loads(request.get_data())
    assert body["event"] == "verdict.published" and body["data"]["id"] == public[0]["id"]
    assert "author" not in body["data"]


def test_a_reviewer_cannot_triage_or_approve_and_gets_the_domain_code(desk):
    reviewer = client_for(desk["reviewer"])
    in_review = claim_in_status("in_review", editor=desk["editor"], reviewer=desk["reviewer"])

    triage = reviewer.post(f"{API}/claims/{desk['assigned'].pk}/triage/", {"accept": True}, format="json")
    approve = reviewer.post(f"{API}/claims/{in_review.pk}/approve/", {}, format="json")

    assert triage.status_code == 403 and triage.json()["code"] == "forbidden"
    assert approve.status_code == 403 and approve.json()["code"] == "forbidden"


def test_an_editor_without_a_role_on_the_claim_cannot_propose_for_the_assignee(desk):
    response = client_for(desk["nobody"]).post(
        f"{API}/claims/{desk['assigned'].pk}/propose/", {"rating": "false", "summary": "x"}, format="json"
    )
    assert response.status_code == 404  # not even visible


def test_the_two_person_rule_refuses_an_author_approving_their_own_verdict(desk):
    claim = claim_in_status("researching", editor=desk["editor"], reviewer=desk["other_editor"])
    author = client_for(desk["other_editor"])
    proposed = author.post(
        f"{API}/claims/{claim.pk}/propose/", {"rating": "false", "summary": "No."}, format="json"
    )
    assert proposed.status_code == 200

    response = author.post(f"{API}/claims/{claim.pk}/approve/", {}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden" and response.json()["rule"] == "two_person"


def test_a_transition_from_the_wrong_status_answers_409_naming_it(desk):
    response = client_for(desk["editor"]).post(
        f"{API}/claims/{desk['unassigned'].pk}/approve/", {}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


def test_missing_required_input_answers_400_with_the_field(desk):
    claim = claim_in_status("in_review", editor=desk["editor"], reviewer=desk["reviewer"])
    editor = client_for(desk["editor"])

    no_comment = editor.post(f"{API}/claims/{claim.pk}/send-back/", {}, format="json")
    bad_rating = client_for(desk["reviewer"]).post(
        f"{API}/claims/{desk['assigned'].pk}/propose/", {"rating": "no-such-rating"}, format="json"
    )

    assert no_comment.status_code == 400 and "comment" in no_comment.json()["errors"]
    assert bad_rating.status_code == 400 and "rating" in bad_rating.json()["errors"]


def test_a_stale_version_in_the_body_or_if_match_answers_409_with_the_current_one(desk):
    claim = desk["unassigned"]
    editor = client_for(desk["editor"])
    seen = editor.get(f"{API}/claims/{claim.pk}/")
    version, etag = seen.json()["version"], seen["ETag"]
    assert etag == f'"{version}"'
    assign = {"assignee": desk["reviewer"].pk}
    assert (
        editor.post(
            f"{API}/claims/{claim.pk}/assign/", {**assign, "version": version}, format="json"
        ).status_code
        == 200
    )

    stale_body = editor.post(
        f"{API}/claims/{claim.pk}/assign/",
        {"assignee": desk["stranger_reviewer"].pk, "version": version},
        format="json",
    )
    stale_header = editor.post(
        f"{API}/claims/{claim.pk}/assign/",
        {"assignee": desk["stranger_reviewer"].pk},
        format="json",
        HTTP_IF_MATCH=etag,
    )

    for response in (stale_body, stale_header):
        assert response.status_code == 409
        assert response.json()["code"] == "conflict" and response.json()["current_version"] == version + 1
    claim.refresh_from_db()
    assert claim.assignee == desk["reviewer"]
    current = editor.get(f"{API}/claims/{claim.pk}/")["ETag"]
    fresh = editor.post(
        f"{API}/claims/{claim.pk}/assign/",
        {"assignee": desk["stranger_reviewer"].pk},
        format="json",
        HTTP_IF_MATCH=current,
    )
    assert fresh.status_code == 200
    malformed = editor.post(f"{API}/claims/{claim.pk}/reopen/", {}, format="json", HTTP_IF_MATCH="yesterday")
    assert malformed.status_code == 400 and "If-Match" in malformed.json()["errors"]


def test_merge_needs_a_visible_claim_to_keep(desk):
    keep = claim_in_status("open", editor=desk["editor"])
    editor = client_for(desk["editor"])

    unknown = editor.post(f"{API}/claims/{desk['unassigned'].pk}/merge/", {"keep": 999999}, format="json")
    merged = editor.post(f"{API}/claims/{desk['unassigned'].pk}/merge/", {"keep": keep.pk}, format="json")

    assert unknown.status_code == 400 and "keep" in unknown.json()["errors"]
    assert merged.status_code == 200 and merged.json()["status"] == "duplicate"
    assert merged.json()["duplicate_of"] == keep.pk


def test_correct_and_withdraw_through_the_api(desk):
    claim = claim_in_status("published", editor=desk["editor"], reviewer=desk["reviewer"])
    editor = client_for(desk["editor"])

    corrected = editor.post(  # a wording-only correction: one editor (a re-rating needs a second)
        f"{API}/claims/{claim.pk}/correct/",
        {
            "rating": "false",
            "summary": "It fell a bit.",
            "explanation": "...",
            "correction_note": "Misread.",
        },
        format="json",
    )
    assert corrected.status_code == 200
    states = sorted(v["state"] for v in corrected.json()["verdicts"])
    assert states == ["corrected", "published"]

    withdrawn = editor.post(f"{API}/claims/{claim.pk}/withdraw/", {"reason": "Wrong claim."}, format="json")
    assert withdrawn.status_code == 200
    public_ids = {v["id"] for v in APIClient().get(f"{API}/verdicts/").json()["results"]}
    assert not public_ids & {v["id"] for v in withdrawn.json()["verdicts"] if v["state"] == "withdrawn"}


def test_a_re_rating_through_the_api_waits_for_a_second_editor(desk):
    claim = claim_in_status("published", editor=desk["editor"], reviewer=desk["reviewer"])
    public_id = claim.verdicts.get(state="published").pk
    RatingFactory(slug="mostly-true")
    body = {
        "rating": "mostly-true",
        "summary": "It fell a bit.",
        "explanation": "Revised figures.",
        "correction_note": "Re-rated.",
    }

    asked = client_for(desk["editor"]).post(f"{API}/claims/{claim.pk}/correct/", body, format="json")
    self_approved = client_for(desk["editor"]).post(f"{API}/claims/{claim.pk}/approve/", {}, format="json")
    public_meanwhile = APIClient().get(f"{API}/verdicts/{public_id}/").json()
    approved = client_for(desk["other_editor"]).post(f"{API}/claims/{claim.pk}/approve/", {}, format="json")

    assert asked.status_code == 200 and asked.json()["status"] == "published"
    assert sorted(v["state"] for v in asked.json()["verdicts"]) == ["proposed", "published"]
    assert self_approved.status_code == 403 and self_approved.json()["rule"] == "two_person"
    assert public_meanwhile["rating"]["slug"] == "false" and public_meanwhile["state"] == "published"
    assert approved.status_code == 200
    assert sorted(v["state"] for v in approved.json()["verdicts"]) == ["corrected", "published"]
    current = APIClient().get(f"{API}/verdicts/").json()["results"][0]
    assert current["rating"]["slug"] == "mostly-true" and current["correction_note"] == "Re-rated."


def test_the_author_withdraws_a_proposal_through_the_api_and_gets_the_draft_back(desk):
    claim = claim_in_status("in_review", editor=desk["editor"], reviewer=desk["reviewer"])
    reviewer = client_for(desk["reviewer"])
    etag = reviewer.get(f"{API}/claims/{claim.pk}/")["ETag"]

    stranger = client_for(desk["stranger_reviewer"]).post(
        f"{API}/claims/{claim.pk}/withdraw-proposal/", {}, format="json"
    )
    withdrawn = reviewer.post(
        f"{API}/claims/{claim.pk}/withdraw-proposal/",
        {"reason": "The March figure was revised."},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    repeated = client_for(desk["editor"]).post(
        f"{API}/claims/{claim.pk}/withdraw-proposal/", {"version": claim.version}, format="json"
    )

    assert stranger.status_code == 404
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "researching"
    assert [v["state"] for v in withdrawn.json()["verdicts"]] == ["draft"]
    assert withdrawn["ETag"] == f'"{claim.version + 1}"'
    assert repeated.status_code == 200  # a repeat of what is already done is harmless
    assert ClaimEvent.objects.filter(claim=claim, action="withdraw_proposal").get().actor == desk["reviewer"]


def test_the_assignee_cannot_withdraw_a_proposal_an_editor_wrote_and_it_is_too_late_once_approved(desk):
    claim = desk["assigned"]
    editor = client_for(desk["editor"])
    proposed = editor.post(
        f"{API}/claims/{claim.pk}/propose/", {"rating": "false", "summary": "The editor's."}, format="json"
    )
    assert proposed.status_code == 200

    refused = client_for(desk["reviewer"]).post(
        f"{API}/claims/{claim.pk}/withdraw-proposal/", {}, format="json"
    )
    published = claim_in_status("published", editor=desk["editor"], reviewer=desk["reviewer"])
    too_late = client_for(desk["reviewer"]).post(
        f"{API}/claims/{published.pk}/withdraw-proposal/", {}, format="json"
    )

    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert Claim.objects.get(pk=claim.pk).status == "in_review"
    assert too_late.status_code == 409 and too_late.json()["code"] == "invalid_transition"


def test_the_schema_documents_the_withdraw_proposal_verb():
    schema = APIClient().get(f"{API}/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/claims/{id}/withdraw-proposal/"]["post"]
    assert "Take back a proposal" in operation["summary"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert set(schema["components"]["schemas"][body.rsplit("/", 1)[1]]["properties"]) == {"version", "reason"}


# --- evidence -----------------------------------------------------------------------------------


def test_the_assignee_adds_and_updates_evidence_others_cannot(desk):
    reviewer = client_for(desk["reviewer"])
    body = {
        "claim": desk["assigned"].pk,
        "url": "https://stats.example.org/t1",
        "stance": "refutes",
        "note": "n",
    }

    added = reviewer.post(f"{API}/evidence/", body, format="json")
    assert added.status_code == 201, added.content
    assert added.json()["source_url"] == "https://stats.example.org/t1" and added.json()["added_by"]["id"]

    patched = reviewer.patch(f"{API}/evidence/{added.json()['id']}/", {"stance": "context"}, format="json")
    assert patched.status_code == 200 and patched.json()["stance"] == "context"

    hidden = client_for(desk["stranger_reviewer"]).post(f"{API}/evidence/", body, format="json")
    assert hidden.status_code == 400 and "claim" in hidden.json()["errors"]
    assert Evidence.objects.filter(claim=desk["assigned"]).count() == 1


def test_evidence_cannot_be_added_to_a_published_claim(desk):
    claim = claim_in_status("published", editor=desk["editor"], reviewer=desk["reviewer"])
    source = SourceFactory()

    response = client_for(desk["editor"]).post(
        f"{API}/evidence/", {"claim": claim.pk, "url": source.url}, format="json"
    )

    assert response.status_code in (403, 409)
    assert response.json()["code"] in ("forbidden", "invalid_transition", "invalid")


# --- authentication -------------------------------------------------------------------------------


def test_session_authentication_works_and_enforces_csrf_on_writes(desk):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(desk["editor"])

    assert browser.get(f"{API}/claims/").status_code == 200
    refused = browser.post(
        f"{API}/claims/{desk['unassigned'].pk}/reopen/", "{}", content_type="application/json"
    )
    assert refused.status_code == 403 and "CSRF" in refused.json()["message"]


def test_an_invalid_token_is_refused_even_on_public_endpoints():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get(f"{API}/verdicts/")
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"


@pytest.mark.parametrize("page_size", [2, 8])
def test_the_claim_list_costs_the_same_number_of_queries_whatever_the_page_size(
    desk, django_assert_num_queries, page_size
):
    for _ in range(8):
        claim_in_status("published", editor=desk["editor"])
    client = client_for(desk["editor"])
    client.get(f"{API}/claims/")  # warm: the token's user and groups are loaded per request anyway
    # token + user, groups, claims page (joins), verdicts of the page (with rating, author, approver)
    with django_assert_num_queries(4):
        response = client.get(f"{API}/claims/", {"page_size": page_size})
    assert len(response.json()["results"]) == page_size


def test_events_record_the_api_caller_as_actor(desk):
    client_for(desk["editor"]).post(
        f"{API}/claims/{desk['unassigned'].pk}/assign/", {"assignee": desk["reviewer"].pk}, format="json"
    )
    event = ClaimEvent.objects.filter(claim=desk["unassigned"]).latest("id")
    assert event.actor == desk["editor"] and event.action == "assign"


def test_a_partner_with_the_add_article_permission_sees_no_claims(desk):
    partner = UserFactory()
    partner.user_permissions.add(Permission.objects.get(codename="add_article"))
    assert listed(client_for(partner).get(f"{API}/claims/")) == set()
    assert Claim.objects.exists()
