"""Kinds of sentence (numeric, attributed, quote, event, prediction, opinion, other) and the cues behind them.

Cues are read from the sentence's clean text by patterns: they are transparent, fast, and good enough to
decide the few cases where rules are more reliable than a statistical scorer (a quantity, a dated event, a
reported statement, hedged or evaluative wording). The kind is one label, chosen by a fixed priority.
"""

import re
from dataclasses import dataclass

KINDS = ("numeric", "attributed", "quote", "event", "prediction", "opinion", "other")

_NUMBER_WORD = (
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundred|thousand|dozen|million|billion|trillion"
)
# Case-sensitive on purpose: a quantity is followed by a lower-case noun ("40 times"), while a digit
# before a capitalised word is usually part of a name ("Power of Siberia 2").
_DIGIT_QUANTITY = re.compile(
    r"[$€£¥]\s?\d"
    r"|\d[\d,.]*\s?(?:%|(?i:percent|per cent|pc)\b)"
    r"|\d[\d,.]*\s*(?i:million|billion|trillion|bn|mn|m|k)\b"
    r"|\b\d[\d,.]*(?:st|nd|rd|th)?\s+(?:[a-z][\w-]*\s+){0,2}?[a-z][\w-]*s\b"  # "40 times", "80th anniversary"
    r"|\b\d[\d,.]*(?:st|nd|rd|th)\s+[a-z]"
)
# Word patterns below run on the lower-cased sentence: much faster than case-insensitive matching.
_WORD_QUANTITY = re.compile(
    # "three days", not "the two countries" (a reference, not a count)
    rf"(?<!\bthe )\b(?:{_NUMBER_WORD})(?:[ -](?:{_NUMBER_WORD}))*\s+(?:[a-z][\w-]*\s+)?[a-z][\w-]*s\b"
    r"|\b(?:a|one|two|three)[ -](?:quarter|third|half|fifth|tenth)s?\b"
    r"|\b(?:half|twice|double|triple)\s+(?:of|the|as)\b|\b(?:doubled|tripled|halved|quadrupled)\b"
    rf"|\b(?:more|fewer|less) than (?:a |an )?(?:{_NUMBER_WORD})\b"
)
_HAS_DIGIT = re.compile(r"\d")
_VAGUE_NUMBER = re.compile(r"\b(?:dozens|hundreds|thousands|millions|billions|scores) of\b")
# Dates and clock times are time expressions, not quantities.
_NOT_QUANTITY = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d{4}-\d{2}-\d{2}\b|\b(?:19|20)\d{2}s?\b")

_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
_PAST_TIME = re.compile(
    rf"\b(?:yesterday|last (?:week|month|year|night|weekend|summer|winter|spring|autumn|fall|{_WEEKDAY})"
    rf"|earlier (?:this|that) (?:week|month|year)|\d+ (?:days|weeks|months|years) ago"
    rf"|on {_WEEKDAY}|in {_MONTH}(?: \d{{4}})?|in (?:19|20)\d{{2}}|since (?:19|20)\d{{2}})\b",
)
# fmt: off
_BE_OR_DET = {
    "the", "a", "an", "this", "that", "these", "those", "its", "his", "her", "their", "our", "my", "your",
    "well", "be", "been", "being", "is", "are", "was", "were", "am", "get", "got", "gets", "very", "more",
    "most", "so", "too", "not", "never",
}
# fmt: on
_PAST_ACTION = re.compile(
    r"\b(?P<before>\w+)\s+(?P<verb>[a-z]{3,}ed|met|sent|held|won|lost|struck|fought|took|began|fled|led|hit|"
    r"shot|spent|sold|bought|built|left|came|went|flew|rose|fell|grew|paid|cut|made|gave|signed|killed)\s+"
    r"(?:the|a|an|any|their|its|his|her|two|three|four|five|more|about|over|nearly|almost|\d)\b",
)
_PREDICTION = re.compile(
    r"\b(?:will|won't|shall|is going to|are going to|(?:is|are|was|were)(?: also| still| now| \w+ly)? "
    r"(?:expected|set|due|scheduled|poised|planned|slated|forecast|projected|likely|unlikely) to|"
    r"plans? to|intends? to|forecasts?|predicts?)\b",
)
# Speculation: the writer does not assert the statement. "would" after a reporting verb is reported
# speech ("the Kremlin said talks would focus ..."), which the pipeline tells apart by the attribution.
_HEDGE = re.compile(
    r"\b(?:could|might|may|would|likely|unlikely|probably|possibly|perhaps|maybe|presumably|apparently|"
    r"seems?|seemed|appears? to|speculation|rumou?rs?)\b"
)
_EVALUATIVE = re.compile(
    r"\b(?:very|extremely|highly|deeply|powerful|explicit|symbolic|striking|important|crucial|essential|"
    r"absurd|ridiculous|undoubtedly|clearly|obviously|remarkable|significant|favou?rable|unfavou?rable|"
    r"best|worst|great|terrible|shocking|disgraceful|outrageous|wonderful|brilliant|pleasant|"
    r"should|must|ought|reaffirmation|symbol|message|in my view|i think|we believe)\b",
)
_GROUP_OPINION = re.compile(
    r"\b(?:experts?|analysts?|observers?|critics?|commentators?|many|some)\s+(?:\w+\s+)?"
    r"(?:think|believe|affirm|argue|suggest|fear|doubt|feel|consider|say|said)\b",
)
_QUOTED = re.compile(r"[“\"]([^”\"]{12,})[”\"]")


