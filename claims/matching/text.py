"""Text normalisation for claim matching: clean tweet noise, fold case/accents/numbers, stem, make bigrams.

Everything here is deterministic and dependency-light (``snowballstemmer``, pure Python), so the lexical
ranker needs no optional extra. ``analyse()`` never raises on odd input: any string gives a (maybe empty)
list of terms.
"""

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# Function words only, plus tweet debris (rt, amp, pic). Negations ("not", "no", "never") stay indexed:
# a claim and its denial are the same claim for matching, and their low IDF keeps them from dominating.
_STOPWORD_LIST = """
    a about above after again against all am an and any are aren as at be because been before being below
    between both but by can could couldn did didn do does doesn doing don down during each few for from
    further had hadn has hasn have haven having he her here hers herself him himself his how i if in into is
    isn it its itself just let ll me more most my myself nor now of off on once only or other ought our ours
    ourselves out over own re s same shan she should shouldn so some such t than that the their theirs them
    themselves then there these they this those through to too under until up ve very was wasn we were weren
    what when where which while who whom why will with won would wouldn y you your yours yourself yourselves
    rt amp via im u ur r pic https http www com co
"""
STOPWORDS = frozenset(_STOPWORD_LIST.split())

# Words that mean the same thing in claims about media ("a photograph shows" vs "this picture").
# Mapped after stemming so that every inflection lands on one term.
SYNONYMS = {
    "pictur": "photo",
    "photograph": "photo",
    "pic": "photo",
    "imag": "photo",
    "footag": "video",
    "clip": "video",
    "percent": "percent",
    "pct": "percent",
    "usa": "us",
    "america": "us",
    "american": "us",
    "obamacar": "aca",
    "kid": "child",
    "children": "child",
}

_MONTH_LIST = "january february march april may june july august september october november december"
_MONTHS = frozenset(_MONTH_LIST.split())

# "— Ilhan Omar (@IlhanMN) January 6, 2020": the embedded-tweet tail (author, handle, date).
_TWEET_TAIL = re.compile(
    r"\s*[\u2014\u2013-]{1,2}\s*(?P<name>[^\u2014\u2013]{0,80}?)\s*\(@(?P<handle>\w{1,30})\)\s*"
    r"(?P<month>[A-Z][a-z]+)\s+(?P<day>\d{1,2}),\s*(?P<year>\d{4})\s*$"
)
_URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S*", re.I)
_HANDLE = re.compile(r"@(\w+)")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")
_APOSTROPHE = re.compile(r"(?<=\w)['\u2019\u2018`](s\b)?", re.I)
_PERCENT = re.compile(r"(\d)\s*(%|per\s*cent\b)", re.I)
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_DECIMAL = re.compile(r"(?<=\d)\.(?=\d)")
_WORD = re.compile(r"[a-z0-9]+")

_stemmer = snowballstemmer.stemmer("english")


@dataclass(frozen=True)
class Tweet:
    """An embedded tweet split into its body and its tail (author name, handle, month and year)."""

    body: str
    author: str = ""
    month: str = ""
    year: str = ""


def split_tweet(text: str) -> Tweet:
    """Split off the "— Name (@handle) Month D, YYYY" tail; text without one is all body."""
    match = _TWEET_TAIL.search(text)
    if not match or match.group("month").lower() not in _MONTHS:
        return Tweet(body=text)
    return Tweet(
        body=text[: match.start()],
        author=match.group("name"),
        month=match.group("month").lower(),
        year=match.group("year"),
    )


def clean(text: str) -> str:
    """Remove URLs and markup noise and split hashtags and @handles into words; keep everything else."""
    text = html.unescape(text)
    # URLs glued to a hashtag ("#Minecrafthttps://t.co/x", "#WW3pic.twitter.com/x") are cut first.
    text = _URL.sub(" ", text)
    text = _HASHTAG.sub(lambda m: " " + _CAMEL.sub(" ", m.group(1)) + " ", text)
    text = _HANDLE.sub(lambda m: " " + _CAMEL.sub(" ", m.group(1).replace("_", " ")) + " ", text)
    return text


def fold(text: str) -> str:
    """Lower-case, strip accents and unify quotes and number formats ("70 per cent" -> "70 percent")."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHE.sub("", text)
    text = _PERCENT.sub(r"\1 percent", text)
    text = _THOUSANDS.sub("", text)
    text = _DECIMAL.sub("p", text)
    return text.lower()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball (Porter2) stem, then map media synonyms onto one term; cached because words repeat."""
    stemmed = _stemmer.stemWord(word)
    return SYNONYMS.get(stemmed, stemmed)


def words(text: str) -> list[str]:
    """Return the stemmed content words of already cleaned text, stopwords dropped."""
    folded = fold(text)
    return [stem(w) for w in _WORD.findall(folded) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def bigrams(terms: list[str]) -> list[str]:
    """Adjacent pairs of content terms, as single terms ("drone strike" -> "drone_strike")."""
    return [f"{a}_{b}" for a, b in zip(terms, terms[1:], strict=False)]


def analyse(text: str) -> list[str]:
    """Return the unigram and bigram terms of one text (claim, title or tweet body)."""
    terms = words(clean(text))
    return terms + bigrams(terms)
