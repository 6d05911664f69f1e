"""HTML and plain text to a Document: main text, metadata, and the links inside the main text.

trafilatura does the extraction. The text is exactly what ``trafilatura.extract`` returns with the
project's settings (no comments, tables kept, no formatting), so its measured quality is kept (see
``bench/extraction.py``). The page is parsed once; the metadata steps of trafilatura that are used here
run on that tree (see ``_metadata``). trafilatura's own ``include_links`` is not used: it changes which
paragraphs are kept (measured on the shared pages). Instead every link of the page is looked up in the
text with the words around it in its paragraph, giving character offsets of its anchor text.
"""

import hashlib
import logging
import re
from datetime import UTC, date, datetime
from urllib.parse import urljoin, urlsplit

from htmldate import find_date
from trafilatura import bare_extraction
from trafilatura.json_metadata import normalize_authors
from trafilatura.metadata import examine_meta, extract_author, extract_meta_json, extract_title, extract_url
from trafilatura.settings import DEFAULT_CONFIG, set_date_params
from trafilatura.utils import load_html, normalize_unicode, trim
from trafilatura.xml import xmltotxt
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

from sources import page_identity
from sources.documents import Document, Link

logger = logging.getLogger(__name__)

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


def _published_at(html: str, tree, page_url: str | None) -> datetime | None:
    # The meta tags carry the time of day and the offset; htmldate only the day. htmldate (a deep copy of
    # the tree and a scan of it) runs only for pages without such a tag.
    for tag in _PUBLISHED_META.findall(html[:200_000]):
        content = _CONTENT_ATTR.search(tag)
        parsed = _parse_datetime(content.group(1)) if content else None
        if parsed:
            return parsed
    found = _parse_datetime(find_date(tree, url=page_url, **set_date_params(True)))
    # htmldate's extensive search takes a bare year in the text ("the fastest pace since 2008") as 1 January
    # of that year. That is no publication date, and a wrong one would pin "on Tuesday" in a restatement to
    # a day years off. A page really published on 1 January without a date tag loses its date (none of the
    # 80 shared pages is one).
    if found is not None and (found.month, found.day) == (1, 1):
        return None
    return found


# trafilatura's author search (``extract_author``) deep-copies the tree, prunes it with one XPath and
# then tries three, whose ``re:test`` calls back into Python for every candidate element: ~5 ms per
# page, the largest part of what this module adds to trafilatura's own extraction. The same selections
# done in one Python pass each are about four times faster. They replicate the XPaths of the
# trafilatura version whose fingerprint is below; with any other version its own function is used.
_AUTHOR_XPATHS_FINGERPRINT = "29298d1fa7279c607cd343aa1c4a80736b0596b305bfd93ea59b6de61624f264"
_REPLICA_OK = (
    hashlib.sha256("\n".join(x.path for x in (*AUTHOR_DISCARD_XPATHS, *AUTHOR_XPATHS)).encode()).hexdigest()
    == _AUTHOR_XPATHS_FINGERPRINT
)
_DISCARD_ID = re.compile(r"^comments|comment-?list|ProductReviews")
_DISCARD_CLASS = re.compile(
    r"^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|"
    r"article-(?:share|support)|print|category|meta-date|meta-reviewer"
)
_AUTHOR_TAGS = (
    frozenset({"a", "address", "div", "link", "p", "span", "strong"}),
    frozenset({"a", "div", "h3", "h4", "p", "span"}),
)
_AUTHOR_CLASS = (
    re.compile(r"author-?name|AuthorName|authorName"),
    re.compile(r"author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name"),
    re.compile(r"[Aa]uthor|screenname|writer|[Bb]yline"),
)
_AUTHOR_ID = (None, re.compile(r"author|zuozhe|bianji|xiaobian"), re.compile(r"[Aa]uthor"))


def _discarded(element) -> bool:
    """``AUTHOR_DISCARD_XPATHS[0]``, for one a/div/section/span element."""
    id_, class_ = element.get("id"), element.get("class")
    return (
        id_ == "comments"
        or class_ in ("comments", "title", "date")
        or (id_ is not None and _DISCARD_ID.search(id_) is not None)
        or (class_ is not None and _DISCARD_CLASS.search(class_) is not None)
        or "Figure" in element.get("data-component", "")
    )


