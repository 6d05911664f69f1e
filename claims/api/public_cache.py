"""A short-lived shared cache of the public verdict answers, served before sessions, auth and DRF.

Only anonymous ``GET`` requests of ``/api/v1/verdicts/``, ``/api/v1/verdicts/{id}/`` and
``/api/v1/verdicts/{id}/claimreview/`` take part: a request with an ``Authorization`` header or a
session cookie is never answered from the cache and its answer is never stored. Only 200 answers
without ``Set-Cookie`` are stored, for ``API_PUBLIC_CACHE_SECONDS`` (0 turns the cache off).

Keys are the absolute URL (scheme, host, path and query: the answers carry absolute links) and the
``Accept`` header. Every entry is labelled with the *publication version* it was built under; a change
to anything public (publish, correct, withdraw, and saves of verdicts, claims, evidence, articles,
claimants and ratings) replaces the version, so every older entry stops being served at once. The
version is replaced when the change is made and again once its transaction commits: a request that read
the old rows between the two stores them under the first new version, which the commit then retires.
Each process also keeps the entries it served last (``_LOCAL_ENTRIES`` of them, each for at most the
lifetime from when the process took it): a hit then reads only the small version key from Redis, not
the answer's body (35 KB for a page of 50 verdicts; reading it made a hit cost 1.0 ms of CPU instead of
0.6). A local entry is served only while its version is the current one, so a change retires it exactly
when it retires the shared entry; a change no signal reports may show up to twice the lifetime late.

A hit still honours ``If-None-Match`` / ``If-Modified-Since`` (304) with the stored ``ETag`` and
``Last-Modified``. A hit is not counted by the API's throttles: it costs the service one Redis read, as it
would cost nothing behind a CDN; misses (the work the throttles protect) are counted as before.

The cache is ``factcheck.cache.FailOpenRedisCache``: with Redis down every request is a miss and is
answered by the view as usual.
"""

import hashlib
import re
import threading
import time
import uuid
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

VERSION_KEY = "public-api:version"
_ENTRY_PREFIX = "public-api:entry:"
HIT_HEADER = "X-Cache"
_path_pattern: re.Pattern | None = None
_LOCAL_ENTRIES = 128
_local: OrderedDict = OrderedDict()  # key -> (fresh until, entry), least recently used first
_local_lock = threading.Lock()  # gthread workers serve requests from several threads
# One thread per key builds a missing answer while the others wait for it or, when an expired copy of the
# current version is at hand, are answered with that copy: no stampede of identical page builds.
_build_locks = tuple(threading.Lock() for _ in range(64))
_BUILD_WAIT = 5.0  # seconds


def _local_get(key: str, version: str) -> tuple[tuple | None, bool]:
    """The local entry of the current version and whether it is still fresh. An entry past its lifetime
    is kept for one more lifetime, to answer while one thread rebuilds it."""
    with _local_lock:
        found = _local.get(key)
        if found is None:
            return None, False
        fresh_until, entry = found
        now = time.monotonic()
        if entry[0] != version or now > fresh_until + settings.API_PUBLIC_CACHE_SECONDS:
            del _local[key]
            return None, False
        _local.move_to_end(key)
        return entry, now <= fresh_until


def _local_put(key: str, entry: tuple, seconds: int) -> None:
    with _local_lock:
        _local[key] = (time.monotonic() + seconds, entry)
        _local.move_to_end(key)
        while len(_local) > _LOCAL_ENTRIES:
            _local.popitem(last=False)


def _public_path(path: str) -> bool:
    global _path_pattern
    if _path_pattern is None:
        base = re.escape(reverse("api-v1:verdict-list"))
        _path_pattern = re.compile(base + r"(?:[0-9]+/(?:claimreview/)?)?\Z")
    return _path_pattern.match(path) is not None


def _anonymous(request) -> bool:
    return "HTTP_AUTHORIZATION" not in request.META and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _entry_key(request) -> str | None:
    try:
        url = request.build_absolute_uri()
    except DisallowedHost:
        return None  # the view answers 400
    accept = request.META.get("HTTP_ACCEPT", "")
    return _ENTRY_PREFIX + hashlib.sha256(f"{url}\n{accept}".encode()).hexdigest()


