"""URL normalization: one spelling per document, so that a Source is identified by its URL."""

from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

from sources.errors import InvalidURL

DEFAULT_PORTS = {"http": 80, "https": 443}

# Parameters that identify a campaign or a click, never the document. Compared case-insensitively.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "ref_src",
        "ref_url",
        "cmpid",
        "s_cid",
        "twclid",
        "ttclid",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
# Characters left as they are in a path; anything else (spaces, non-ASCII) is percent-encoded.
PATH_SAFE = "/%:@!$&'()*+,;=-._~"


def _is_tracking(pair: str) -> bool:
    key = unquote_plus(pair.split("=", 1)[0]).strip().lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def _host(parts) -> str:
    try:
        host = parts.hostname
    except ValueError as exc:
        raise InvalidURL(f"malformed host: {exc}") from None
    if not host:
        raise InvalidURL("the URL has no host")
    host = host.rstrip(".")
    if ":" in host:  # IPv6 literal: urlsplit already lowercased it and removed the brackets
        return f"[{host}]"
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise InvalidURL(f"malformed host name {host!r}") from None


def normalize_url(url: str) -> str:
    """Return the canonical spelling of an http(s) URL; raise InvalidURL for anything else.

    Drops the fragment and tracking parameters, lowercases scheme and host (IDNA-encoded), removes the
    default port, gives an empty path "/", and keeps every other query parameter in its order and
    spelling (servers may care about both).
    """
    if not isinstance(url, str) or not url.strip():
        raise InvalidURL("empty URL")
    text = url.strip()
    if any(c in text for c in "\r\n\t\x00"):
        raise InvalidURL("the URL contains control characters")
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        raise InvalidURL(f"malformed URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        shown = f"{scheme!r}" if scheme else "none"
        raise InvalidURL(f"only http and https URLs can be fetched (scheme: {shown})")
    if parts.username is not None or parts.password is not None:
        raise InvalidURL("URLs with credentials (user:password@) are not accepted")
    host = _host(parts)
    try:
        port = parts.port
    except ValueError:
        raise InvalidURL("the port is not a number between 0 and 65535") from None
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = quote(parts.path or "/", safe=PATH_SAFE)
    query = "&".join(p for p in parts.query.split("&") if p and not _is_tracking(p))
    return urlunsplit((scheme, netloc, path, quote(query, safe=PATH_SAFE + "?"), ""))


def url_host(url: str) -> str:
    """Return the host of a normalized URL without brackets or port (the politeness and robots key)."""
    return (urlsplit(url).hostname or "").lower()
