"""The only HTTP client of the project: safe, bounded GET requests for web documents.

Every connection goes through a requests-hardened session: it resolves the host once, refuses private
addresses and connects to the address it checked, keeping the Host header and TLS SNI/certificate checks
on the original name. On top of that, ``check_url`` (the stricter guard in ``sources.ssrf``) runs before
the first request and before every redirect hop, which this module follows itself (at most
``MAX_REDIRECTS``), so each hop is judged like a new URL. robots.txt is checked per hop as well.
"""

import contextlib
import email.utils
import http.cookiejar
import re
import ssl
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin

import charset_normalizer
import requests
from django.conf import settings
from requests_hardened import Config, HTTPSession
from requests_hardened.ip_filter import InvalidIPAddress
from requests_hardened.ip_filter_adapter import IPFilterAdapter

from sources import robots
from sources.errors import (
    BlockedURL,
    GoneError,
    InvalidURL,
    PermanentHTTPError,
    TooLarge,
    TooManyRedirects,
    TransientFetchError,
    UnsupportedContent,
)
from sources.ssrf import check_url
from sources.urls_normalize import normalize_url

__all__ = ["FetchResult", "check_url", "decode_body", "fetch"]

MAX_REDIRECTS = 5
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
SUPPORTED_TYPES = {"text/html", "application/xhtml+xml", "text/plain"}
CHUNK = 64 * 1024
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)

# Connection pools: one per host (by checked address), at most POOL_HOSTS of them kept (least recently used
# dropped), each keeping up to POOL_PER_HOST idle keep-alive connections; more may be open at once.
POOL_HOSTS = 256
POOL_PER_HOST = 4

_local = threading.local()
_adapters: dict[bool, dict[str, IPFilterAdapter]] = {}
_adapters_lock = threading.Lock()


@dataclass
class FetchResult:
    """A 2xx response (body read and capped) or a 304 (``not_modified``, empty body)."""

    url: str
    final_url: str
    status: int
    content_type: str = ""
    charset: str = ""
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type_header(self) -> str:
        return f"{self.content_type}; charset={self.charset}" if self.charset else self.content_type

    def text(self) -> str:
        return decode_body(self.body, self.charset)


def _shared_adapters(allow_loopback: bool) -> dict[str, IPFilterAdapter]:
    """The hardened adapters (address filter, pinned connection) and their pools, shared by all threads.

    A thread's session is not thread-safe (cookies, settings), but the adapters are: urllib3's pool
    manager locks, and the adapter keeps no per-request state. Sharing them lets a pull reuse the
    keep-alive connection another thread opened to the same host instead of connecting again.
    """
    with _adapters_lock:
        if allow_loopback not in _adapters:
            adapters = {}
            for prefix, https in (("http://", False), ("https://", True)):
                adapter = IPFilterAdapter(is_https_proto=https, allow_loopback=allow_loopback)
                adapter._pool_connections, adapter._pool_maxsize = POOL_HOSTS, POOL_PER_HOST
                adapter.init_poolmanager(POOL_HOSTS, POOL_PER_HOST)
                adapters[prefix] = adapter
            _adapters[allow_loopback] = adapters
        return _adapters[allow_loopback]


def _session() -> HTTPSession:
    """One hardened session per thread and settings (requests sessions are not thread-safe)."""
    key = (settings.FETCH_ALLOW_LOOPBACK, settings.FETCH_USER_AGENT, settings.FETCH_TIMEOUT)
    sessions = getattr(_local, "sessions", None)
    if sessions is None:
        sessions = _local.sessions = {}
    if key not in sessions:
        config = Config(
            ip_filter_enable=True,
            ip_filter_allow_loopback_ips=settings.FETCH_ALLOW_LOOPBACK,
            never_redirect=True,
            default_timeout=(settings.FETCH_TIMEOUT, settings.FETCH_TIMEOUT),
            user_agent_override=settings.FETCH_USER_AGENT,
        )
        session = HTTPSession(config)
        session.trust_env = False  # never route through a proxy named in the environment
        # No cookies kept: requests are prepared without them, and a jar per thread would only grow.
        session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        for prefix, adapter in _shared_adapters(settings.FETCH_ALLOW_LOOPBACK).items():
            session.mount(prefix, adapter)
        sessions[key] = session
    return sessions[key]


