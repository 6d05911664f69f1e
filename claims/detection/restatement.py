"""A restatement a reviewer can check alone, proposed for a sentence that leans on its neighbours.

A sentence that opens with a pronoun, a possessive or a demonstrative ("He said ...", "It rose ...",
"Its budget ...", "This plan ...", "These figures ...") cannot be checked without the sentence before it.
The proposal puts back what the opening word stands for: the sentence's claimant for "he"/"she", else the
subject of the previous sentence (its noun phrase as written, or its head noun for "This plan"). Relative
dates are pinned to the article's date: "this year" becomes "this year (2025)", "last week" "last week
(the week before 7 May 2025)", "on Tuesday" "on Tuesday (6 May 2025)".

The result is a proposal, stored as machine-proposed (``Claim.RestatementSource.MACHINE``) until an
editor edits it; a sentence that needs no context, or whose context cannot be read, gets none ("").
"""

from datetime import date, timedelta

_PERSONAL = {"he", "she", "they", "it"}
_POSSESSIVE = {"its", "his", "her", "their"}
_DEMONSTRATIVE = {"this", "these", "that", "those"}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def needs_context(doc) -> bool:
    """Whether the sentence opens with a pronoun, possessive or demonstrative that refers back."""
    first = _first_word(doc)
    return first is not None and first.lower_ in _PERSONAL | _POSSESSIVE | _DEMONSTRATIVE


def restate(doc, previous, *, claimant: str = "", published: date | None = None) -> str:
    """The sentence with its opening reference resolved and relative dates pinned; "" when it needs none
    or the reference cannot be resolved from ``previous`` (the parsed sentence before it, or None)."""
    text = doc.text
    first = _first_word(doc)
    changed = False
    if first is not None and first.lower_ in _PERSONAL | _POSSESSIVE | _DEMONSTRATIVE:
        replacement, end = _resolve(first, previous, claimant)
        if not replacement:
            return ""
        text = text[: first.idx] + replacement + text[end:]
        changed = True
    if published is not None:
        pinned = _pin_dates(text, published)
        changed = changed or pinned != text
        text = pinned
    return text if changed else ""


def _first_word(doc):
    return next((t for t in doc if not (t.is_punct or t.is_space)), None)


def _resolve(first, previous, claimant: str) -> tuple[str, int]:
    """What ``first`` stands for and where the replaced words end in the sentence text."""
    word = first.lower_
    end = first.idx + len(first.text)
    subject = _subject_phrase(previous) if previous is not None else ""
    if word in ("he", "she"):
        name = claimant or _person(previous)
        return (name, end) if name else ("", end)
    if word in _POSSESSIVE:
        owner = claimant if word in ("his", "her") and claimant else subject
        return (f"{_capital(owner)}’s", end) if owner else ("", end)
    if word in _DEMONSTRATIVE and first.dep_ == "det":
        # "This plan" -> "The plan (the council's housing plan)": the head noun named before.
        head = first.head
        before = _phrase_with_head(previous, head.lemma_) if previous is not None else ""
        words_end = head.idx + len(head.text)
        if before:
            return (f"{_capital(before)}", words_end)
        return ("", end)
    if word in ("this", "that"):
        return ("", end)  # a whole earlier statement, not a noun phrase: left to the editor
    if word in ("these", "those") and previous is not None and not _plural_subject(previous):
        return ("", end)
    return (_capital(subject), end) if subject else ("", end)


def _plural_subject(doc) -> bool:
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None) if root else None
    return subject is not None and subject.tag_ in ("NNS", "NNPS")


def _subject_phrase(doc) -> str:
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return ""
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.pos_ == "PRON":
        return ""
    tokens = [t for t in subject.subtree if t.dep_ not in ("relcl", "appos") and not t.is_punct]
    relative = [t.i for t in subject.subtree if t.dep_ in ("relcl", "appos", "acl")]
    if relative:
        tokens = [t for t in tokens if t.i < min(relative)]
    return doc[tokens[0].i : tokens[-1].i + 1].text if tokens else ""


def _phrase_with_head(doc, lemma: str) -> str:
    for token in doc:
        if token.lemma_ == lemma and token.pos_ in ("NOUN", "PROPN"):
            span = doc[token.left_edge.i : token.i + 1]
            return span.text
    return ""


def _person(doc) -> str:
    if doc is None:
        return ""
    people = [e.text for e in doc.ents if e.label_ == "PERSON"]
    return people[-1] if people else ""


def _capital(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:] if phrase else phrase


def _pin_dates(text: str, published: date) -> str:
    lowered = text.lower()
    pins = {
        "this year": str(published.year),
        "last year": str(published.year - 1),
        "next year": str(published.year + 1),
        "this month": f"{published:%B %Y}",
        "last week": f"the week before {_day(published)}",
        "this week": f"the week of {_day(published)}",
        "yesterday": _day(published - timedelta(days=1)),
        "today": _day(published),
    }
    for day, name in enumerate(_WEEKDAYS):
        back = (published.weekday() - day) % 7
        pins[f"on {name}"] = _day(published - timedelta(days=back))
    for phrase, value in pins.items():
        at = _word_at(lowered, phrase)
        if at >= 0 and f"({value})" not in text:
            end = at + len(phrase)
            text = f"{text[:end]} ({value}){text[end:]}"
            lowered = text.lower()
    return text


def _word_at(lowered: str, phrase: str) -> int:
    at = lowered.find(phrase)
    while at >= 0:
        before = lowered[at - 1] if at else " "
        after = lowered[at + len(phrase)] if at + len(phrase) < len(lowered) else " "
        if not before.isalnum() and not after.isalnum():
            return at
        at = lowered.find(phrase, at + 1)
    return -1


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"
