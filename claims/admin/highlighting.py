"""Render fetched text with claim spans and cited links marked, escaping every piece of fetched text.

The text, the claims and the links come from the web; nothing here is marked safe except markup built by
``format_html`` around escaped segments. The rendered element's text content equals the input text
exactly (no added characters), so offsets of a selection in the browser are offsets into the text.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Mark:
    """A span ``[start, end)`` of the text to mark: a claim (``claim_id``) or a cited link (``url``)."""

    start: int
    end: int
    claim_id: int | None = None
    status: str = ""
    title: str = ""
    url: str = ""


def valid_marks(marks: list[Mark], length: int) -> list[Mark]:
    """Keep marks that lie inside a text of ``length`` characters and are not empty."""
    return [m for m in marks if 0 <= m.start < m.end <= length]


def highlight(text: str, marks: list[Mark]) -> SafeString:
    """Return ``text`` as escaped HTML with each claim a link to its admin page and each cited link marked."""
    marks = valid_marks(marks, len(text))
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    pieces = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [m for m in marks if m.start <= start and end <= m.end]
        pieces.append(_segment(text[start:end], covering))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece comes from format_html over escaped text


def _segment(text: str, covering: list[Mark]) -> str:
    html = format_html("{}", text)
    links = [m for m in covering if m.url]
    if links:
        html = format_html('<span class="fc-cited" title="Cited: {}">{}</span>', links[0].url, html)
    claims = sorted((m for m in covering if m.claim_id), key=lambda m: m.end - m.start)
    if claims:
        # The innermost (shortest) claim gets the link; the others are named in data-claims.
        first = claims[0]
        html = format_html(
            '<a class="fc-claim fc-status-{}" href="{}" title="{}" data-claim="{}" data-claims="{}">{}</a>',
            first.status,
            reverse("admin:claims_claim_change", args=[first.claim_id]),
            first.title,
            first.claim_id,
            " ".join(str(m.claim_id) for m in claims),
            html,
        )
    return html


def highlight_excerpt(text: str, start: int | None, end: int | None) -> SafeString:
    """Return ``text`` escaped with ``[start, end)`` wrapped in ``<mark>``; the whole text if out of range."""
    if start is None or end is None or not 0 <= start < end <= len(text):
        return format_html("{}", text)
    return format_html('{}<mark class="fc-excerpt">{}</mark>{}', text[:start], text[start:end], text[end:])


def link_list(links: list[dict]):
    """List cited links; only http(s) URLs become clickable (a fetched ``javascript:`` URL must not)."""
    rows = []
    for link in links:
        url = str(link.get("url", ""))
        anchor = str(link.get("text", ""))
        if url.lower().startswith(("http://", "https://")):
            rows.append(
                format_html(
                    '<li>{} → <a href="{}" rel="noopener noreferrer nofollow" target="_blank">{}</a></li>',
                    anchor,
                    url,
                    url,
                )
            )
        else:
            rows.append(format_html("<li>{} → <code>{}</code></li>", anchor, url))
    return format_html_join("", "{}", ((r,) for r in rows))
