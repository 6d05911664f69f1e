"""Stand-in for ``claims.ingestion.submit_article`` until the ingestion work lands (then delegate to it).

Creates the Article in state "queued" so that the API can answer 202 at once, and keeps whatever was
submitted: a URL becomes its Source (pulled by the sources pipeline); HTML or text is stored as a
Snapshot, of the given URL's Source or, without a URL, of a never-pulled placeholder Source named by the
content hash (``https://submitted.invalid/<sha256>``; ``.invalid`` never resolves, RFC 6761). The same
URL or the same content returns the existing article instead of a duplicate.
"""

import hashlib

from django.db import transaction

from claims.models import Article
from sources.models import Source
from sources.services import record_snapshot, request_pull, source_for_url

PLACEHOLDER_HOST = "submitted.invalid"


def _placeholder_source(sha256: str) -> Source:
    source, _ = Source.objects.get_or_create(
        url=f"https://{PLACEHOLDER_HOST}/{sha256}",
        defaults={"domain": PLACEHOLDER_HOST, "next_pull_at": None},
    )
    return source


def article_submit(
    *, actor, url: str = "", html: str = "", text: str = "", title: str = ""
) -> tuple[Article, bool]:
    """Record an article for analysis; return (article, created). Raise sources.errors.InvalidURL."""
    if not (html or text):
        source = source_for_url(url)
        with transaction.atomic():
            article, created = Article.objects.get_or_create(
                source=source,
                defaults={"input_kind": Article.InputKind.URL, "submitted_by": actor, "title": title},
            )
            if created:
                request_pull([source.pk])
        return article, created
    kind = Article.InputKind.HTML if html else Article.InputKind.TEXT
    body = (html or text).encode()
    sha256 = hashlib.sha256(body).hexdigest()
    existing = Article.objects.filter(content_sha256=sha256).first()
    if existing is not None:
        return existing, False
    source = source_for_url(url) if url else _placeholder_source(sha256)
    # Extraction runs here, outside any transaction; the snapshot is deduplicated by its hash.
    snapshot, _ = record_snapshot(
        source=source, body=body, content_type="text/html" if html else "text/plain; charset=utf-8"
    )
    with transaction.atomic():
        article, created = Article.objects.get_or_create(
            source=source,
            defaults={
                "input_kind": kind,
                "snapshot": snapshot,
                "content_sha256": sha256,
                "title": title or snapshot.title,
                "submitted_by": actor,
            },
        )
    return article, created
