"""HTML and plain text to a Document: main text, metadata, and the links inside the main text.

trafilatura does the extraction. The text is exactly what ``trafilatura.extract`` returns with the
project's settings (no comments, tables kept, no formatting), so its measured quality is kept (see
``bench/extraction.py``). Links come from the same run's XML (``include_links``): each ``<ref>`` is
located in the text in document order, giving character offsets of its anchor text.
"""

import re
from copy import deepcopy
from datetime import UTC, date, datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree
from trafilatura import bare_extraction
from trafilatura.xml import xmltotxt

from sources.documents import Document, Link

_PUBLISHED_META = re.compile(
    r"""<meta[^>]+(?:property|name|itemprop)\s*=\s*["'](?:article:published_time|datePublished|"""
    r"""og:published_time|dc\.date|pubdate|publishdate)["'][^>]*>""",
    re.IGNORECASE,
)
_CONTENT_ATTR = re.compile(r"""content\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_HTML_LANG = re.compile(
    r"""<html[^>]*\slang\s*=\s*["']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?""", re.IGNORECASE
)
_OG_LOCALE = re.compile(
    r"""<meta[^>]+property\s*=\s*["']og:locale["'][^>]*content\s*=\s*["']([a-z]{2})""", re.IGNORECASE
)
# Function words that mark a language well enough when the page does not declare one.
_STOPWORDS = {
    "en": {"the", "and", "of", "to", "is", "in", "that", "was", "for", "with"},
    "fr": {"le", "la", "les", "et", "des", "est", "une", "dans", "que", "pour"},
    "de": {"der", "die", "und", "das", "ist", "nicht", "mit", "ein", "eine", "auf"},
    "es": {"el", "la", "los", "las", "y", "que", "del", "una", "por", "para"},
    "it": {"il", "di", "che", "della", "per", "una", "sono", "gli", "non", "con"},
    "pt": {"o", "os", "que", "não", "uma", "para", "com", "dos", "das", "em"},
    "nl": {"de", "het", "een", "en", "van", "niet", "dat", "voor", "met", "zijn"},
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _parse_datetime(value: str | None) -> datetime | None:
    """Return a timezone-aware datetime (UTC when the source gave none), or None."""
    if not value:
        return None
    value = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(value[:10]), datetime.min.time())
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _published_at(html: str, fallback: str | None) -> datetime | None:
    # The meta tags carry the time of day and the offset; trafilatura's date (htmldate) only the day.
    for tag in _PUBLISHED_META.findall(html[:200_000]):
        content = _CONTENT_ATTR.search(tag)
        parsed = _parse_datetime(content.group(1)) if content else None
        if parsed:
            return parsed
    return _parse_datetime(fallback)


def guess_language(text: str) -> str:
    """Return an ISO 639-1 code from function-word counts, or "" when nothing stands out."""
    words = [w.lower() for w in _WORD.findall(text[:5000])]
    if len(words) < 20:
        return ""
    scores = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] >= max(3, len(words) // 25) else ""


def _language(html: str, text: str) -> str:
    match = _HTML_LANG.search(html[:5000]) or _OG_LOCALE.search(html[:50_000])
    return match.group(1).lower() if match else guess_language(text)


def _absolute(href: str, base: str | None) -> str | None:
    href = href.strip()
    url = urljoin(base, href) if base else href
    return url if urlsplit(url).scheme in ("http", "https") else None


def _whitespace_pattern(anchor: str) -> re.Pattern | None:
    words = anchor.split()
    return re.compile(r"\s+".join(re.escape(w) for w in words)) if words else None


def _links(body: etree._Element, text: str, base: str | None) -> list[Link]:
    links, position = [], 0
    for ref in body.iter("ref"):
        anchor = " ".join("".join(ref.itertext()).split())
        url = _absolute(ref.get("target") or "", base)
        pattern = _whitespace_pattern(anchor)
        if not url or pattern is None:
            continue
        match = pattern.search(text, position)
        if match is None:
            continue
        links.append(Link(url=url, text=match.group(0), start=match.start(), end=match.end()))
        position = match.end()
    return links


def extract_html(html: str | bytes, *, url: str | None = None) -> Document:
    """Extract the main text, metadata and in-text links of an HTML page; empty text when none is found."""
    if isinstance(html, bytes):
        from sources.fetching import decode_body

        html = decode_body(html)
    extracted = bare_extraction(
        html,
        url=url,
        include_comments=False,
        include_tables=True,
        include_formatting=False,
        include_links=True,
        with_metadata=True,
    )
    if extracted is None or extracted.body is None:
        return Document(text="", title="", language=_language(html, ""))
    plain = deepcopy(extracted.body)
    etree.strip_tags(plain, "ref")
    text = xmltotxt(plain, include_formatting=False)
    base = url or extracted.url
    return Document(
        text=text,
        title=extracted.title or "",
        byline=extracted.author or "",
        published_at=_published_at(html, extracted.date),
        language=_language(html, text),
        links=_links(extracted.body, text, base),
    )


def extract_text(text: str, *, title: str = "", published_at=None) -> Document:
    """Wrap plain text as a Document (normalized line endings, no links); never fails on odd input."""
    clean = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if isinstance(published_at, str):
        published_at = _parse_datetime(published_at)
    elif isinstance(published_at, datetime) and published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=UTC)
    return Document(text=clean, title=title, published_at=published_at, language=guess_language(clean))
