"""Creating claims: who may, in which status, and which input is refused."""

import pytest

from claims import services
from claims.errors import InvalidInput, NotPermitted
from claims.models import Claim, ClaimEvent
from tests.factories import (
    ArticleFactory,
    ClaimantFactory,
    EditorFactory,
    ReviewerFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def test_an_editor_may_enter_an_open_claim_but_the_system_only_candidates():
    editor = EditorFactory()
    assert services.claim_create(actor=editor, text="Direct entry.", status="open").status == "open"
    assert services.claim_create(actor=None, text="Detected.").status == "candidate"
    with pytest.raises(NotPermitted):
        services.claim_create(actor=None, text="Detected.", status="open")
    with pytest.raises(InvalidInput):
        services.claim_create(actor=editor, text="Straight to published.", status="published")


def test_a_reviewer_cannot_create_claims():
    with pytest.raises(NotPermitted):
        services.claim_create(actor=ReviewerFactory(), text="A claim.")
    assert not Claim.objects.exists()


def test_a_claim_from_an_article_points_into_the_analysed_snapshot_with_its_cited_sources():
    article = ArticleFactory()
    cited = SourceFactory()
    text = article.snapshot.text
    claim = services.claim_create(
        actor=None,
        text=text[:48],
        article=article,
        span=(0, 48),
        claimant=ClaimantFactory(),
        kind="numeric",
        checkworthiness=0.9,
        cited_sources=[cited],
    )
    assert (claim.snapshot, claim.span_start, claim.span_end) == (article.snapshot, 0, 48)
    assert list(claim.cited_sources.all()) == [cited]
    event = ClaimEvent.objects.get(claim=claim)
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "create",
        "",
        "candidate",
        None,
    )
    assert claim.history.get().history_change_reason == "create"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"text": "   "}, "text"),
        ({"kind": "rumour"}, "kind"),
        ({"checkworthiness": 1.5}, "checkworthiness"),
        ({"span": (10, 5), "with_article": True}, "span"),
        ({"span": (0, 10_000), "with_article": True}, "span"),
        ({"span": (0, 5)}, "span"),
        ({"span": "0-5", "with_article": True}, "span"),
    ],
)
def test_malformed_claim_input_is_refused_naming_the_field_and_nothing_is_stored(kwargs, field):
    kwargs = {"text": "Unemployment fell.", **kwargs}
    if kwargs.pop("with_article", False):
        kwargs["article"] = ArticleFactory()
    with pytest.raises(InvalidInput) as refused:
        services.claim_create(actor=EditorFactory(), **kwargs)
    assert refused.value.details["field"] == field
    assert not Claim.objects.exists()


def test_claims_proposed_by_detection_each_get_their_audit_history_row_and_create_event():
    article = ArticleFactory()
    text = article.snapshot.text
    claimant = ClaimantFactory()
    items = [
        {"text": text[:20], "span": (0, 20), "kind": "numeric", "checkworthiness": 0.8, "claimant": claimant},
        {"text": text[20:40], "span": (20, 40), "kind": "quote", "checkworthiness": 0.4, "claimant": None},
    ]
    claims = services.claims_create_detected(article=article, snapshot=article.snapshot, detected=items)
    for claim, item in zip(claims, items, strict=True):
        (record,) = claim.history.all()
        assert record.history_type == "+" and record.history_change_reason == "create: proposed by detection"
        assert record.history_user_id is None
        assert (record.text, record.span_start, record.kind, record.status) == (
            item["text"].strip(),
            item["span"][0],
            item["kind"],
            "candidate",
        )
        assert record.claimant_id == (claimant.pk if item["claimant"] else None)
        assert record.checkworthiness == item["checkworthiness"] and record.article_id == article.pk
        (event,) = ClaimEvent.objects.filter(claim=claim)
        assert (event.action, event.from_status, event.to_status, event.actor_id, event.data) == (
            "create",
            "",
            "candidate",
            None,
            {},
        )