def decode_body(body: bytes, charset: str = "") -> str:
    """Decode a body: the HTTP charset, else a <meta> charset, else UTF-8, else the best guess."""
    candidates = [charset] if charset else []
    match = _META_CHARSET.search(body[:4096])
    if match:
        candidates.append(match.group(1).decode("ascii", "ignore"))
    candidates.append("utf-8")
    for name in candidates:
        try:
            return body.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    best = charset_normalizer.from_bytes(body).best()
    return str(best) if best is not None else body.decode("utf-8", "replace")


def retry_after_seconds(value: str | None) -> float | None:
    """Parse Retry-After (seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _content_type(response: requests.Response) -> tuple[str, str]:
    header = response.headers.get("Content-Type", "")
    mime, _, params = header.partition(";")
    charset = ""
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
    return mime.strip().lower(), charset


def _raise_for_status(response: requests.Response, url: str) -> None:
    status = response.status_code
    if status in (404, 410):
        raise GoneError(f"HTTP {status} for {url}", status=status)
    if status == 429 or status >= 500:
        retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        kind = "rate_limited" if status == 429 else "server_error"
        raise TransientFetchError(
            f"HTTP {status} for {url}", status=status, retry_after=retry_after, kind=kind
        )
    if status >= 400:
        raise PermanentHTTPError(f"HTTP {status} for {url}", status=status)
    if status >= 300 and status != 304:
        raise TooManyRedirects(f"HTTP {status} without a usable Location for {url}", status=status)


def _read_body(response: requests.Response, *, max_bytes: int, deadline: float, url: str) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes and "Content-Encoding" not in response.headers:
        raise TooLarge(f"body of {int(declared)} bytes exceeds the cap of {max_bytes} bytes")
    chunks, size = [], 0
    # A chunk of 64 KiB arrives only when the server has sent it: one byte every 0.5 s keeps each recv
    # under the read timeout and the loop below from ever looking at the clock. A timer shuts the
    # socket at the deadline instead, which ends the blocked read at once.
    watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _shut_down, args=(response,))
    watchdog.daemon = True
    watchdog.start()
    try:
        # iter_content decompresses as it goes (urllib3 >= 2.6 bounds each step), so a gzip bomb is
        # stopped by the same cap as a plain oversized body, after at most one chunk past it.
        for chunk in response.iter_content(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise TooLarge(f"body exceeds the cap of {max_bytes} bytes (decompressed)")
            if time.monotonic() > deadline:
                raise _past_deadline(url)
            chunks.append(chunk)
    except requests.RequestException as exc:
        if time.monotonic() >= deadline:
            raise _past_deadline(url) from None
        raise TransientFetchError(f"connection error reading {url}: {exc.__class__.__name__}") from None
    finally:
        watchdog.cancel()
    if time.monotonic() > deadline:  # the shutdown can also read as a clean end of the body
        raise _past_deadline(url)
    return b"".join(chunks)


def _shut_down(response: requests.Response) -> None:
    # Already closed or released: then nothing is blocked on it.
    with contextlib.suppress(AttributeError, OSError, RuntimeError, ValueError):
        response.raw.shutdown()


def _past_deadline(url: str) -> TransientFetchError:
    return TransientFetchError(
        f"fetching {url} took longer than {settings.FETCH_TOTAL_TIMEOUT}s", kind="timeout"
    )


def _connection_kind(exc: BaseException) -> str:
    """ "tls", "refused" or "connection": what requests wraps (MaxRetryError, NewConnectionError) says."""
    seen: list[BaseException] = []
    while exc is not None and len(seen) < 8:
        seen.append(exc)
        if isinstance(exc, requests.exceptions.SSLError | ssl.SSLError):
            return "tls"
        if isinstance(exc, ConnectionRefusedError):
            return "refused"
        wrapped = [getattr(exc, "reason", None), exc.__cause__, exc.__context__, *exc.args[:1]]
        exc = next((e for e in wrapped if isinstance(e, BaseException) and e not in seen), None)
    return "connection"


def _remaining(deadline: float, url: str) -> float:
    """Seconds left for the fetch of ``url`` (redirects included); raise once there are none."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise _past_deadline(url)
    return left