def _author_candidate(element, level: int) -> bool:
    """Whether ``element`` is selected by ``AUTHOR_XPATHS[level]``."""
    tag, get = element.tag, element.get
    class_, id_, itemprop = get("class"), get("id"), get("itemprop", "")
    if level == 0:
        return tag == "author" or (
            tag in _AUTHOR_TAGS[0]
            and (
                get("rel") == "author"
                or id_ == "author"
                or class_ == "author"
                or itemprop == "author name"
                or any("".join(child.itertext()) == "me" for child in element.iterchildren("rel"))
                or get("data-testid") in ("AuthorCard", "AuthorURL")
                or (class_ is not None and _AUTHOR_CLASS[0].search(class_) is not None)
            )
        )
    if level == 1 and tag not in _AUTHOR_TAGS[1]:
        return False
    if level == 1 and class_ in ("byline", "username", "byl", "BBL"):
        return True
    return (
        "author" in itemprop
        or (level == 2 and "Byline" in get("data-component", ""))
        or (id_ is not None and _AUTHOR_ID[level].search(id_) is not None)
        or (class_ is not None and _AUTHOR_CLASS[level].search(class_) is not None)
    )


def _author(tree) -> str | None:
    """What ``trafilatura.metadata.extract_author(tree)`` returns, without copying and pruning the tree.

    Elements the pruning would delete (with what they contain) are skipped instead. A candidate that
    contains such an element would read differently once pruned (the deleted element's tail text is
    kept): then, and with an unknown trafilatura version, trafilatura's own function runs.
    """
    if not _REPLICA_OK:
        return extract_author(tree)
    gone = {e for e in tree.iter("a", "div", "section", "span") if _discarded(e)}
    gone.update(tree.iter("time", "figure"))
    elements = [e for e in tree.iter() if isinstance(e.tag, str)]
    for level in range(3):
        for element in elements:
            if not _author_candidate(element, level):
                continue
            if element in gone or any(a in gone for a in element.iterancestors()):
                continue
            if any(d in gone for d in element.iterdescendants()):
                return extract_author(tree)
            content = trim(" ".join(element.itertext()))
            if content and 2 < len(content) < 120:
                return normalize_authors(None, content)
    return None


def _metadata(tree, url: str | None):
    """Title, byline and canonical URL as ``trafilatura.extract_metadata`` finds them (same steps, same
    order), without what this project does not use: categories, tags, licence and site name cost half of
    its time. The date is looked up separately (see ``_published_at``)."""
    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None  # as trafilatura does: a single word is rarely a byline
    try:
        meta = extract_meta_json(tree, meta)
    except Exception as exc:  # noqa: BLE001 - trafilatura guards its JSON-LD parser the same way
        logger.debug("JSON-LD metadata unreadable: %s", exc)
    meta.title = meta.title or extract_title(tree)
    meta.author = meta.author or _author(tree)
    meta.url = meta.url or extract_url(tree, url)
    meta.clean_and_trim()
    return meta


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


