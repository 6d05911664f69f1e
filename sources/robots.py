"""robots.txt: fetched once per host, kept in the shared cache, parsed by Protego like major crawlers.

Each process also keeps the parsed rules of a host until the shared copy expires (the expiry travels
with the text), so a pull costs no cache round trip for robots.txt; ``forget`` drops both copies.

Rules follow RFC 9309: a 4xx robots.txt means "no rules" (everything allowed); a 5xx or an unreachable
server means "assume everything disallowed for now", which here is a transient error, so that the pull
is retried with backoff instead of recorded as blocked.
"""

import threading
import time
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from protego import Protego

from sources.errors import FetchError, GoneError, PermanentHTTPError, RobotsDisallowed, TransientFetchError

ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309: crawlers must parse at least 500 KiB
LOCAL_MAX_HOSTS = 4096

# robots.txt URL -> (expiry in time.time() seconds, parsed rules): this process's copy of the shared cache.
_local: dict[str, tuple[float, Protego]] = {}
_local_lock = threading.Lock()


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def _cache_key(url: str) -> str:
    return "sources:robots:" + robots_url(url)


@lru_cache(maxsize=512)
def _parse(text: str) -> Protego:
    return Protego.parse(text)


def _download(url: str) -> str:
    from sources import fetching  # fetching calls this module for every hop

    try:
        result = fetching.fetch(
            robots_url(url), respect_robots=False, any_content_type=True, max_bytes=ROBOTS_MAX_BYTES
        )
    except (GoneError, PermanentHTTPError):
        return ""
    except TransientFetchError as exc:
        raise TransientFetchError(
            f"robots.txt unreachable ({exc.reason}); assuming disallowed for now",
            retry_after=exc.retry_after,
            kind=exc.kind,
        ) from None
    except FetchError:
        # Unusable robots.txt (too large, redirect loop): treated as absent, as major crawlers do.
        return ""
    return fetching.decode_body(result.body, result.charset)


def _shared(url: str) -> tuple[float, str]:
    """(expiry, text) from the shared cache, downloading and storing it on a miss."""
    key = _cache_key(url)
    cached = cache.get(key)
    if isinstance(cached, tuple):
        return cached
    text = _download(url)
    expires = time.time() + settings.ROBOTS_CACHE_SECONDS
    cache.set(key, (expires, text), settings.ROBOTS_CACHE_SECONDS)
    return expires, text


def rules_for(url: str) -> Protego:
    """Return the parsed robots.txt of the URL's host: this process's copy, the shared cache, or fetched."""
    key = robots_url(url)
    local = _local.get(key)
    if local is not None and local[0] > time.time():
        return local[1]
    expires, text = _shared(url)
    rules = _parse(text)
    with _local_lock:
        if len(_local) >= LOCAL_MAX_HOSTS:
            _local.clear()  # rare (thousands of hosts): starting over is simpler than an LRU
        _local[key] = (expires, rules)
    return rules


def forget(url: str) -> None:
    """Drop the cached robots.txt of the URL's host (shared copy and this process's)."""
    cache.delete(_cache_key(url))
    with _local_lock:
        _local.pop(robots_url(url), None)


def check_allowed(url: str) -> None:
    """Raise RobotsDisallowed when the host's robots.txt forbids our user agent to fetch ``url``."""
    if not rules_for(url).can_fetch(url, settings.FETCH_USER_AGENT):
        raise RobotsDisallowed(f"robots.txt of {urlsplit(url).netloc} disallows {url}")


def crawl_delay(url: str) -> float | None:
    """Return the Crawl-delay robots.txt asks of us, if any (used as the host's minimum delay)."""
    delay = rules_for(url).crawl_delay(settings.FETCH_USER_AGENT)
    return float(delay) if delay is not None else None
