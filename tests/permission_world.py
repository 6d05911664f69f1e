"""One small newsroom for the permission table: the principals, and one row of every registered model.

Rows are written directly (any state, fast); the table's cells then act on them through real requests.
Every private text carries a marker (``PRIVATE-...``) so that a leak into public output is easy to spot;
the published verdict carries ``PUBLIC-VERDICT`` so that the leak check can fail.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token, TokenProxy

from claims.models import Article, Claim, Claimant, ClaimEvent, ClaimMatch, Evidence, Rating, Tag, Verdict
from claims.models_api import WebhookDelivery, WebhookSubscription
from claims.models_feeds import ClaimLead, ExternalReview, Feed, FeedItem
from sources.models import Snapshot, Source
from tests.factories import EditorFactory, ReviewerFactory, SuperuserFactory, UserFactory

PRINCIPALS = ("anonymous", "token", "reviewer", "outsider", "editor", "superuser")
"""Who asks. ``token`` is a machine client: a user with no role, no staff flag and the 'add article'
permission, authenticated by its API token (docs/api.md). ``reviewer`` is assigned every claim of the
world; ``outsider`` is a reviewer assigned none. Role users call the API with their own tokens and use the
admin with a session."""

ARTICLE_TEXT = "The minister said unemployment fell to 3.9 per cent in March. Critics disagree."


@dataclass
class World:
    users: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    claims: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)  # model label -> a row of that model
    sessions: dict = field(default_factory=dict)  # principal -> admin session key

    def claim(self, status: str) -> Claim:
        return Claim.objects.get(pk=self.claims[status].pk)


def _snapshot(source: Source, text: str, fetched_at=None) -> Snapshot:
    return Snapshot.objects.create(
        source=source,
        fetched_at=fetched_at or timezone.now(),
        http_status=200,
        sha256=hashlib.sha256(f"{source.url}{text}".encode()).hexdigest(),
        text=text,
        title="Unemployment falls",
    )


def _claim(status: str, *, article, claimant, assignee, n: int, **fields) -> Claim:
    return Claim.objects.create(
        # Only the published claim is public; every other claim's text is private.
        text=f"{'PUBLIC' if status == 'published' else 'PRIVATE'}-CLAIM-{status.upper()} {n}: it fell.",
        article=article,
        claimant=claimant,
        kind=Claim.Kind.NUMERIC,
        status=status,
        assignee=assignee,
        due_date=timezone.localdate() + timedelta(days=7),
        **fields,
    )


def build_world() -> World:
    world = World()
    u = world.users
    u["reviewer"] = ReviewerFactory(username="perm-reviewer", first_name="PRIVATE-REVIEWER-NAME")
    u["outsider"] = ReviewerFactory(username="perm-outsider")
    u["editor"] = EditorFactory(username="perm-editor")
    u["superuser"] = SuperuserFactory(username="perm-superuser")
    u["token"] = UserFactory(username="perm-partner")
    u["token"].user_permissions.add(Permission.objects.get(codename="add_article"))
    # Approved the published verdict; the public never learns who (FACTCHECK_PUBLISH_REVIEWER_NAMES).
    desk_editor = EditorFactory(username="perm-desk-editor", first_name="PRIVATE-EDITOR-NAME")
    for name in ("token", "reviewer", "outsider", "editor", "superuser"):
        world.tokens[name] = Token.objects.create(user=u[name]).key
    reviewer = u["reviewer"]

    source = Source.objects.create(url="https://news.example.org/perm-story", domain="news.example.org")
    older = _snapshot(source, "An older version.", fetched_at=timezone.now() - timedelta(days=1))
    snapshot = _snapshot(source, ARTICLE_TEXT)
    source.current_snapshot = snapshot
    source.save(update_fields=["current_snapshot"])
    article = Article.objects.create(
        source=source,
        snapshot=snapshot,
        title="ARTICLE-TITLE-MARK unemployment story",
        publisher="Example News",
        language="en",
        analysis_state=Article.AnalysisState.DONE,
    )
    claimant = Claimant.objects.create(
        name="Jane Minister", normalized_name="jane minister", kind=Claimant.Kind.PERSON
    )
    rating = Rating.objects.get(slug="false")
    statuses = ("candidate", "open", "researching", "in_review", "published", "dismissed")
    for n, status in enumerate(statuses, start=1):
        world.claims[status] = _claim(status, article=article, claimant=claimant, assignee=reviewer, n=n)
    world.claims["keep"] = _claim("open", article=article, claimant=claimant, assignee=reviewer, n=99)
    keep = world.claims["keep"]
    world.claims["duplicate"] = _claim(
        "duplicate", article=article, claimant=claimant, assignee=None, n=98, duplicate_of=keep
    )
    world.claims["dismissed"].dismiss_reason = "PRIVATE-DISMISS-REASON"
    world.claims["dismissed"].save(update_fields=["dismiss_reason"])
    world.claims["candidate"].span_start, world.claims["candidate"].span_end = 0, 20
    world.claims["candidate"].snapshot = snapshot
    world.claims["candidate"].save(update_fields=["span_start", "span_end", "snapshot"])

    verdict_fields = {"rating": rating, "explanation": "The office says 4.2 per cent."}
    Verdict.objects.create(
        claim=world.claims["researching"], author=reviewer, summary="PRIVATE-DRAFT-SUMMARY", **verdict_fields
    )
    Verdict.objects.create(
        claim=world.claims["in_review"],
        author=reviewer,
        state=Verdict.State.PROPOSED,
        summary="PRIVATE-PROPOSED-SUMMARY",
        **verdict_fields,
    )
    published = Verdict.objects.create(
        claim=world.claims["published"],
        author=reviewer,
        approver=desk_editor,
        state=Verdict.State.PUBLISHED,
        published_at=timezone.now(),
        summary="PUBLIC-VERDICT: it fell to 4.2 per cent, not 3.9.",
        **verdict_fields,
    )
    # Withdrawn: it was public once, and is no more (the claim went back to open).
    Verdict.objects.create(
        claim=world.claims["open"],
        author=reviewer,
        approver=desk_editor,
        state=Verdict.State.WITHDRAWN,
        published_at=timezone.now() - timedelta(days=2),
        summary="PRIVATE-WITHDRAWN-SUMMARY",
        **verdict_fields,
    )
    ClaimEvent.objects.create(
        claim=world.claims["published"],
        actor=desk_editor,
        action="send_back",
        from_status="in_review",
        to_status="researching",
        comment="PRIVATE-AUDIT-COMMENT",
    )
    evidence_source = Source.objects.create(
        url="https://stats.example.org/perm-table", domain="stats.example.org"
    )
    evidence = Evidence.objects.create(
        claim=world.claims["researching"],
        source=evidence_source,
        snapshot=_snapshot(evidence_source, "Unemployment rate: 4.2 per cent."),
        excerpt="Unemployment rate: 4.2 per cent.",
        stance=Evidence.Stance.REFUTES,
        note="PRIVATE-EVIDENCE-NOTE",
        added_by=reviewer,
    )
    Evidence.objects.create(
        claim=world.claims["published"],
        source=evidence_source,
        excerpt="Unemployment rate: 4.2 per cent.",
        stance=Evidence.Stance.REFUTES,
        note="PRIVATE-PUBLISHED-EVIDENCE-NOTE",
        added_by=reviewer,
    )
    # Evidence the public verdict leaves out: dismissed, and of no stance.
    for n, (stance, dismissed) in enumerate(
        [(Evidence.Stance.SUPPORTS, True), (Evidence.Stance.UNKNOWN, False)]
    ):
        hidden_source = Source.objects.create(
            url=f"https://rumour.example.net/{n}", domain="rumour.example.net"
        )
        Evidence.objects.create(
            claim=world.claims["published"],
            source=hidden_source,
            excerpt=f"PRIVATE-LEFT-OUT-EXCERPT {n}",
            stance=stance,
            dismissed=dismissed,
        )

    feed = Feed.objects.create(name="Wire", url="https://wire.example.org/feed.xml")
    item = FeedItem.objects.create(feed=feed, guid="wire-1", url="https://wire.example.org/1", title="Wire 1")
    review = ExternalReview.objects.create(
        url="https://other-checker.example.org/review-1",
        publisher_name="Other Checker",
        claim_reviewed="Unemployment fell to 3.9 per cent.",
        textual_rating="False",
    )
    lead = ClaimLead.objects.create(
        claim=world.claims["researching"],
        kind=ClaimLead.Kind.CHECKED_ELSEWHERE,
        external_review=review,
        score=0.9,
    )
    match = ClaimMatch.objects.create(
        claim=world.claims["open"], candidate=world.claims["published"], score=0.95, ranker="lexical"
    )
    subscription = WebhookSubscription.objects.create(
        name="Partner hook",
        url="https://hooks.example.org/in",
        secret="s" * 32,
        events=["verdict.published"],
        is_active=False,
        consecutive_failures=5,
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event="verdict.published",
        payload={},
        status=WebhookDelivery.Status.FAILED,
        attempts=5,
    )
    scratch_user = UserFactory(username="perm-scratch")
    Token.objects.create(user=scratch_user)
    long_ago = timezone.now() - timedelta(days=400)
    attempt = AccessAttempt.objects.create(
        username="x", ip_address="192.0.2.1", user_agent="ua", failures_since_start=1, attempt_time=long_ago
    )
    world.objects.update(
        {
            "auth.Group": Group.objects.create(name="Scratch group"),
            "auth.User": scratch_user,
            "authtoken.TokenProxy": TokenProxy.objects.get(user=scratch_user),
            "axes.AccessAttempt": attempt,
            "axes.AccessLog": AccessLog.objects.create(username="x", ip_address="192.0.2.1", user_agent="ua"),
            "axes.AccessFailureLog": AccessFailureLog.objects.create(
                username="x", ip_address="192.0.2.1", user_agent="ua"
            ),
            "sources.Source": source,
            "sources.Snapshot": snapshot,
            "sources.Snapshot.older": older,
            "claims.Feed": feed,
            "claims.FeedItem": item,
            "claims.ExternalReview": review,
            "claims.ClaimLead": lead,
            "claims.ClaimMatch": match,
            "claims.Article": article,
            "claims.Claim": world.claims["researching"],
            "claims.Evidence": evidence,
            "claims.Claimant": claimant,
            "claims.Tag": Tag.objects.create(name="perm-tag"),
            "claims.Rating": Rating.objects.create(slug="perm-rating", label="Perm rating", order=50),
            "claims.Verdict": published,
            "claims.WebhookSubscription": subscription,
            "claims.WebhookDelivery": delivery,
        }
    )
    return world


def reload(obj):
    """The row as stored now, or None when it is gone."""
    # Not ``obj.pk``: DRF's TokenProxy answers its user's id there, for the admin's URLs.
    return type(obj)._default_manager.filter(pk=getattr(obj, obj._meta.pk.attname)).first()


@pytest.fixture(scope="module", name="world")
def world_fixture(django_db_setup, django_db_blocker):
    """The newsroom, built once per module inside a transaction that is rolled back at the end.

    Each test runs in its own savepoint inside it (pytest-django's ``db``), so tests cannot see each
    other's writes and no row outlives the module. Staff are logged in once (``World.sessions``).
    """
    # The sidebar lists every app on every admin page (half a page's rendering time here); it links only
    # to pages the permission table checks itself, and is switched back on when the module ends.
    sidebar, admin.site.enable_nav_sidebar = admin.site.enable_nav_sidebar, False
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_world()
            for principal in PRINCIPALS[1:]:
                client = Client()
                client.force_login(world.users[principal])
                world.sessions[principal] = client.cookies[settings.SESSION_COOKIE_NAME].value
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            admin.site.enable_nav_sidebar = sidebar
