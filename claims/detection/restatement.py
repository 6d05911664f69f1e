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
# "His Honour Judge Neil Ford", "Her Majesty": a title, not a reference back.
_HONORIFICS = {"honour", "honor", "majesty", "excellency", "holiness", "highness", "lordship", "ladyship"}
# "It is unclear if ...", "It was believed that ...": "it" stands for nothing before.
_EXPLETIVE_HEADS = {"be", "believe", "seem", "appear", "understand", "think", "expect", "say", "report"}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def needs_context(doc) -> bool:
    """Whether the sentence opens with a pronoun, possessive or demonstrative that refers back."""
    first = _first_word(doc)
    if first is None or first.lower_ not in _PERSONAL | _POSSESSIVE | _DEMONSTRATIVE:
        return False
    if first.lower_ in _POSSESSIVE and first.head.lower_ in _HONORIFICS:
        return False
    return not (first.lower_ == "it" and _expletive(first))


def _expletive(it) -> bool:
    head = it.head
    clause = any(c.dep_ in ("ccomp", "xcomp", "csubj", "advcl") for c in head.children if c.i > head.i)
    return head.lemma_ in _EXPLETIVE_HEADS and clause


def restate(doc, earlier: list, *, claimant: str = "", published: date | None = None) -> str:
    """The sentence with its opening reference resolved and relative dates pinned; "" when it needs none
    or the reference cannot be resolved from ``earlier`` (the parsed sentences before it, nearest last).

    ``claimant`` is the speaker when the opening pronoun is the subject of the attribution ("He said")."""
    text = doc.text
    first = _first_word(doc)
    changed = False
    if needs_context(doc):
        replacement, end = _resolve(first, earlier, claimant)
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


def _resolve(first, earlier: list, claimant: str) -> tuple[str, int]:
    """What ``first`` stands for and where the replaced words end in the sentence text."""
    word = first.lower_
    end = first.idx + len(first.text)
    previous = earlier[-1] if earlier else None
    subject = _subject_phrase(previous) if previous is not None else ""
    if word in ("he", "she"):
        name = claimant or _person_subject(previous) or _person(earlier)
        return (name, end) if name else ("", end)
    if word in _POSSESSIVE:
        owner = (claimant or _person(earlier)) if word in ("his", "her") else subject
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


def _subject(doc):
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return None
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return None if subject is None or subject.pos_ == "PRON" else subject


def _subject_phrase(doc) -> str:
    """The previous sentence's subject as written, up to its head and an "of" phrase; no clause, no
    apposition ("The Rukban camp, set up in 2014, ..." -> "The Rukban camp")."""
    subject = _subject(doc)
    if subject is None:
        return ""
    end = subject.i
    for child in subject.rights:
        if child.dep_ == "prep" and child.lower_ == "of" and child.i == end + 1:
            end = child.right_edge.i
        else:
            break
    return doc[subject.left_edge.i : end + 1].text


def _person_subject(doc) -> str:
    subject = _subject(doc) if doc is not None else None
    if subject is None or subject.ent_type_ != "PERSON":
        return ""
    entity = next(e for e in doc.ents if e.start <= subject.i < e.end)
    return entity.text


def _phrase_with_head(doc, lemma: str) -> str:
    for token in doc:
        if token.lemma_ == lemma and token.pos_ in ("NOUN", "PROPN"):
            span = doc[token.left_edge.i : token.i + 1]
            return span.text
    return ""


def _person(earlier: list) -> str:
    # The person named last in the three sentences before: further back, a reader would not follow.
    for doc in reversed(earlier[-3:]):
        people = [e.text for e in doc.ents if e.label_ == "PERSON" and e.text[:1].isupper()]
        if people:
            return people[-1]
    return ""


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
