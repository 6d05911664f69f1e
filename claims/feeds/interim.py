"""Stand-ins for collaborators still being written on other branches; delete each once its real one lands.

Every function first uses the real implementation when it can be imported (``sources.fetching``,
``sources.services``, ``claims.services``, ``claims.matching``) and only falls back to the small local
version below otherwise. The fallbacks exist so that feeds can be built and tested before those branches
merge; none of them is meant for production:

- ``http_get`` fallback: requests with timeouts, a byte cap, http(s) only and a one-shot address check
  (no pinned connection, no robots.txt, no politeness). Replaced by ``sources.fetching.fetch``.
- ``source_for_url`` / ``request_pull`` fallback: get-or-create the Source, then fetch it in-process and
  store a Snapshot. Replaced by ``sources.services`` (whose pull task sends ``snapshot_changed``).
- ``evidence_add`` / ``claim_flag_needs_update`` fallback: minimal writes with an audit event.
- ``get_ranker`` fallback: :class:`claims.feeds.lexical.LexicalRanker`.
"""

import hashlib
import ipaddress
import logging
import socket
import zlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass
class HttpResponse:
    """What feeds need of a fetch: status (200 or 304), body, and the validators for the next poll."""

    status: int
    body: bytes
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    final_url: str = ""


class FetchFailed(Exception):
    """A fetch that produced no usable response; ``transient`` says whether a retry may succeed."""

    def __init__(self, message: str, *, transient: bool, retry_after: float | None = None):
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after


TRANSIENT_STATUSES = {408, 425, 429, 500, 502, 503, 504}


def http_get(url: str, *, etag: str = "", last_modified: str = "") -> HttpResponse:
    """Fetch ``url`` conditionally; raise :class:`FetchFailed` on any error or non-200/304 status."""
    try:
        from sources import fetching
    except ImportError:
        return _fallback_get(url, etag=etag, last_modified=last_modified)
    return _from_fetch_result(fetching.fetch(url, etag=etag or None, last_modified=last_modified or None))


def _from_fetch_result(result) -> HttpResponse:
    # Attribute names follow the sources branch's FetchResult; checked at merge time (see docs/feeds.md).
    error = getattr(result, "error", None)
    status = getattr(result, "status", None) or getattr(result, "status_code", None) or 0
    if error:
        raise FetchFailed(str(error), transient=bool(getattr(result, "transient", False)))
    if status not in (200, 304):
        raise FetchFailed(f"HTTP {status}", transient=status in TRANSIENT_STATUSES)
    return HttpResponse(
        status=status,
        body=getattr(result, "body", None) or getattr(result, "content", b"") or b"",
        content_type=getattr(result, "content_type", "") or "",
        etag=getattr(result, "etag", "") or "",
        last_modified=getattr(result, "last_modified", "") or "",
        final_url=getattr(result, "final_url", "") or getattr(result, "url", "") or "",
    )