_BLOCKS = {"p", "li", "td", "th", "dd", "dt", "blockquote", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6"}
_MAX_FILE_SIZE = DEFAULT_CONFIG.getint("DEFAULT", "MAX_FILE_SIZE")  # what trafilatura.extract accepts
_CONTEXT = 40  # characters of block text either side of an anchor used to find it in the extracted text


def _flatten(block) -> tuple[str, list[tuple[str, int, int]]]:
    """Return the block's raw text and (href, start, end) of each link inside it."""
    pieces, spans, length = [], [], 0

    def visit(element):
        nonlocal length
        start = length
        if element.text and isinstance(element.tag, str):
            pieces.append(element.text)
            length += len(element.text)
        for child in element:
            if isinstance(child.tag, str) and child.tag not in ("script", "style"):
                visit(child)
            if child.tail:
                pieces.append(child.tail)
                length += len(child.tail)
        if element.tag == "a" and element.get("href"):
            spans.append((element.get("href"), start, length))

    visit(block)
    return "".join(pieces), spans


def _anchor_matches(text: str, words: list[str], position: int):
    r"""Yield (start, end) of each non-overlapping run of ``words`` separated by white space in ``text``.

    What ``re.finditer(r"\s+".join(map(re.escape, words)), text, position)`` finds (the words hold no
    white space, so each run of it is taken whole), without compiling a pattern per anchor: anchors
    rarely repeat, and compiling was most of the cost of finding them.
    """
    first, rest = words[0], words[1:]
    start = text.find(first, position)
    while start >= 0:
        end = start + len(first)
        for word in rest:
            gap = end
            while gap < len(text) and text[gap].isspace():
                gap += 1
            if gap == end or not text.startswith(word, gap):
                break
            end = gap + len(word)
        else:
            yield start, end
            start = text.find(first, end)
            continue
        start = text.find(first, start + 1)


def _collapsed(text: str) -> str:
    return " ".join(text.split())


def _find_anchor(text: str, anchor: str, left: str, right: str, position: int) -> tuple[int, int] | None:
    """Find ``anchor`` in ``text`` after ``position`` where the words around it match its block's.

    Whitespace may differ between the page and the extracted text, so the anchor's words may be
    separated by any white space, and the context is compared with runs of white space collapsed.
    """
    left_part = _collapsed(" ".join(left.split()[-8:])[-_CONTEXT:])
    right_part = _collapsed(" ".join(right.split()[:8])[:_CONTEXT])
    window = 4 * _CONTEXT + 64
    for start, end in _anchor_matches(text, anchor.split(), position):
        before = text[max(0, start - window) : start]
        after = text[end : end + window]
        if not left_part and not right_part:
            # A link alone in its block: it must be a whole line of the text.
            if before.rsplit("\n", 1)[-1].strip() == "" and after.split("\n", 1)[0].strip() == "":
                return start, end
            continue
        if _collapsed(before).endswith(left_part) and _collapsed(after).startswith(right_part):
            return start, end
    return None


def _links(tree, text: str, base: str | None) -> list[Link]:
    """Find the links of the page's blocks in the extracted text, in document order.

    A link counts when its anchor text and the words around it in its block (paragraph, list item, ...)
    are found in the extracted text: navigation and sidebar links are not in the text, so they drop out.
    """
    blocks: dict = {}  # outermost block of each candidate link, in document order
    for a in tree.iter("a"):
        words = "".join(a.itertext()).split()
        # Most links of a page (navigation, sidebars) are not in the main text: drop them cheaply first.
        if not a.get("href") or not words or words[0] not in text:
            continue
        outer = None
        for ancestor in a.iterancestors():
            if ancestor.tag in _BLOCKS:
                outer = ancestor
        if outer is not None:
            blocks.setdefault(outer, None)
    links, position = [], 0
    for block in blocks:
        raw, spans = _flatten(block)
        for href, start, end in spans:
            anchor = " ".join(raw[start:end].split())
            if not anchor or anchor.split()[0] not in text:
                continue
            match = _find_anchor(text, anchor, raw[:start], raw[end:], position)
            url = _absolute(href, base) if match else None
            if url is None:
                continue
            start, end = match
            links.append(Link(url=url, text=text[start:end], start=start, end=end))
            position = end
    return links


def extract_html(html: str | bytes, *, url: str | None = None) -> Document:
    """Extract the main text, metadata and in-text links of an HTML page; empty text when none is found.

    The page is parsed once: trafilatura extracts the text from a copy of the tree, and the metadata and
    the links are read from the tree itself.
    """
    if isinstance(html, bytes):
        from sources.fetching import decode_body

        html = decode_body(html)
    tree = load_html(html, _MAX_FILE_SIZE)
    extracted = None
    if tree is not None:
        extracted = bare_extraction(
            tree, url=url, include_comments=False, include_tables=True, include_formatting=False
        )
    if extracted is None or extracted.body is None:
        return Document(text="", title="", language=_language(html, ""))
    text = normalize_unicode(xmltotxt(extracted.body, include_formatting=False)).strip()
    meta = _metadata(tree, url)
    return Document(
        text=text,
        title=meta.title or "",
        byline=meta.author or "",
        published_at=_published_at(html, tree, meta.url),
        language=_language(html, text),
        links=_links(tree, text, url or meta.url),
        canonical_url=page_identity.canonical_url(tree, url),
        site_name=page_identity.site_name(tree),
    )


def extract_text(text: str, *, title: str = "", published_at=None) -> Document:
    """Wrap plain text as a Document (normalized line endings, no links); never fails on odd input."""
    clean = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if isinstance(published_at, str):
        published_at = _parse_datetime(published_at)
    elif isinstance(published_at, datetime) and published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=UTC)
    return Document(text=clean, title=title, published_at=published_at, language=guess_language(clean))
