"""Ratings on one axis: another fact-checker's textual rating and our numeric rating to true/false/mixed.

Two ratings contradict when one is true-ish and the other false-ish; everything else (half true, missing
context, misleading, unproven, satire, unknown words) is "mixed" and never contradicts, because a wrong
needs-update flag costs an editor more than a late one. The word lists are in docs/feeds.md.
"""

import re

TRUE, FALSE, MIXED = "true", "false", "mixed"

# Checked in this order: "half true" and "mostly false" must not be read as "true".
_MIXED = r"half|mixture|mixed|partly|partial|partially|missing context|lacks context|misleading|" + (
    r"unproven|unverified|unsupported|satire|exaggerat|out of context|cherry|spin|flip|research in progress|"
    r"engañoso|trompeur|irreführend|impreciso"
)
_FALSE = (
    r"false|fake|pants on fire|incorrect|wrong|not true|untrue|inaccurate|debunked|hoax|fabricated|"
    r"baseless|no evidence|bogus|scam|four pinocchios|falso|falsa|faux|falsch|fałsz|onwaar|sahte"
)
_TRUE = r"true|correct|accurate|confirmed|verdadero|verdadera|vrai|richtig|wahr|waar|prawda|doğru"
_PATTERNS = [
    (MIXED, re.compile(rf"\b(?:{_MIXED})", re.IGNORECASE)),
    (FALSE, re.compile(rf"\b(?:{_FALSE})\b", re.IGNORECASE)),
    (TRUE, re.compile(rf"\b(?:{_TRUE})\b", re.IGNORECASE)),
]


def position_verdict(position: float) -> str:
    """Map a place on a scale (0 = worst, 1 = best) to false (<= 0.25), true (>= 0.75) or mixed."""
    if position <= 0.25:
        return FALSE
    if position >= 0.75:
        return TRUE
    return MIXED


def verdict_for(
    textual: str, *, value: float | None = None, best: float | None = None, worst: float | None = None
) -> str:
    """Map a ClaimReview rating to true/false/mixed: the words first, the numbers only without words."""
    for verdict, pattern in _PATTERNS:
        if textual and pattern.search(textual):
            return verdict
    if textual or value is None or best is None or worst is None or best == worst:
        return MIXED
    return position_verdict((value - worst) / (best - worst))


def our_verdict(claim) -> str:
    """Map the claim's published rating to true/false/mixed through its place on our numeric scale."""
    from claims.claimreview import scale_bounds
    from claims.models import Verdict

    published = (
        Verdict.objects.filter(claim=claim, state=Verdict.State.PUBLISHED).select_related("rating").first()
    )
    if published is None or published.rating is None or published.rating.value is None:
        return MIXED
    best, worst = scale_bounds()
    if best is None or best == worst:
        return MIXED
    return position_verdict((published.rating.value - worst) / (best - worst))


def contradicts(ours: str, theirs: str) -> bool:
    return {ours, theirs} == {TRUE, FALSE}
