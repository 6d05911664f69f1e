"""Claimants: who makes a sentence's statement, resolved in the article ("Mr. Sussex" -> "Matthew Sussex").

Speakers are found by the attribution patterns of news prose: "..., said X, <role>." at the end of a
sentence, "X, <role>, said ..." / "X denied ..." at its start, and "according to X". Pronouns ("he said")
resolve to the latest person speaker. A sentence without its own attribution inherits the speaker of its
paragraph when it is part of that speaker's words: inside the same quotation marks, or next to a
quote-style attribution ("<opinion>, said X, <role>. <more words of X>.").
"""

import re
import unicodedata
from dataclasses import dataclass, field

_TITLES = (
    "mr|mrs|ms|miss|mx|dr|prof|professor|sir|dame|lord|lady|president|vice president|prime minister|"
    "pm|minister|foreign minister|chancellor|secretary|senator|sen|rep|representative|gov|governor|gen|"
    "general|"
    "col|colonel|capt|captain|adm|admiral|judge|justice|rev|reverend|king|queen|prince|princess|pope|sheikh|"
    "mayor|ambassador|deputy|chairman|chairwoman|chief"
)
_TITLE_PREFIX = re.compile(rf"^(?:(?:the|{_TITLES})\b\.?\s*)+", re.I)
_TITLE_WORDS = {t for t in _TITLES.split("|") if " " not in t}

# Capitalised words that start a sentence without naming anyone.
# fmt: off
_STOP = {
    "a", "an", "the", "it", "its", "this", "that", "these", "those", "there", "here", "he", "she", "they",
    "we", "i", "you", "others", "some", "many", "most", "both", "all", "one", "another", "each", "such",
    "however", "but", "and", "or", "if", "while", "when", "where", "what", "which", "who", "why", "how",
    "in", "on", "at", "after", "before", "beyond", "as", "for", "from", "with", "without", "today",
    "yesterday", "meanwhile", "still", "yet", "also", "then", "now", "so", "although", "though",
    "because", "staff", "police", "people", "everyone", "nobody", "residents", "officials", "experts",
    "analysts", "critics", "observers", "sources", "reports", "report", "studies", "study", "data",
}
# fmt: on
_GROUP = (
    r"(?:experts?|analysts?|observers?|critics?|commentators?|scholars?|economists?|officials?|diplomats?|"
    r"sources?)"
)
# fmt: off
_ORG_WORDS = {
    "institute", "center", "centre", "university", "union", "association", "council", "ministry",
    "department", "agency", "army", "party", "bank", "fund", "group", "company", "corporation", "inc",
    "ltd", "office", "committee", "commission", "court", "parliament", "government", "square", "war",
    "day", "parade", "states", "kingdom", "republic", "korea", "station", "hospital", "school", "college",
    "house", "times", "news", "post", "foundation", "organization", "organisation", "forces", "navy",
    "police", "service", "affairs", "analysis", "markets", "power", "pipeline", "tanks", "treaty",
    "summit", "force", "media",
}
# fmt: on
# Time words glued to a place by capitalised prose ("in Moscow Last week") must not make a person.
# fmt: off
_TIME_WORDS = {
    "last", "next", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "week", "year", "month", "today", "tonight",
}
# fmt: on
_PLACE_START = {"north", "south", "east", "west", "new", "united", "red", "second", "first", "victory", "old"}
_COMMENTATOR = re.compile(
    r"\b(?:experts?|analysts?|professor|lecturer|researcher|scholar|fellow|economist|strategist|commentator|"
    r"observer|consultant|historian|political scientist|think[- ]tanks?|former|founder|author|columnist|"
    r"centre|center|institute|university|academy|foundation)\b",
    re.I,
)

