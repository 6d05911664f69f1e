"""Rows for the API tests, written straight to the database (test setup, not application code).

Kept small and explicit: a published verdict with its claim, claimant, article, evidence and rating.
"""

import hashlib
import itertools
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model

from claims.models import Article, Claim, Claimant, Evidence, Rating, Verdict
from sources.models import Snapshot, Source

_seq = itertools.count(1)
BASE_TIME = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def user(username: str | None = None, **extra):
    name = username or f"user{next(_seq)}"
    return get_user_model().objects.create_user(username=name, password="pw-" + name, **extra)


def rating_scale() -> dict[str, Rating]:
    """The migrated default scale (True 5 .. False 1, Misleading without a value), keyed by slug."""
    return {rating.slug: rating for rating in Rating.objects.all()}


def source(url: str) -> Source:
    obj, _ = Source.objects.get_or_create(url=url, defaults={"domain": url.split("/")[2]})
    return obj


def snapshot(src: Source, text: str = "archived text") -> Snapshot:
    return Snapshot.objects.create(
        source=src,
        fetched_at=BASE_TIME,
        http_status=200,
        sha256=hashlib.sha256(f"{src.url}{text}".encode()).hexdigest(),
        text=text,
    )


def published_verdict(
    *,
    text: str = "Unemployment fell by half in 2025.",
    rating: str = "false",
    claimant: Claimant | None = None,
    article_url: str | None = None,
    language: str = "en",
    published_at: datetime | None = None,
    author=None,
    approver=None,
    state: str = Verdict.State.PUBLISHED,
    evidence_note: str = "internal: call the ministry back",
) -> Verdict:
    """A claim with a verdict in ``state`` (published by default), one kept and one dismissed evidence."""
    n = next(_seq)
    scale = rating_scale()
    claimant = claimant or Claimant.objects.create(
        name=f"Jane Minister {n}", normalized_name=f"jane minister {n}", kind=Claimant.Kind.PERSON
    )
    article = Article.objects.create(
        source=source(article_url or f"https://news.example.com/story-{n}"),
        title=f"Story {n}",
        publisher="Example News",
        published_at=BASE_TIME - timedelta(days=3),
        language=language,
    )
    claim = Claim.objects.create(article=article, text=text, claimant=claimant, status="published")
    kept = source(f"https://stats.example.org/table-{n}")
    Evidence.objects.create(
        claim=claim,
        source=kept,
        snapshot=snapshot(kept),
        excerpt="Unemployment: 5.1% to 4.9%",
        stance=Evidence.Stance.REFUTES,
        note=evidence_note,
    )
    Evidence.objects.create(
        claim=claim,
        source=source(f"https://blog.example.net/rumour-{n}"),
        stance=Evidence.Stance.SUPPORTS,
        dismissed=True,
        note="dismissed suggestion",
    )
    author = author or user()
    is_public = state in (Verdict.State.PUBLISHED, Verdict.State.CORRECTED)
    return Verdict.objects.create(
        claim=claim,
        rating=scale[rating],
        summary="It fell by 0.2 points, not by half.",
        explanation="The statistics office reports 5.1% and 4.9%.",
        author=author,
        approver=(approver or user()) if is_public else None,
        state=state,
        published_at=(published_at or BASE_TIME + timedelta(minutes=n)) if is_public else None,
    )


def correct(verdict: Verdict, *, rating: str = "mostly-true", note: str = "We misread the table.") -> Verdict:
    """Supersede ``verdict`` by a new published verdict on the same claim (as verdict_correct does)."""
    verdict.state = Verdict.State.CORRECTED
    verdict.save()
    return Verdict.objects.create(
        claim=verdict.claim,
        rating=rating_scale()[rating],
        summary="Corrected: it fell a little.",
        explanation="On re-reading the table ...",
        author=verdict.author,
        approver=verdict.approver,
        state=Verdict.State.PUBLISHED,
        published_at=verdict.published_at + timedelta(days=1),
        supersedes=verdict,
        correction_note=note,
    )
