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
import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import sentencex
from confusable_homoglyphs import confusables

ROLES = ("body", "heading", "caption", "credit", "byline", "dateline", "boilerplate")

# Headings are short lines without final punctuation ("Putin request"), or a short question alone on its
# line ("What to follow?"). Longer unpunctuated lines stay body: they are usually paragraphs whose final
# full stop the extractor lost, and dropping a claim costs more than proposing a heading.
HEADING_MAX_WORDS = 12
QUESTION_HEADING_MAX_WORDS = 8
BYLINE_MAX_WORDS = 15
MIN_QUOTE_PART_WORDS = 5

_TERMINAL = re.compile(r"[.!?…:;\"”’»)\]]$")
_QUOTED_HEADING = re.compile(r"^[“\"](?:(?![.!?,;:]\s)[^“”\"])+(?<![.!?,;:])[”\"]$")
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
    # A list item or a figure run into the next word by the extractor: "33%of", "rose 5%while".
    r"|(?<=\d%)(?=[A-Za-z])"
)

# Site furniture, matched on the folded text (NFKC, look-alike letters folded to Latin, case folded) of a
# line or of a sentence: such pieces get the role "boilerplate" and are never candidates. Each pattern is
# a phrase that news sites use for their own furniture, not for reporting.
_BOILERPLATE = re.compile(
    r"^(?:more|see more|read more|related|also read|read also|watch|listen|don'?t miss|recommended|"
    r"trending|advertisement|sponsored|most read|top stories)\s*(?::|$)"
    r"|\b(?:copyright|all rights reserved|copyrighted (?:property|material) of)\b|©|\(c\) (?:19|20)\d\d"
    r"|\bour standards\b|\btrust principles\b"
    r"|^(?:additional )?(?:reporting|writing|editing|research|compiled|produced|edited) by\b"
    r"|\bcontributed (?:to )?(?:this|the) (?:report|story|article)\b"
    r"|\b(?:originally (?:published|appeared) (?:on|in|by|at)|read the original (?:article|story))\b"
    r"|\b(?:subscribe (?:now|today|to (?:our|the)|for)|please subscribe|already a subscriber|"
    r"(?:first-time|new) subscribers (?:also )?(?:get|receive)|weekly pass|"
    r"unlimited digital access|newsletter sign-?up|sign up (?:for|to) (?:our|the) newsletter|"
    r"log in (?:for|to)|to view the full story|for the full story|to continue reading)\b"
    r"|\b(?:click here|tap here|download the .{0,40}apps?\b)"
    r"|\b(?:contact us|send us your|write to us|reach the reporters?|follow us|email us|"
    r"letters? to the editor|submit a letter|share your (?:story|views|tips))\b"
    r"|^(?:or by )?(?:contact|e-?mail|phone|tel|fax|call us)\s*:"
    r"|\[email(?:&#160;|\s)protected\]|\b[\w.+-]+@[\w-]+\.[a-z]{2,}\b"
    r"|^https?://\S+$"
    r"|\[(?:video|insight|reaction|pictures?|photos?|gallery|live|poll|revealed|explained)\]"
    # A truncated teaser: "Yet, the... more", "The competition which is for teams in the..." (NFKC has
    # turned "…" into "..."); not a quotation's "the deed…." nor a trailing " …".
    r"|\.\.\.\s*(?:more|read more)$|\w\.\.\.$"
    r"|\b(?:did not|didn't|does not|doesn't) (?:immediately )?(?:respond|reply) to .{0,80}"
    r"requests? for comment\b|\bcould not (?:immediately )?be reached for comment\b"
    r"|^[—–-]\s*.{1,80}\(@\w+\)\s+\w+ \d{1,2}, \d{4}$"
    # A reference: "Nature 574, 16-17 (2019)", "Science 366, 1234 (2019).", "doi:10.1038/..."
    r"|^[a-z][\w .&:'-]{1,60} \d{1,4}, [a-z]?\d{1,6}(?:\s*[-–]\s*\d{1,6})? \((?:19|20)\d\d\)\.?$"
    r"|^(?:doi:|https?://doi\.org/)"
    r"|^(?:19|20)\d\d;\s*\d+(?:\(\d+\))?:\s*\d+(?:\s*[-–]\s*\d+)?\.?$|^\[\d{1,3}\]\s"
    r"|^(?:[—–-]\s*)?(?:video|gallery|slideshow)\s*:"
    # A page's time stamp ending a line or sentence, alone or glued to its headline: "... unrest November
    # 20, 2019 - 11:28 AMT PanARMENIAN." (at the end only: a one-line page starts with its stamp).
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}, (?:19|20)\d\d\s*[-–—|]\s*"
    r"\d{1,2}:\d\d\b.{0,40}$"
)
# A related-article link with its outlet: "Pandemic has exposed Britain's reality (The Guardian)"; on the
# text itself, since the outlet is a name.
_OUTLET_LINK = re.compile(r"^[^.!?]{10,120} \((?:The )?[A-Z][\w&.'’-]*(?: [A-Z][\w&.'’-]*){0,3}\)$")
_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "of",
        "off",
        "on",
        "or",
        "over",
        "per",
        "the",
        "to",
        "up",
        "via",
        "vs",
        "with",
    ]
)
# After a paywall line the page shows only the pitch: everything below it is furniture too.
_PAYWALL = re.compile(
    r"\b(?:to view the full story|for the full (?:story|article)|to continue reading|"
    r"subscribe to (?:read|continue|see))\b"
)
# The heading of a list of other stories, alone or run into its first teaser by the extractor ("Top stories
# The House of Representatives voted ...", "Partner news | Armenia named ..."), matched on the original
# line (a capital or a separator after it): from there to the end, the page lists other articles.
_OTHER_STORIES = re.compile(
    r"^(?:top stories|related stories|more stories|other stories|partner news|most read|most popular|"
    r"you may also like|recommended for you|more from [\w ]{1,30}?|latest news)"
    r"(?:\s*[:|]|\s*$|\s+(?=[A-Z]))",
    re.IGNORECASE,
)
# A sentence-sized byline or sign-off inside a paragraph: "By U.S. CUSTOMS AND BORDER PROTECTION",
# "Max Lee, KBS World Radio News.", "(BA)".
_INLINE_BYLINE = re.compile(
    r"^(?:(?i:by)\s+(?:[A-Z][\w.'’&-]*\s*){1,7}"
    r"|[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){1,2}, [\w .]{2,40}(?:News|Radio|TV|Television)\.?"
    r"|[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){1,2} has (?:more|the story|the details)\."
    r"|\([A-Z]{1,4}\))$"
)
# Titles and abbreviations after which sentencex still breaks when they are glued to a prefix
# ("then-Rep. Anna Eshoo", "ex-Gov. Smith"); the sentence goes on with the name.
_TITLE_END = re.compile(
    r"(?:^|[\s(\-–])(?:Rep|Reps|Sen|Sens|Gov|Govs|Gen|Lt|Col|Sgt|Capt|Cmdr|Adm|Dr|Mr|Mrs|Ms|Prof|St|Rev|"
    r"Hon|Pres|Supt|Insp|Det|Maj|Brig|Cpl|Pvt|Atty|Amb|Del|Sec|Gen|Jr|Sr|No|Nos|Vol|Fig|approx|vs|Ald|Assemb)"
    r"\.\s*$"
)
# A quotation that holds several sentences ("“We had a banner year. But the rest ...,” he said.") is cut
# into them; each closing part keeps the quotation's speaker through the claimant resolution.
_INLINE_BULLET = re.compile(r"\s[•▪◦·]\s")
_QUOTATION = re.compile(r"“[^“”]{20,}”|\"[^\"]{20,}\"")