@dataclass(frozen=True)
class Cues:
    """What a sentence's wording shows, before the speaker is taken into account."""

    precise_number: bool
    vague_number: bool
    event: bool
    prediction: bool
    hedge: bool
    evaluative: bool
    group_opinion: bool
    quoted: bool

    @property
    def numeric(self) -> bool:
        return self.precise_number or self.vague_number


def read_cues(sentence: str) -> Cues:
    """Return the cues of a sentence (its clean text); never raises."""
    lower = sentence.lower()
    numbers = _NOT_QUANTITY.sub(" ", sentence) if _HAS_DIGIT.search(sentence) else ""
    return Cues(
        precise_number=bool(numbers and _DIGIT_QUANTITY.search(numbers))
        or bool(_WORD_QUANTITY.search(lower)),
        vague_number=bool(_VAGUE_NUMBER.search(lower)),
        event=bool(_PAST_TIME.search(lower)) or _has_past_action(lower),
        prediction=bool(_PREDICTION.search(lower)),
        hedge=bool(_HEDGE.search(sentence)),
        evaluative=bool(_EVALUATIVE.search(lower)),
        group_opinion=bool(_GROUP_OPINION.search(lower)),
        quoted=bool(_QUOTED.search(sentence)),
    )


def _has_past_action(lower: str) -> bool:
    # "repeated the parade", "signed a treaty"; not "the proposed pipeline" or "been considered a".
    return any(m.group("before") not in _BE_OR_DET for m in _PAST_ACTION.finditer(lower))


@dataclass(frozen=True)
class Reading:
    """The kind of a sentence and whether it is opinion/speculation or anchored in something checkable."""

    kind: str
    opinion: bool
    anchored: bool
    hedged: bool


def classify(
    cues: Cues, *, attributed: bool, own_attribution: bool, commentator: bool, opinion_verb: bool
) -> Reading:
    """Return the kind of a sentence from its cues and what is known of its speaker.

    ``attributed``: the sentence has a speaker (its own attribution or inherited from its paragraph);
    ``own_attribution``: the sentence itself names the speaker with a reporting verb ("the Kremlin said");
    ``commentator``: the speaker is an expert, analyst, think tank or unnamed group.

    Only the rules that measurably help on the labelled news dev split and the seed article decide
    ``opinion`` and ``anchored`` (docs/detection.md, "Check-worthiness adjustment"): an exact quantity
    or a past event anchors; reported speech that names its speaker anchors, a quotation does not (the
    scorer judges what the words in quotation marks say); a commentator's words without a figure and
    hedged or evaluative wording without an anchor are opinion. A cited link and an unnamed group
    ("experts think") change nothing there: measured, they did not help.
    """
    hedged = cues.hedge and not own_attribution
    # A commentator's words are analysis unless they carry an exact figure that can be checked.
    commentary = attributed and (commentator or opinion_verb) and not cues.precise_number
    reported = own_attribution and not commentary and not cues.quoted
    anchored = cues.precise_number or cues.event or reported
    opinion = commentary or (not anchored and (hedged or cues.evaluative))
    # The kind is descriptive: an unnamed group's view is labelled opinion even though it leaves the
    # score alone.
    opinion_kind = opinion or (not anchored and cues.group_opinion)
    if opinion_kind:
        speculative_future = (
            cues.prediction and not commentary and not cues.evaluative and not cues.group_opinion
        )
        kind = "prediction" if speculative_future else "opinion"
    elif attributed and cues.quoted:
        kind = "quote"
    elif attributed:
        kind = "attributed"
    elif cues.numeric:
        kind = "numeric"
    elif cues.event:
        kind = "event"
    elif cues.prediction:
        kind = "prediction"
    else:
        kind = "other"
    return Reading(
        kind=kind, opinion=opinion, anchored=anchored and not opinion, hedged=hedged or cues.evaluative
    )
