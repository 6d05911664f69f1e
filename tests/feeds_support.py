"""Builders shared by the feeds tests (tests/test_feeds_*.py): fixtures served locally, claims, verdicts."""

from pathlib import Path

from django.contrib.auth.models import Permission, User
from django.test import TestCase
from django.utils import timezone

from claims.models import Claim, Rating, Verdict
from claims.models_feeds import Feed

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"


def fixture(name: str, base: str = "") -> bytes:
    return (FIXTURES / name).read_text().replace("{base}", base.rstrip("/")).encode()


def base_url(web) -> str:
    return web.url_for("/").rstrip("/")


def make_feed(web, path: str, kind: str = Feed.Kind.RSS, **fields) -> Feed:
    return Feed.objects.create(name=path, url=web.url_for(path), kind=kind, **fields)


def make_claim(text: str, status: str = Claim.Status.OPEN) -> Claim:
    return Claim.objects.create(text=text, status=status)


def rating_scale() -> dict[str, Rating]:
    values = {"false": 0, "mostly-false": 1, "half-true": 2, "mostly-true": 3, "true": 4}
    return {
        slug: Rating.objects.get_or_create(
            slug=slug, defaults={"label": slug.title(), "value": v, "order": v}
        )[0]
        for slug, v in values.items()
    }


def publish(claim: Claim, rating_slug: str) -> Verdict:
    author = User.objects.get_or_create(username="verdict-author")[0]
    verdict = Verdict.objects.create(
        claim=claim,
        rating=rating_scale()[rating_slug],
        author=author,
        state=Verdict.State.PUBLISHED,
        published_at=timezone.now(),
    )
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.PUBLISHED)
    claim.refresh_from_db()
    return verdict


def reviewer(username: str = "reviewer", *, allowed: bool = True) -> User:
    user = User.objects.create_user(username=username, password="pw-for-tests", is_staff=True)
    if allowed:
        user.user_permissions.add(
            *Permission.objects.filter(codename__in=["change_claimlead", "view_claimlead", "view_claim"])
        )
    return User.objects.get(pk=user.pk)  # drop the permission cache


def run(task, *args):
    """Call a task as a worker would and run what it queues on commit (tests run inside a transaction)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return task.delay(*args).get()
