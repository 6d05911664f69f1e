"""Small builders for the admin tests (rows written directly: they set up state, they do not test it).

Users join the migrated role groups (``tests.factories.role_group``); workflow states reached through the
services come from ``tests.factories.claim_in_status``.
"""

import hashlib
import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from claims.models import Article, Claim, Claimant, Evidence, Rating, Verdict
from claims.permissions import EDITOR_GROUP, REVIEWER_GROUP
from sources.models import Snapshot, Source
from tests.factories import role_group

_seq = itertools.count(1)


def user(username: str, *, role: str | None = None, superuser: bool = False, password: str = "pw-12345"):
    """A staff user; ``role`` is "editor" or "reviewer" (the group of that name)."""
    account = get_user_model().objects.create_user(
        username=username,
        email=f"{username}@example.org",
        password=password,
        is_staff=True,
        is_superuser=superuser,
    )
    if role == "editor":
        account.groups.add(role_group(EDITOR_GROUP))
    elif role == "reviewer":
        account.groups.add(role_group(REVIEWER_GROUP))
    return account


def source(url: str | None = None, **fields) -> Source:
    url = url or f"https://news.example.org/story-{next(_seq)}"
    return Source.objects.create(url=url, domain=url.split("/")[2], **fields)


def snapshot(src: Source, text: str, *, links=(), title: str = "") -> Snapshot:
    return Snapshot.objects.create(
        source=src,
        fetched_at=timezone.now(),
        http_status=200,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        text=text,
        title=title,
        links=list(links),
    )


def article(text: str = "Unemployment fell to 3 percent in May.", *, links=(), title: str = "") -> Article:
    src = source()
    snap = snapshot(src, text, links=links, title=title)
    return Article.objects.create(
        source=src, snapshot=snap, title=title, analysis_state=Article.AnalysisState.DONE
    )


def claim(text: str | None = None, *, art: Article | None = None, span=None, **fields) -> Claim:
    """A claim; with ``span`` (start, end) its text is cut from the article's snapshot."""
    if span is not None:
        fields.update(span_start=span[0], span_end=span[1], snapshot=art.snapshot)
        text = text or art.snapshot.text[span[0] : span[1]]
    return Claim.objects.create(
        text=text or f"Claim number {next(_seq)} has 42 items.", article=art, **fields
    )


def claimant(name: str = "Jane Minister") -> Claimant:
    return Claimant.objects.create(name=name, normalized_name=name.lower())


def rating(label: str = "False", colour: str = "#b91c1c", order: int = 0) -> Rating:
    return Rating.objects.get_or_create(
        slug=label.lower().replace(" ", "-"), defaults={"label": label, "colour": colour, "order": order}
    )[0]


def evidence(cl: Claim, **fields) -> Evidence:
    return Evidence.objects.create(claim=cl, source=fields.pop("source", None) or source(), **fields)


def verdict(cl: Claim, author, **fields) -> Verdict:
    return Verdict.objects.create(claim=cl, author=author, **fields)