def bump() -> None:
    """Retire every cached public answer (a new publication version)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def bump_now_and_on_commit() -> None:
    """Retire cached answers now and again when the current transaction commits (see the module doc)."""
    bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(bump)


class PublicVerdictCacheMiddleware:
    """Place after ``SecurityMiddleware`` (its HTTPS redirect must come first) and before sessions and
    authentication. Headers set by middleware placed after this one (CSP, X-Frame-Options) are stored with
    the answer and replayed; those before it (request id, security headers) are set on every answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.API_PUBLIC_CACHE_SECONDS
        if (
            seconds <= 0
            or request.method != "GET"
            or not _public_path(request.path_info)
            or not _anonymous(request)
            or (key := _entry_key(request)) is None
        ):
            return self.get_response(request)
        version = cache.get(VERSION_KEY)
        if version is None:  # first use, evicted, or Redis down (then add() fails and nothing is stored)
            version = uuid.uuid4().hex
            if not cache.add(VERSION_KEY, version, timeout=None):
                version = None
        if version is None:
            response = self.get_response(request)
        else:
            entry, fresh = _local_get(key, version)
            if entry is not None and fresh:
                return _replay(request, entry)
            lock = _build_locks[hash(key) % len(_build_locks)]
            # Waiting is bounded: past it this thread builds the answer itself.
            locked = lock.acquire(timeout=_BUILD_WAIT) if entry is None else lock.acquire(blocking=False)
            if not locked and entry is not None:
                return _replay(request, entry)  # another thread is rebuilding this answer
            try:
                entry, fresh = _local_get(key, version)
                if entry is not None and fresh:  # built while this thread waited
                    return _replay(request, entry)
                entry = cache.get(key)
                if entry is not None and entry[0] == version:
                    _local_put(key, entry, seconds)
                    return _replay(request, entry)
                response = self.get_response(request)
                if _storable(request, response):
                    headers = [(k, v) for k, v in response.items() if k != HIT_HEADER]
                    entry = (version, response.status_code, headers, response.content)
                    cache.set(key, entry, timeout=seconds)
                    _local_put(key, entry, seconds)
            finally:
                if locked:
                    lock.release()
        response[HIT_HEADER] = "MISS"
        return response


def _storable(request, response) -> bool:
    user = getattr(request, "user", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.has_header("Set-Cookie")
        and not response.cookies
        and not (user is not None and user.is_authenticated)
    )


def _replay(request, entry) -> HttpResponse:
    _, status, headers, body = entry
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response[name] = value
    etag = response.get("ETag")
    last_modified = response.get("Last-Modified")
    last_modified = parse_http_date_safe(last_modified) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)
    response[HIT_HEADER] = "HIT"
    return response


def _changed(sender, instance=None, update_fields=None, **kwargs) -> None:
    if settings.API_PUBLIC_CACHE_SECONDS <= 0:
        return
    public = _PUBLIC_FIELDS.get(sender)
    if update_fields and public and not set(update_fields) & public:
        return  # e.g. an article's analysis state: nothing public changed
    bump_now_and_on_commit()


def _published(sender, **kwargs) -> None:
    if settings.API_PUBLIC_CACHE_SECONDS > 0:
        bump()  # sent after commit already


_PUBLIC_FIELDS: dict = {}


def connect_receivers() -> None:
    """Called from ``ClaimsConfig.ready``."""
    from django.db.models.signals import post_delete, post_save

    from claims import signals
    from claims.models import Article, Claim, Claimant, Evidence, Rating, Verdict

    # Articles are saved often during ingestion; only these fields of theirs show in public answers.
    _PUBLIC_FIELDS[Article] = {
        "title",
        "publisher",
        "canonical_url",
        "published_at",
        "language",
        "source",
        "source_id",
    }
    for model in (Verdict, Claim, Evidence, Article, Claimant, Rating):
        uid = f"claims.public_cache.{model.__name__}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + ".delete")
    for name in ("verdict_published", "verdict_corrected", "verdict_withdrawn"):
        getattr(signals, name).connect(_published, dispatch_uid=f"claims.public_cache.{name}")