def _get(url: str, headers: dict[str, str], *, timeout: float) -> requests.Response:
    request = requests.PreparedRequest()
    try:
        # Prepared here, not by Session.request: merging the session's cookies, default headers and hooks
        # into every request was a third of the client's CPU per fetch (0.2 of 0.6 ms, measured). The
        # session still sends it (timeouts, no redirects) through the hardened adapter (address pinning).
        request.prepare(method="GET", url=url, headers=headers)
        return _session().send(request, stream=True, allow_redirects=False, timeout=(timeout, timeout))
    except InvalidIPAddress as exc:
        raise BlockedURL(f"refused to connect to {exc} (forbidden address)") from None
    except requests.exceptions.InvalidURL as exc:
        raise InvalidURL(str(exc)) from None
    except requests.Timeout:
        if timeout < settings.FETCH_TIMEOUT:  # it was what remained of the whole fetch's deadline
            raise _past_deadline(url) from None
        raise TransientFetchError(f"timed out after {timeout}s fetching {url}", kind="timeout") from None
    except requests.RequestException as exc:
        kind = _connection_kind(exc)
        detail = {"refused": "connection refused", "tls": "TLS error"}.get(kind, exc.__class__.__name__)
        raise TransientFetchError(f"connection error fetching {url}: {detail}", kind=kind) from None


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    respect_robots: bool = True,
    any_content_type: bool = False,
    max_bytes: int | None = None,
) -> FetchResult:
    """GET ``url`` safely and return the 2xx body or a 304; raise a FetchError subclass otherwise.

    Conditional headers are sent when ``etag``/``last_modified`` are given. Redirects are followed here
    (each hop re-checked by the SSRF guard and robots.txt), at most five.
    """
    max_bytes = max_bytes or settings.FETCH_MAX_BYTES
    deadline = time.monotonic() + settings.FETCH_TOTAL_TIMEOUT
    headers = {
        "User-Agent": settings.FETCH_USER_AGENT,
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        check_url(current, timeout=_remaining(deadline, current))
        if respect_robots:
            robots.check_allowed(current)
        # Connecting and waiting for the headers get what is left of the deadline, at most FETCH_TIMEOUT.
        response = _get(current, headers, timeout=min(settings.FETCH_TIMEOUT, _remaining(deadline, current)))
        with response:
            if response.status_code in REDIRECT_STATUSES and response.headers.get("Location"):
                location = urljoin(current, response.headers["Location"])
                try:
                    current = normalize_url(location)
                except InvalidURL as exc:
                    raise BlockedURL(
                        f"redirect to a URL that cannot be fetched ({exc}): {location}"
                    ) from None
                # Validators belong to the URL they came from.
                headers.pop("If-None-Match", None)
                headers.pop("If-Modified-Since", None)
                continue
            return _result(
                response,
                url=url,
                final_url=current,
                max_bytes=max_bytes,
                deadline=deadline,
                any_content_type=any_content_type,
            )
    raise TooManyRedirects(f"more than {MAX_REDIRECTS} redirects starting at {url}")


def _result(response, *, url, final_url, max_bytes, deadline, any_content_type) -> FetchResult:
    _raise_for_status(response, final_url)
    mime, charset = _content_type(response)
    result = FetchResult(
        url=url,
        final_url=final_url,
        status=response.status_code,
        content_type=mime,
        charset=charset,
        etag=response.headers.get("ETag", ""),
        last_modified=response.headers.get("Last-Modified", ""),
    )
    if result.not_modified:
        return result
    if mime and mime not in SUPPORTED_TYPES and not any_content_type:
        label = "PDF documents are" if mime == "application/pdf" else f"content type {mime!r} is"
        raise UnsupportedContent(f"{label} not supported", status=response.status_code)
    try:
        result.body = _read_body(response, max_bytes=max_bytes, deadline=deadline, url=final_url)
    except requests.exceptions.ContentDecodingError:
        raise UnsupportedContent("the body could not be decompressed", status=response.status_code) from None
    except requests.RequestException as exc:
        raise TransientFetchError(
            f"connection broken reading {final_url}: {exc.__class__.__name__}"
        ) from None
    if not mime:
        result.content_type = "text/html" if result.body.lstrip()[:1] == b"<" else "text/plain"
    return result
