"""Feed documents to entries: RSS and Atom (feedparser) and sitemaps (lxml, no entity expansion)."""

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime

import feedparser
from lxml import etree, html

from claims.feeds.errors import FeedParseError

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


@dataclass(frozen=True)
class Entry:
    """One entry of a feed: ``guid`` is its identity within the feed (its id, else its link)."""

    guid: str
    url: str = ""
    title: str = ""
    summary: str = ""
    published_at: datetime | None = None


def _plain(markup: str) -> str:
    """Text of an HTML fragment (feed summaries carry markup; it is never rendered)."""
    if not markup or "<" not in markup:
        return (markup or "").strip()
    try:
        return " ".join(html.fragment_fromstring(markup, create_parent="div").text_content().split())
    except (etree.ParserError, ValueError):
        return markup.strip()


def _when(parsed) -> datetime | None:
    stamp = parsed.get("published_parsed") or parsed.get("updated_parsed")
    return datetime.fromtimestamp(calendar.timegm(stamp), tz=UTC) if stamp else None


def parse_feed(body: bytes, *, base_url: str = "") -> list[Entry]:
    """Return the entries of an RSS or Atom document; raise FeedParseError if it is not a usable feed."""
    parsed = feedparser.parse(body, response_headers={"content-location": base_url} if base_url else None)
    # feedparser is lenient: it sets "bozo" on any flaw and still returns what it could read. A feed
    # with a small flaw but readable entries is kept; one with no version and no entries is rejected.
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception") or "no RSS or Atom root element"
        raise FeedParseError(f"not an RSS or Atom feed: {reason}")
    entries = []
    for item in parsed.entries:
        url = item.get("link", "") or ""
        guid = item.get("id") or url
        if not guid:
            continue
        entries.append(
            Entry(
                guid=guid[:2000],
                url=url[:2000],
                title=_plain(item.get("title", "")),
                summary=_plain(item.get("summary", "")),
                published_at=_when(item),
            )
        )
    return entries


def _parse_xml(body: bytes):
    # No DTD loading, no entity expansion, no network: a hostile sitemap cannot expand or reach out.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise FeedParseError(f"sitemap is not well-formed XML: {exc}") from exc


def _sitemap_date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_sitemap(body: bytes) -> list[Entry]:
    """Return the pages of a sitemap (``urlset``), newest first; raise FeedParseError otherwise.

    A sitemap index (``sitemapindex``) is refused with a message: add its child sitemaps as feeds, so
    that each is polled (and conditionally fetched) on its own.
    """
    root = _parse_xml(body)
    tag = etree.QName(root).localname
    if tag == "sitemapindex":
        children = [loc.text.strip() for loc in root.iter(f"{{{SITEMAP_NS}}}loc") if loc.text]
        raise FeedParseError("a sitemap index: add its child sitemaps as feeds: " + ", ".join(children[:5]))
    if tag != "urlset":
        raise FeedParseError(f"not a sitemap: root element is <{tag}>")
    entries = []
    for node in root.iter(f"{{{SITEMAP_NS}}}url"):
        loc = node.findtext(f"{{{SITEMAP_NS}}}loc")
        if not loc or not loc.strip():
            continue
        news_title = node.findtext(
            "{http://www.google.com/schemas/sitemap-news/0.9}news/"
            "{http://www.google.com/schemas/sitemap-news/0.9}title"
        )
        entries.append(
            Entry(
                guid=loc.strip()[:2000],
                url=loc.strip()[:2000],
                title=(news_title or "").strip(),
                published_at=_sitemap_date(node.findtext(f"{{{SITEMAP_NS}}}lastmod")),
            )
        )
    entries.sort(key=lambda e: e.published_at or datetime.min.replace(tzinfo=UTC), reverse=True)
    return entries
