"""Quantities in English text ("40 times", "more than 40 meetings", "a quarter", "25%") and how two compare.

A quantity is a value, a kind (percent, count or year) and a bound (exact, more, less, about). "A
quarter" and "25%" are the same percent; "40 times" and "more than 40 meetings" conflict (an exact 40 is
not "more than 40"). Values of different kinds are never compared.
"""

import re
from dataclasses import dataclass

# "one" is left out: "one of the", "no one" would make every passage hold a count of 1.
WORD_NUMBERS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}  # fmt: skip
FRACTIONS = {
    "half": 50.0, "a third": 100 / 3, "one third": 100 / 3, "two thirds": 200 / 3, "a quarter": 25.0,
    "one quarter": 25.0, "three quarters": 75.0, "a fifth": 20.0, "one fifth": 20.0, "a tenth": 10.0,
}  # fmt: skip
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "m": 1e6}
BOUNDS = {
    "more than": "more", "over": "more", "at least": "more", "above": "more", "upwards of": "more",
    "less than": "less", "fewer than": "less", "under": "less", "below": "less", "at most": "less",
    "about": "about", "around": "about", "nearly": "about", "almost": "about", "roughly": "about",
    "some": "about", "approximately": "about", "close to": "about",
}  # fmt: skip

_BOUND = "|".join(sorted((re.escape(b) for b in BOUNDS), key=len, reverse=True))
_WORD = "|".join(sorted(WORD_NUMBERS, key=len, reverse=True))
_FRACTION = "|".join(sorted((re.escape(f) for f in FRACTIONS), key=len, reverse=True))
_SCALE = "|".join(sorted(SCALES, key=len, reverse=True))
QUANTITY = re.compile(
    rf"(?:\b(?P<bound>{_BOUND})\s+)?"
    rf"(?:(?P<fraction>\b(?:{_FRACTION})\b)(?:\s+of\b)?"
    rf"|(?P<number>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|\b(?:{_WORD})\b)"
    rf"(?:\s*(?P<scale>\b(?:{_SCALE})\b))?"
    rf"\s*(?P<percent>%|\bper\s?cent\b|\bpercent\b)?)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quantity:
    value: float
    kind: str  # percent | count | year
    bound: str  # exact | more | less | about
    start: int
    end: int


def quantities(text: str) -> list[Quantity]:
    """Return the quantities found in ``text``, in order; never raises."""
    found = []
    for m in QUANTITY.finditer(text):
        bound = BOUNDS.get((m["bound"] or "").lower(), "exact")
        if m["fraction"]:
            found.append(
                Quantity(FRACTIONS[" ".join(m["fraction"].lower().split())], "percent", bound, *m.span())
            )
            continue
        raw = m["number"].lower()
        value = float(WORD_NUMBERS[raw]) if raw in WORD_NUMBERS else float(raw.replace(",", ""))
        if m["scale"]:
            value *= SCALES[m["scale"].lower()]
        if m["percent"]:
            kind = "percent"
        elif 1800 <= value <= 2100 and raw.isdigit() and not m["scale"] and bound == "exact":
            kind = "year"
        else:
            kind = "count"
        found.append(Quantity(value, kind, bound, *m.span()))
    return found


def _close(a: float, b: float, tolerance: float) -> bool:
    return abs(a - b) <= tolerance * max(abs(a), abs(b), 1e-9)


def compare(claim: Quantity, other: Quantity) -> str | None:
    """ "same", "conflicting", or None when the two are not comparable (different kinds)."""
    if claim.kind != other.kind:
        return None
    if "about" in (claim.bound, other.bound):
        return "same" if _close(claim.value, other.value, 0.1) else "conflicting"
    if _close(claim.value, other.value, 0.005):
        # "one third" is 33.3...: 33% in a source is the same figure
        return "same" if claim.bound == other.bound else "conflicting"
    if claim.kind == "percent" and abs(claim.value - other.value) < 0.5:
        return "same"
    return "conflicting"


def quantity_match(claim_text: str, passage: str) -> str:
    """ "same" if the passage holds one of the claim's quantities, else "conflicting" if it holds a
    comparable but different one, else "none". Years only count against years."""
    claimed = [q for q in quantities(claim_text) if q.kind != "year"]
    if not claimed:
        return "none"
    outcomes = {compare(c, o) for c in claimed for o in quantities(passage)}
    if "same" in outcomes:
        return "same"
    return "conflicting" if "conflicting" in outcomes else "none"
