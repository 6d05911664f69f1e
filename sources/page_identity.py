"""What a page says about itself: its canonical URL and the name of its publisher.

An article uploaded as HTML has no address of its own (its Source is ``urn:sha256:...``); the page's
``<link rel=canonical>`` (else ``og:url``) and ``og:site_name`` (else the JSON-LD ``publisher``) are what
public outputs can name instead. Both come from the uploaded markup, so the URL is kept only when it is an
absolute http(s) URL (normalized; never ``javascript:``, a urn or one with credentials).

Not trafilatura's metadata (``extraction._metadata`` has it at hand): its ``url`` prefers ``og:url`` to the
canonical link and is not checked, and its ``sitename`` falls back to ``article:publisher`` (often a
Facebook page URL) and ``twitter:site`` handles, neither of which is a publisher's name.
"""

import json
from urllib.parse import urljoin, urlsplit

from sources.errors import InvalidURL
from sources.urls_normalize import normalize_url

MAX_URL_LENGTH = 2000  # Snapshot.canonical_url
MAX_NAME_LENGTH = 255  # Snapshot.site_name
_MAX_JSON_LD = 200_000  # characters; a larger JSON-LD block is not parsed (its cost is the page's, not ours)


def declared_url(value: str | None, base: str | None = None) -> str:
    """The normalized absolute http(s) URL ``value`` names (relative to an http(s) ``base``), or ""."""
    value = (value or "").strip()
    if not value:
        return ""
    if base and urlsplit(base).scheme in ("http", "https"):
        value = urljoin(base, value)
    try:
        url = normalize_url(value)
    except InvalidURL:
        return ""
    return url if len(url) <= MAX_URL_LENGTH else ""


def canonical_url(tree, base: str | None = None) -> str:
    """``<link rel=canonical href>``, else ``<meta property=og:url>``, as ``declared_url``; "" if neither."""
    for link in tree.iterfind(".//head//link[@href]"):
        if "canonical" in (link.get("rel") or "").lower().split():
            url = declared_url(link.get("href"), base)
            if url:
                return url
    for meta in tree.iterfind(".//head//meta[@content]"):
        if (meta.get("property") or meta.get("name") or "").strip().lower() == "og:url":
            url = declared_url(meta.get("content"), base)
            if url:
                return url
    return ""


def _clean_name(value) -> str:
    name = " ".join(value.split()) if isinstance(value, str) else ""
    return name[:MAX_NAME_LENGTH]


def _nodes(data):
    """Every JSON object of a JSON-LD document, outermost first (``@graph`` and lists included)."""
    stack = [data]
    while stack:
        node = stack.pop(0)
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            yield node
            stack.extend(v for k, v in node.items() if k == "@graph")


def _publisher_name(publisher) -> str:
    if isinstance(publisher, list):
        publisher = publisher[0] if publisher else None
    if isinstance(publisher, dict):
        return _clean_name(publisher.get("name"))
    return _clean_name(publisher)


def _json_ld_publisher(tree) -> str:
    for script in tree.iterfind(".//script[@type]"):
        if script.get("type", "").strip().lower() != "application/ld+json":
            continue
        if not script.text or len(script.text) > _MAX_JSON_LD:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):
            continue  # broken JSON-LD is common; the page is still readable
        for node in _nodes(data):
            name = _publisher_name(node.get("publisher"))
            if name:
                return name
    return ""


def site_name(tree) -> str:
    """``<meta property=og:site_name>``, else the JSON-LD ``publisher`` name; "" if neither."""
    for meta in tree.iterfind(".//head//meta[@content]"):
        if (meta.get("property") or meta.get("name") or "").strip().lower() == "og:site_name":
            name = _clean_name(meta.get("content"))
            if name:
                return name
    return _json_ld_publisher(tree)
