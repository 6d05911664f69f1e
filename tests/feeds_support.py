"""Builders shared by the feeds tests (tests/test_feeds_*.py): fixtures served locally, claims, verdicts."""

from pathlib import Path

from django.test import TestCase

from claims.models import Claim, Verdict
from claims.models_feeds import Feed
from tests.factories import EditorFactory, RatingFactory, ReviewerFactory, VerdictFactory

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"


def fixture(name: str, base: str = "") -> bytes:
    return (FIXTURES / name).read_text().replace("{base}", base.rstrip("/")).encode()


def base_url(web) -> str:
    return web.url_for("/").rstrip("/")


def make_feed(web, path: str, kind: str = Feed.Kind.RSS, **fields) -> Feed:
    return Feed.objects.create(name=path, url=web.url_for(path), kind=kind, **fields)


def make_claim(text: str, status: str = Claim.Status.OPEN) -> Claim:
    return Claim.objects.create(text=text, status=status)


def publish(claim: Claim, rating_slug: str) -> Verdict:
    """Give ``claim`` a published verdict rated ``rating_slug`` (of the migrated default scale)."""
    verdict = VerdictFactory(claim=claim, rating=RatingFactory(slug=rating_slug), published=True)
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.PUBLISHED)
    claim.refresh_from_db()
    return verdict


def editor():
    return EditorFactory()


def reviewer():
    """A reviewer assigned to no claim: sees no claim, so may not work any claim's leads."""
    return ReviewerFactory()


def run(task, *args):
    """Call a task as a worker would and run what it queues on commit (tests run inside a transaction)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return task.delay(*args).get()