_SPEECH = (
    r"said|says|say|told|tells|stated|states|added|adds|noted|notes|explained|explains|wrote|writes|"
    r"declared|declares|insisted|insists|warned|warns|stressed|stresses|points out|pointed out|recalled|"
    r"recalls|emphasi[sz]ed|emphasi[sz]es"
)
_STANCE = (
    r"announced|announces|announce|denied|denies|deny|accused|accuses|accuse|rejected|rejects|reject|"
    r"claimed|claims|claim|confirmed|confirms|confirm|reported|reports|acknowledged|acknowledges|admitted|"
    r"admits|dismissed|dismisses|vowed|vows|pledged|pledges|promised|promises|urged|urges|estimated|"
    r"estimates|revealed|reveals|disclosed|discloses|alleged|alleges|condemned|condemns|called for|calls for"
)
_OPINION = (
    r"think|thinks|thought|believe|believes|believed|feel|feels|felt|affirm|affirms|affirmed|suggest|"
    r"suggests|suggested|argue|argues|argued|fear|fears|feared|expect|expects|expected|doubt|doubts|"
    r"contend|contends|contended|agree|agrees|agreed|accepts|accepted|likens|likened"
)
_OPINION_VERB = re.compile(rf"^(?:{_OPINION})$")
_SPEECH_VERB = re.compile(rf"^(?:{_SPEECH})$")

_CAPITALISED = r"[A-Z][\w'’.-]*"
_PARTICLE = r"(?:of|for|the|and|de|van|von|al|bin|da|del|der|la|le|du)"
_NAME = rf"{_CAPITALISED}(?:\s+(?:{_PARTICLE}\s+)*{_CAPITALISED}){{0,5}}"
_ACRONYM = r"(?:\s*\([A-Z][A-Za-z]{1,9}\))?"
_PRONOUN = r"(?P<pronoun>[Hh]e|[Ss]he|[Tt]hey)"
_SUBJECT = (
    rf"(?:(?:[Aa]n?|[Tt]he)\s+(?P<spoke>spokes(?:person|man|woman)|representative|statement|official)\s+"
    rf"(?:for|from|of)\s+(?:the\s+)?(?P<org>{_NAME}){_ACRONYM}"
    rf"|(?P<generic>(?i:(?:the\s+|some\s+|many\s+|most\s+)?{_GROUP}))"
    rf"|{_PRONOUN}"
    rf"|(?P<name>(?:[Tt]he\s+)?{_NAME}){_ACRONYM}(?:\s+and\s+(?:his|her|their|its)\s+[a-z]+)?)"
)
_ADVERBS = (
    r"(?:(?:also|firmly|strongly|flatly|repeatedly|previously|publicly|later|earlier|again|recently|has|have|"
    r"had|did|long|once|then|quickly|immediately)\s+)*"
)
_LEADING = re.compile(
    r"^(?:(?:however|but|and|meanwhile|still|yet|also|separately|earlier|later|now|instead|indeed|in turn|"
    r"in (?:a|an|its|his|her|their) [\w ]{1,40}?|on \w+(?: \w+)?|at the time)\s*,?\s+)+",
    re.I,
)
_PREPOSED = re.compile(
    rf"(?P<subject>{_SUBJECT})(?:\s*,\s*(?P<role>[^,]{{3,}}?(?:,[^,]{{3,}}?){{0,2}})\s*,)?\s+{_ADVERBS}"
    rf"(?P<verb>{_SPEECH}|{_STANCE}|{_OPINION})\b"
)
# In "..., told Reuters" the name after the verb is the listener, so inversion excludes told/tells.
_INVERTIBLE = _SPEECH.replace("told|tells|", "")
_POSTPOSED_VS = re.compile(
    rf"[,“”\"]\s*(?P<verb>{_INVERTIBLE})\s+(?P<subject>{_SUBJECT})(?:\s*,\s*(?P<role>[^.!?]+?))?\s*[.!?]?[\"”’]?$"
)
_POSTPOSED_SV = re.compile(
    rf"[,“”\"]\s*(?P<subject>{_SUBJECT})\s+(?P<verb>{_SPEECH})(?:\s+(?<=told\s)[^,.;“”\"]{{1,60}})?"
    r"\s*[.!?]?[\"”’]?$"
)
_ACCORDING = re.compile(rf"\baccording to\s+(?P<subject>{_SUBJECT})(?:\s*,\s*(?P<role>[^,.]+))?")
_PERSON_RUN = re.compile(r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’.-]*)+")


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

    @property
    def quote_style(self) -> bool:
        """True when the sentence is the speaker's own words rather than a report of their actions."""
        return self.position == "post" or bool(_SPEECH_VERB.match(self.verb))

    @property
    def opinion_verb(self) -> bool:
        return bool(_OPINION_VERB.match(self.verb))


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