@lru_cache(maxsize=4096)
def _latin(char: str) -> str:
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"])
    if found:
        for glyph in found[0]["homoglyphs"]:
            if glyph["c"].isascii():
                return glyph["c"]
    return char


def fold(text: str) -> str:
    """NFKC, look-alike letters (Cyrillic "о", Greek "Ε", ...) folded to Latin, case folded: for matching."""
    normal = unicodedata.normalize("NFKC", text)
    if not normal.isascii():
        normal = "".join(c if c.isascii() or not c.isalpha() else _latin(c) for c in normal)
    return normal.casefold()


def is_boilerplate(text: str) -> bool:
    """True for a line or sentence of site furniture (copyright, contact, teaser, subscription pitch...)."""
    return bool(_BOILERPLATE.search(" ".join(fold(text).split())) or _OUTLET_LINK.match(text.strip()))


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
    paywalled = False  # past a paywall notice or the heading of other stories: the rest is not the article
    for paragraph, (start, end) in enumerate(_paragraphs(text)):
        line = text[start:end]
        paywalled = paywalled or bool(_OTHER_STORIES.match(line))
        role = "boilerplate" if paywalled else _line_role(line, title=title, byline=byline)
        paywalled = paywalled or bool(_PAYWALL.search(fold(line)))
        if role == "body":
            body = _body_pieces(text, start, end, paragraph, points, language)
            # The extractor may run the list of other stories into the article's last paragraph.
            cut = next((i for i, p in enumerate(body) if _OTHER_STORIES.match(p.clean.strip())), None)
            if cut is not None:
                body[cut:] = [dataclasses.replace(p, role="boilerplate") for p in body[cut:]]
                paywalled = True
            pieces.extend(body)
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
    if is_boilerplate(line):
        return "boilerplate"
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
        return "boilerplate" if _is_navigation_item(line) else "body"
    if not _TERMINAL.search(line) and len(words) <= HEADING_MAX_WORDS:
        return "heading"
    # A subheading that is a quotation: "“U.S.-controlled bandit formations”".
    if _QUOTED_HEADING.match(line) and len(words) <= HEADING_MAX_WORDS:
        return "heading"
    if line.endswith("?") and len(words) <= QUESTION_HEADING_MAX_WORDS:
        return "heading"
    return "body"


