"""Sentence segmentation for extracted news text, with offsets into the text and a layout role per piece.

The text is first cut into paragraphs (lines). Each line is classified by its layout: byline, dateline,
photo caption and credit, heading, or body; only body lines are split into sentences (by ``sentencex``,
which knows abbreviations such as Mr., U.S., Jan. and decimal numbers). A dateline glued to the start of
the first paragraph ("date 2025-05-07 Waving ...", "MOSCOW (Reuters) - ...") is split off as its own piece.

Machine-translated pages often glue a link's anchor text to the next word ("well documentedexport").
Segmentation and analysis run on a *clean* copy of each piece with a space inserted at such glue points;
offsets always refer to the original text, so ``text[start:end]`` is exactly what the article says.
"""

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sentencex

ROLES = ("body", "heading", "caption", "credit", "byline", "dateline")

# Headings are short lines without final punctuation ("Putin request"), or a short question alone on its
# line ("What to follow?"). Longer unpunctuated lines stay body: they are usually paragraphs whose final
# full stop the extractor lost, and dropping a claim costs more than proposing a heading.
HEADING_MAX_WORDS = 12
QUESTION_HEADING_MAX_WORDS = 8
BYLINE_MAX_WORDS = 15

_TERMINAL = re.compile(r"[.!?…:;\"”’»)\]]$")
_BULLET = re.compile(r"^(?:[-–—*•▪◦·]|\d{1,2}[.)])\s")
_BYLINE = re.compile(r"^(?:by|written by|reporting by|words by|von|par|por):?\s+\S", re.I)
_PLACE_LINE = re.compile(r"^[A-Z][A-Z .,'’()-]{2,40}?\s*[—–-]$")
_SIGN_OFF = re.compile(r"^[–—-]\s*[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}$")
_AGENCY = r"(?:Xinhua|Reuters|AFP|AP|EPA|Getty Images|Shutterstock|Alamy|PA|Bloomberg|TASS|Sputnik|ANP|dpa)"
# "– Yao Dawei / Xinhua", "(Photo: AP)", "Photo: Jane Doe/Reuters", "AFP via Getty Images".
_CREDIT_TAIL = re.compile(
    r"\s+[–—-]\s*(?P<credit>[\w'’.,&() -]{2,60}?\s*/\s*[\w'’.&() -]{2,40})\s*$"
    r"|\s*\((?P<paren>(?:photo|image|picture|credit|photograph)s?\s*(?::|by)[^)]{1,80})\)\s*$",
    re.I,
)
_CREDIT_LINE = re.compile(
    rf"^(?:(?:photo|image|picture|photograph|credit|illustration)s?\s*(?::|by)\s*\S.{{0,80}}"
    rf"|[\w'’. -]{{2,40}}\s*/\s*{_AGENCY}(?:\s+via\s+Getty Images)?"
    rf"|{_AGENCY}(?:\s+via\s+Getty Images)?)$",
    re.I,
)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = (
    r"(?:\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?"
    rf"|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{4}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})"
)
_DATE_LABEL = r"(?:(?:date|dateline|published|updated|posted|last updated)\s*:?\s*(?:on\s+)?)?"
_DATE_LINE = re.compile(
    rf"^{_DATE_LABEL}{_DATE}(?:\s*(?:[|·•,-]\s*)?\d{{1,2}}:\d{{2}}\s*(?:[ap]\.?m\.?)?)?$", re.I
)
_DATE_PREFIX = re.compile(rf"{_DATE_LABEL}{_DATE}(?=\s+[\"“A-Z])", re.I)
# "MOSCOW (Reuters) -", "ST CATHERINE, Jamaica —", "WASHINGTON, May 7 (AP) —".
_PLACE_PREFIX = re.compile(
    r"[A-Z][A-Z'’.-]{2,}(?:\s+[A-Z][A-Z'’.-]+){0,3}(?:,\s*[A-Z][\w'’.]*(?:\s+[\w'’.]+){0,2})?"
    r"(?:\s*\([^)]{1,30}\))?(?=\s*[—–-]{1,2}\s+[\"“A-Z])"
)
_DASH_AFTER = re.compile(r"\s*[—–-]{1,2}\s+")
# Glue without link information: a lower-case word run into a capitalised function word ("scenarioWhere",
# "Siberia 2Who"). The list is closed so that names like "YouTube" or "LinkedIn" are left alone.
_GLUE_GUESS = re.compile(
    r"(?<=[a-z0-9])(?=(?:Where|Which|While|When|Who|Whose|And|But|The|That|This|They)\b)"
)


@dataclass(frozen=True)
class Piece:
    """A sentence or layout line: ``text[start:end]``, its role, its paragraph number and clean form."""

    start: int
    end: int
    role: str
    paragraph: int
    clean: str


def glue_points(text: str, link_spans: Iterable[tuple[int, int]] = ()) -> list[int]:
    """Return sorted offsets where two words touch without a space (at a link anchor's edge, or guessed)."""
    points = set()
    for start, end in link_spans:
        for pos in (start, end):
            if 0 < pos < len(text) and text[pos - 1].isalnum() and text[pos].isalnum():
                points.add(pos)
    points.update(match.start() for match in _GLUE_GUESS.finditer(text))
    return sorted(points)