def _check_address(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchFailed(f"only http(s) URLs can be fetched: {url!r}", transient=False)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if port not in settings.FETCH_ALLOWED_PORTS and not settings.FETCH_ALLOW_LOOPBACK:
        raise FetchFailed(f"port {port} is not allowed", transient=False)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise FetchFailed(f"cannot resolve {parts.hostname}: {exc}", transient=True) from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_loopback and settings.FETCH_ALLOW_LOOPBACK:
            continue
        if not address.is_global:
            raise FetchFailed(f"{parts.hostname} resolves to a forbidden address", transient=False)


def _fallback_get(url: str, *, etag: str, last_modified: str) -> HttpResponse:
    import requests

    _check_address(url)
    headers = {"User-Agent": settings.FETCH_USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        with requests.get(
            url, headers=headers, timeout=settings.FETCH_TIMEOUT, stream=True, allow_redirects=False
        ) as response:
            body = response.raw.read(settings.FETCH_MAX_BYTES + 1, decode_content=True)
    except requests.RequestException as exc:
        raise FetchFailed(f"{type(exc).__name__}: {exc}", transient=True) from exc
    if len(body) > settings.FETCH_MAX_BYTES:
        raise FetchFailed("response too large", transient=False)
    if response.status_code not in (200, 304):
        retry_after = response.headers.get("Retry-After", "")
        raise FetchFailed(
            f"HTTP {response.status_code}",
            transient=response.status_code in TRANSIENT_STATUSES,
            retry_after=float(retry_after) if retry_after.isdigit() else None,
        )
    return HttpResponse(
        status=response.status_code,
        body=body,
        content_type=response.headers.get("Content-Type", ""),
        etag=response.headers.get("ETag", ""),
        last_modified=response.headers.get("Last-Modified", ""),
        final_url=url,
    )


def source_for_url(url: str):
    """Return the Source for ``url`` (created if new)."""
    try:
        from sources.services import source_for_url as real
    except ImportError:
        from sources.models import Source

        source, _ = Source.objects.get_or_create(url=url, defaults={"domain": urlsplit(url).hostname or ""})
        return source
    return real(url)


def request_pull(source_ids: list[int]) -> None:
    """Queue pulls of these sources; the pipeline announces new content with ``snapshot_changed``."""
    try:
        from sources.services import request_pull as real
    except ImportError:
        for source_id in source_ids:
            _fallback_pull(source_id)
        return
    real(source_ids)


def _fallback_pull(source_id: int) -> None:
    from claims.feeds import pipeline
    from sources.models import Snapshot, Source

    source = Source.objects.get(pk=source_id)
    try:
        response = http_get(source.url)
    except FetchFailed as exc:
        Source.objects.filter(pk=source_id).update(state="failed", last_error=str(exc))
        return
    digest = hashlib.sha256(response.body).hexdigest()
    with transaction.atomic():
        snapshot, created = Snapshot.objects.get_or_create(
            source=source,
            sha256=digest,
            defaults={
                "fetched_at": timezone.now(),
                "http_status": response.status,
                "final_url": response.final_url,
                "content_type": response.content_type,
                "raw_body": zlib.compress(response.body),
            },
        )
        Source.objects.filter(pk=source_id).update(state="ok", last_checked_at=timezone.now())
    if created:
        pipeline.on_snapshot_changed(source_id=source_id, new_snapshot_id=snapshot.pk)


def evidence_add(*, claim, actor, url: str, stance: str, excerpt: str, note: str):
    """Attach ``url`` to ``claim`` as evidence with ``stance``; return the Evidence."""
    try:
        from claims.services import evidence_add as real
    except ImportError:
        from claims.models import ClaimEvent, Evidence

        with transaction.atomic():
            evidence = Evidence.objects.create(
                claim=claim,
                source=source_for_url(url),
                stance=stance,
                excerpt=excerpt,
                note=note,
                origin=Evidence.Origin.ADDED,
                added_by=actor,
            )
            ClaimEvent.objects.create(claim=claim, actor=actor, action="evidence_add", data={"url": url})
        return evidence
    return real(claim=claim, actor=actor, url=url, stance=stance, excerpt=excerpt, note=note, origin="added")


def claim_flag_needs_update(*, claim, reason: str, data: dict) -> None:
    """Flag a published claim for the editor (needs-update) with ``reason``; repeats change nothing."""
    try:
        from claims.services import claim_flag_needs_update as real
    except ImportError:
        from claims.models import Claim, ClaimEvent

        with transaction.atomic():
            locked = Claim.objects.select_for_update().get(pk=claim.pk)
            if locked.status != Claim.Status.PUBLISHED:
                return
            Claim.objects.filter(pk=claim.pk).update(
                status=Claim.Status.NEEDS_UPDATE, version=locked.version + 1
            )
            ClaimEvent.objects.create(
                claim=locked,
                action="flag_needs_update",
                from_status=locked.status,
                to_status=Claim.Status.NEEDS_UPDATE,
                comment=reason,
                data=data,
            )
        return
    real(claim=claim, reason=reason, data=data)


def get_ranker():
    """Return the claim matching ranker (``claims.matching``) or the local lexical stand-in."""
    try:
        from claims.matching import get_ranker as real
    except ImportError:
        from claims.feeds.lexical import LexicalRanker

        return LexicalRanker()
    return real()