def find_attribution(sentence: str) -> Attribution | None:
    """Return the attribution written in ``sentence`` (clean text), or None when it names no speaker."""
    body = _LEADING.sub("", sentence.strip())
    for pattern, position in ((_POSTPOSED_VS, "post"), (_POSTPOSED_SV, "post")):
        match = pattern.search(body)
        if match and (attribution := _attribution(match, position)):
            return attribution
    match = _PREPOSED.match(body)
    if match and (attribution := _attribution(match, "pre")):
        return attribution
    match = _ACCORDING.search(body)
    if match and (attribution := _attribution(match, "according", verb="according to")):
        return attribution
    return None


def _attribution(match: re.Match, position: str, verb: str = "") -> Attribution | None:
    groups = match.groupdict()
    role = (groups.get("role") or "").strip()
    role = re.split(r",\s*(?:who|which|whose)\b", role)[0].split(",")[0].strip()
    role = re.sub(r"^(?:who|which) (?:is|was|has been|had been|is now) ", "", role)
    verb = verb or groups["verb"]
    if groups.get("org"):
        spoke = groups["spoke"]
        return Attribution(
            _surface(groups["org"]), spoke if spoke != "statement" else "", verb, position, organisation=True
        )
    if groups.get("generic"):
        return Attribution(groups["generic"], "", verb, position, generic=True)
    if groups.get("pronoun"):
        return Attribution(groups["pronoun"].lower(), role, verb, position, pronoun=True)
    surface = _surface(groups["name"])
    if not surface or surface.casefold() in _STOP or surface.split()[0].casefold() in _STOP - {"the"}:
        return None
    organisation = groups["name"].lower().startswith("the ") or bool(_org_like(surface))
    return Attribution(surface, role, verb, position, organisation=organisation)


def _surface(name: str) -> str:
    return re.sub(r"^[Tt]he\s+", "", name.strip()).rstrip(".,")


def _org_like(name: str) -> bool:
    return any(word.casefold().strip(".") in _ORG_WORDS for word in name.split())


def person_names(texts: list[str]) -> list[str]:
    """Return full person names ("Matthew Sussex") written in the texts, in order of first appearance."""
    seen: dict[str, None] = {}
    for text in texts:
        for match in _PERSON_RUN.finditer(text):
            words = [word.rstrip(".,;:") for word in match.group(0).split()]
            while words and (words[0].casefold().strip(".") in _STOP | _TITLE_WORDS):
                words.pop(0)
            if 2 <= len(words) <= 3 and _looks_personal(words):
                seen.setdefault(" ".join(words), None)
    return list(seen)


def _looks_personal(words: list[str]) -> bool:
    if words[0].casefold() in _PLACE_START or re.search(r"(?:ese|ian|ish)$", words[0]):
        return False
    if any(word.casefold() in _TIME_WORDS for word in words):
        return False
    if any(w.isupper() or not re.fullmatch(r"[A-Z][a-z][\w'’-]*", w) for w in words):
        return False
    return not _org_like(" ".join(words))