def clean_text(text: str, start: int, end: int, points: Sequence[int]) -> str:
    """Return ``text[start:end]`` with a space inserted at each glue point inside it."""
    lo = bisect.bisect_right(points, start)
    hi = bisect.bisect_left(points, end)
    if lo >= hi:
        return text[start:end]
    parts, cursor = [], start
    for point in points[lo:hi]:
        parts.append(text[cursor:point])
        cursor = point
    parts.append(text[cursor:end])
    return " ".join(parts)


def segment(
    text: str,
    *,
    link_spans: Iterable[tuple[int, int]] = (),
    title: str = "",
    byline: str = "",
    language: str = "en",
) -> list[Piece]:
    """Split ``text`` into pieces covering every non-blank line, in order; never raises on odd text."""
    points = glue_points(text, link_spans)
    language = language if re.fullmatch(r"[a-z]{2,3}", language or "") else "en"
    pieces: list[Piece] = []
    for paragraph, (start, end) in enumerate(_paragraphs(text)):
        line = text[start:end]
        role = _line_role(line, title=title, byline=byline)
        if role == "body":
            pieces.extend(_body_pieces(text, start, end, paragraph, points, language))
        elif role == "caption":
            pieces.extend(_caption_pieces(text, start, end, paragraph, points))
        else:
            pieces.append(Piece(start, end, role, paragraph, clean_text(text, start, end, points)))
    return pieces


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Return (start, end) of each non-blank line, stripped; a hard-wrapped line is joined to the next."""
    spans: list[tuple[int, int]] = []
    for match in re.finditer(r"[^\n]+", text):
        start, end = _strip(text, match.start(), match.end())
        if start >= end:
            continue
        if spans and _is_wrapped(text, spans[-1], start):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _is_wrapped(text: str, previous: tuple[int, int], start: int) -> bool:
    # Plain-text articles are sometimes hard-wrapped: a line that stops mid-sentence and a next line that
    # starts in lower case are one paragraph. A blank line between them always separates paragraphs.
    gap = text[previous[1] : start]
    return (
        gap.count("\n") == 1
        and text[start].islower()
        and not _TERMINAL.search(text[previous[0] : previous[1]])
    )


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _norm(value: str) -> str:
    return " ".join(value.split()).casefold()


def _line_role(line: str, *, title: str, byline: str) -> str:
    words = line.split()
    if title and _norm(line) == _norm(title):
        return "heading"
    if (byline and _norm(line).startswith(_norm(byline)) and len(words) <= BYLINE_MAX_WORDS) or (
        _BYLINE.match(line) and len(words) <= BYLINE_MAX_WORDS
    ):
        return "byline"
    if _SIGN_OFF.match(line):
        return "byline"
    if _DATE_LINE.match(line) or _PLACE_LINE.match(line):
        return "dateline"
    if _CREDIT_LINE.match(line):
        return "credit"
    if _CREDIT_TAIL.search(line):
        return "caption"
    if _BULLET.match(line):
        return "body"
    if not _TERMINAL.search(line) and len(words) <= HEADING_MAX_WORDS:
        return "heading"
    if line.endswith("?") and len(words) <= QUESTION_HEADING_MAX_WORDS:
        return "heading"
    return "body"


def _caption_pieces(text: str, start: int, end: int, paragraph: int, points: Sequence[int]) -> list[Piece]:
    match = _CREDIT_TAIL.search(text, start, end)
    group = "credit" if match.group("credit") else "paren"
    credit_start, credit_end = match.span(group)
    caption_end = _strip(text, start, match.start())[1]
    pieces = []
    if caption_end > start:
        pieces.append(
            Piece(start, caption_end, "caption", paragraph, clean_text(text, start, caption_end, points))
        )
    pieces.append(Piece(credit_start, credit_end, "credit", paragraph, text[credit_start:credit_end]))
    return pieces


def _body_pieces(
    text: str, start: int, end: int, paragraph: int, points: Sequence[int], language: str
) -> list[Piece]:
    pieces = []
    dateline = _DATE_PREFIX.match(text, start, end) or _PLACE_PREFIX.match(text, start, end)
    if dateline:
        pieces.append(Piece(start, dateline.end(), "dateline", paragraph, dateline.group(0)))
        dash = _DASH_AFTER.match(text, dateline.end(), end)
        start = _strip(text, dash.end() if dash else dateline.end(), end)[0]
    clean = clean_text(text, start, end, points)
    # Offsets in ``clean`` shift by one after each inserted space: map them back through the glue points.
    inside = [p for p in points if start < p < end]
    for boundary in sentencex.get_sentence_boundaries(language, clean):
        s = _to_original(boundary["start_index"], start, inside)
        e = _to_original(boundary["end_index"], start, inside)
        s, e = _strip(text, s, e)
        if s < e:
            pieces.append(Piece(s, e, "body", paragraph, clean_text(text, s, e, points)))
    return pieces


def _to_original(clean_offset: int, start: int, inside: Sequence[int]) -> int:
    # The k-th inserted space sits at clean offset (inside[k] - start + k); every clean offset past it
    # is one further from the original than the one before.
    shift = 0
    for k, point in enumerate(inside):
        if clean_offset > point - start + k:
            shift = k + 1
        else:
            break
    return start + clean_offset - shift