def _is_navigation_item(line: str) -> bool:
    # A bullet holding a headline in title case and no final punctuation ("- 15 Amazing Images of Stars")
    # is a related-article link; a bullet of reporting ("- Exports rose 12% in March") is not.
    if _TERMINAL.search(line):
        return False
    words = [w for w in _BULLET.sub("", line).split() if w.lower() not in _SMALL_WORDS]
    capitalised = sum(w[:1].isupper() or w[:1].isdigit() for w in words)
    return len(words) >= 3 and capitalised >= 0.8 * len(words)


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
    for cs, ce in _sentence_spans(clean, language):
        s = _to_original(cs, start, inside)
        e = _to_original(ce, start, inside)
        s, e = _strip(text, s, e)
        if s < e:
            piece_clean = clean_text(text, s, e, points)
            role = _sentence_role(piece_clean)
            pieces.append(Piece(s, e, role, paragraph, piece_clean))
    return pieces


def _cuttable(clean: str, cut: int) -> bool:
    # Not after an initial or a glued title ("Jordanian-U.S.", "then-Rep."), nor before lower case.
    before, after = clean[:cut].rstrip(), clean[cut:].lstrip()
    if not after or after[0].islower() or re.match(r"[A-Z]\.", after):
        return False
    return not (_TITLE_END.search(before) or re.search(r"(?:^|[^A-Za-z])[A-Z]\.$", before))


def _sentence_role(sentence: str) -> str:
    if _INLINE_BYLINE.match(sentence.strip()):
        return "byline"
    if not any(c.isalpha() for c in sentence):
        return "boilerplate"  # "13.", "--": list numbers and rules left by the extraction
    return "boilerplate" if is_boilerplate(sentence) else "body"


def _sentence_spans(clean: str, language: str) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets in ``clean``: sentencex, then title breaks mended, quotations cut."""
    spans = [(b["start_index"], b["end_index"]) for b in sentencex.get_sentence_boundaries(language, clean)]
    mended: list[tuple[int, int]] = []
    for span in spans:
        if (
            mended
            and _TITLE_END.search(clean[mended[-1][0] : mended[-1][1]])
            and clean[span[0] :].lstrip()[:1].isupper()
        ):
            mended[-1] = (mended[-1][0], span[1])
        else:
            mended.append(span)
    result = []
    for s, e in mended:
        cuts = []
        for quote in _QUOTATION.finditer(clean, s, e):
            inner_start = quote.start() + 1
            inner = clean[inner_start : quote.end() - 1]
            bounds = sentencex.get_sentence_boundaries(language, inner)
            # Cut after each inner sentence but the last; the last stays with the attribution that follows.
            for b in bounds[:-1]:
                cut = inner_start + b["end_index"]
                if s < cut < e and _cuttable(clean, cut):
                    cuts.append(cut)
        edges = [s]
        for cut in sorted(set(cuts)):
            # Each part keeps at least a few words: "We are here to Get. It. OUT," stays one piece.
            if len(clean[edges[-1] : cut].split()) >= MIN_QUOTE_PART_WORDS:
                edges.append(cut)
        if len(edges) > 1 and len(clean[edges[-1] : e].split()) < MIN_QUOTE_PART_WORDS:
            edges.pop()
        edges.append(e)
        # Bullets run together on one line ("• Turnout rose 33% • Prices fell") are separate items.
        bullets = [m.start() + 1 for m in _INLINE_BULLET.finditer(clean, s, e)]
        edges = sorted({*edges, *(b for b in bullets if edges[0] < b < edges[-1])})
        result.extend(zip(edges, edges[1:], strict=False))
    return result


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
