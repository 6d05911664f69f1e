"""Claimants: who makes a sentence's statement, as found by claims/detection/attribution.py.

``ClaimantMention`` is what detection reports; ``normalize_name`` is the key that matches a claimant across
articles ("Mr. Sussex" and "Matthew Sussex" differ, "the Kremlin" and "Kremlin" do not).
"""

import re
import unicodedata
from dataclasses import dataclass, field

_TITLE_WORDS = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord", "lady", "president",
    "pm", "minister", "chancellor", "secretary", "senator", "sen", "rep", "representative", "gov",
    "governor", "gen", "general", "col", "colonel", "capt", "captain", "adm", "admiral", "judge", "justice",
    "rev", "reverend", "king", "queen", "prince", "princess", "pope", "sheikh", "mayor", "ambassador",
    "deputy", "chairman", "chairwoman", "chief",
}  # fmt: skip
_COMMENTATOR = re.compile(
    r"\b(?:experts?|analysts?|professor|lecturer|researcher|scholar|fellow|economist|strategist|commentator|"
    r"observer|consultant|historian|political scientist|think[- ]tanks?|former|founder|author|columnist|"
    r"centre|center|institute|university|academy|foundation)\b",
    re.I,
)


@dataclass
class ClaimantMention:
    """Who makes a sentence's statement: ``name`` as resolved within the article, role and aliases seen."""

    name: str
    role: str = ""
    aliases: list[str] = field(default_factory=list)
    person: bool = False  # False: an organisation, a government or a group ("the Kremlin", "Beijing")

    def as_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "aliases": list(self.aliases), "person": self.person}


@dataclass(frozen=True)
class Attribution:
    """An attribution written in one sentence: the speaker as written and how the sentence names them."""

    surface: str
    role: str
    verb: str
    position: str  # "pre" ("X said ..."), "post" ("..., said X"), or "according"
    pronoun: bool = False
    generic: bool = False
    organisation: bool = False
    speech: bool = False  # a verb of saying ("said", "noted", "told"), not of acting ("denied")
    opinion_verb: bool = False  # "thinks", "believes", "suggests"

    @property
    def quote_style(self) -> bool:
        """True when the sentence is the speaker's own words rather than a report of their actions."""
        return self.position == "post" or self.speech


@dataclass
class Claimant:
    """A speaker of the article after resolution; one object per distinct speaker."""

    name: str
    role: str = ""
    aliases: list[str] = field(default_factory=list)
    person: bool = False
    generic: bool = False

    @property
    def commentator(self) -> bool:
        """Experts, analysts, former officials and think tanks comment; their words are analysis."""
        return self.generic or bool(self.role and _COMMENTATOR.search(self.role))

    def mention(self) -> ClaimantMention:
        return ClaimantMention(name=self.name, role=self.role, aliases=list(self.aliases), person=self.person)


def normalize_name(name: str) -> str:
    """Return a key for matching a claimant across articles: no accents, case, titles or punctuation."""
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = re.sub(r"[^\w\s]", " ", ascii_only.casefold())
    words = cleaned.split()
    while len(words) > 1 and words[0] in _TITLE_WORDS | {"the", "vice", "prime", "foreign"}:
        words.pop(0)
    return " ".join(words)