def resolve(
    attributions: list[Attribution | None], paragraphs: list[int], texts: list[str]
) -> list[Claimant | None]:
    """Return the claimant of each sentence (own attribution, pronoun, or inherited within the paragraph)."""
    full_names = person_names(texts)
    registry: dict[str, Claimant] = {}
    own: list[Claimant | None] = []
    last_person: Claimant | None = None
    last_any: Claimant | None = None
    for attribution, text in zip(attributions, texts, strict=True):
        claimant = None
        if attribution and attribution.pronoun:
            claimant = last_any if attribution.surface == "they" else last_person
        elif attribution:
            claimant = _register(registry, attribution, full_names)
        own.append(claimant)
        if claimant is not None and not claimant.generic:
            last_any = claimant
            if claimant.person:
                last_person = claimant
        # "He said" in a later sentence refers to the speaker here or, failing one, to the first person
        # this sentence names ("Prof David Green, ..., agrees that ... . He adds ...").
        if claimant is None or not claimant.person:
            mentioned = _first_person(text, full_names)
            if mentioned:
                last_person = _register(registry, Attribution(mentioned, "", "", "mention"), full_names)
    return _inherit(own, attributions, paragraphs, texts)


def _first_person(text: str, full_names: list[str]) -> str | None:
    for match in _PERSON_RUN.finditer(text):
        words = [word.rstrip(".,;:") for word in match.group(0).split()]
        titled = any(w.casefold() in _TITLE_WORDS for w in words[:-1])
        while words and words[0].casefold() in _STOP | _TITLE_WORDS:
            words.pop(0)
        name = " ".join(words)
        if name in full_names or (titled and len(words) == 1):
            return name
    return None


def _register(registry: dict[str, Claimant], attribution: Attribution, full_names: list[str]) -> Claimant:
    surface = attribution.surface
    core = _TITLE_PREFIX.sub("", surface).strip() or surface
    titled = core != surface
    name = core
    if len(core.split()) == 1 and not attribution.organisation and not attribution.generic:
        name = _full_name(core, full_names) or core
    key = normalize_name(name)
    claimant = registry.get(key)
    if claimant is None:
        claimant = registry[key] = Claimant(name=name, generic=attribution.generic)
    claimant.person = (
        claimant.person or titled or (name != core) or name in full_names or attribution.position == "mention"
    )
    if attribution.role and not claimant.role:
        claimant.role = attribution.role
    for alias in (name, surface, core):
        if alias not in claimant.aliases:
            claimant.aliases.append(alias)
    return claimant


def _full_name(token: str, full_names: list[str]) -> str | None:
    wanted = token.casefold()
    for position in (-1, 0):  # surname last ("Sussex"), then surname first ("Xi" for "Xi Jinping")
        for full in full_names:
            if full.split()[position].casefold() == wanted:
                return full
    return None


def _inherit(
    own: list[Claimant | None],
    attributions: list[Attribution | None],
    paragraphs: list[int],
    texts: list[str],
) -> list[Claimant | None]:
    result = list(own)
    by_paragraph: dict[int, list[int]] = {}
    for index, paragraph in enumerate(paragraphs):
        by_paragraph.setdefault(paragraph, []).append(index)
    for indexes in by_paragraph.values():
        # Unnamed groups ("experts think ...") speak for one sentence only.
        speakers = {id(own[i]) for i in indexes if own[i] is not None}
        if len(speakers) != 1:
            continue
        anchor = next(i for i in indexes if own[i] is not None)
        attribution = attributions[anchor]
        if not attribution.quote_style or own[anchor].generic:
            continue
        for i in indexes:
            if own[i] is not None:
                continue
            # After a quote-style attribution the paragraph goes on in the speaker's words; before it,
            # only a postposed one ("..., said X") marks the earlier sentences as the same quotation.
            if i > anchor or attribution.position == "post" or _same_quote(texts, i, anchor):
                result[i] = own[anchor]
    return result


def _same_quote(texts: list[str], first: int, last: int) -> bool:
    # A quotation opened in ``first`` and closed in ``last`` spans the sentences between them.
    opened = texts[first].count("“") > texts[first].count("”") or texts[first].count('"') % 2 == 1
    closed = texts[last].count("”") > texts[last].count("“") or texts[last].count('"') % 2 == 1
    return opened and closed
