"""The seed article (claims/demo/seed-article.*): what a reviewer must and must not see in the queue."""

from functools import lru_cache

import pytest

from claims.checkworthiness import get_scorer
from claims.detection import detect_claims
from tests.fixtures.detection import seed_document


class FixedScorer:
    name = "fixed"
    threshold = 0.5

    def __init__(self, value):
        self.value = value

    def score(self, sentences):
        return [self.value] * len(sentences)


SCORERS = pytest.mark.parametrize(
    "scorer", [None, FixedScorer(0.0), FixedScorer(1.0)], ids=["default", "scorer-says-0", "scorer-says-1"]
)
SOURCES = "https://sources.example/"

# Sentences with a checkable number, event or attributed statement: (start, claimant, cited links).
CHECKABLE = [
    ("Waving their national flag", None, []),
    ("The specialized unit within the Liberation Army", None, []),
    ("In a demonstration of in -depth links, Xi Jinping, who landed", None, []),
    ("While both met more than 40 times", None, ["xi-putin-meetings-count"]),
    ("The Friday parade will be made after three days", None, []),
    ("The Kremlin said that talks would focus", "Kremlin", []),
    ("Putin and his deputies firmly rejected", "Vladimir Putin", ["kremlin-rejects-european-mission"]),
    ("Beijing denied that", "Beijing", []),
    ("Ukraine also accused Beijing", "Ukraine", []),
    ("China has refused to pay more than the Russian gas rate", None, []),
    ("Moscow rejected this", "Moscow", []),
    ("Trump said he had a very close relationship", "Trump", []),
    ("Washington and Beijing have announced", "Washington and Beijing", ["us-china-trade-talks-announced"]),
    ("Moscow and Pyongyang signed a defense treaty", None, ["russia-dprk-treaty", "dprk-troops-kursk"]),
    ("He is even more striking in contrast", None, ["ve-day-london-parade"]),
]

# Checkable, but with no quantity, event or reported speech: the scorer decides alone (a cited link no
# longer anchors a sentence; measured on the labelled news dev split it did not help, docs/detection.md).
LEFT_TO_SCORER = [
    (
        "However, Chinese support for Russia during the war is well documented",
        None,
        ["china-drone-exports-report"],
    ),
]

# The experts' opinions: (start of sentence, claimant, cited links).
OPINIONS = [
    ("It is a reaffirmation of the close ties", "Pierre Andrieu", ["analysis-west-rivalry"]),
    ("It is a very powerful and explicit message.", "Pierre Andrieu", []),
    ("The Chinese would be more sympathetic", "Richard Weitz", []),
    ("If the French and British troops were there", "Richard Weitz", []),
    ("Huiyao Wang, the founder and president", "Huiyao Wang", []),
    ("Matthew Sussex, an expert in Russian", "Matthew Sussex", []),
    ("Weitz said Beijing could learn", "Richard Weitz", []),
    ("China is concerned about the opaque nature", "Matthew Sussex", []),
    ("The celebrations to come in mosques", "Matthew Sussex", []),
    ("Putin thinks that the West is over", "Matthew Sussex", []),
]

# The writer's own speculation: hedged, nothing checkable stated.
SPECULATION = [
    ("Putin would have a list of requests", []),
    ("Beyond the war, Moscow is also likely to seek", []),
    ("The proposed Pipeline Power of Siberia 2", ["power-of-siberia-2-talks"]),
    ("Mr. XI is likely to have come to Moscow", ["us-china-trade-war"]),
    ("This relationship encouraged Speculation", ["reverse-nixon"]),
    ("However, Mr. Xi could still be able", []),
    ("Mr. XI is also likely to raise his concerns", []),
    ("North Korea has long been considered", []),
]


def find(sentences, start):
    matches = [s for s in sentences if s.text.startswith(start)]
    assert len(matches) == 1, f"{start!r} matched {len(matches)} sentences"
    return matches[0]


@lru_cache(maxsize=4)
def detect(scorer):
    return detect_claims(seed_document(), scorer=scorer)


@SCORERS
@pytest.mark.parametrize(("start", "claimant", "links"), CHECKABLE, ids=[c[0][:30] for c in CHECKABLE])
def test_checkable_sentences_are_candidates_with_their_claimant_and_cited_links(
    scorer, start, claimant, links
):
    sentence = find(detect(scorer), start)
    assert sentence.role == "body" and sentence.is_candidate
    assert (sentence.claimant.name if sentence.claimant else None) == claimant
    assert sentence.cited_urls == [SOURCES + link for link in links]


@pytest.mark.parametrize(
    ("start", "claimant", "links"), LEFT_TO_SCORER, ids=[c[0][:30] for c in LEFT_TO_SCORER]
)
def test_a_checkable_sentence_without_anchor_is_a_candidate_when_the_default_scorer_says_so(
    start, claimant, links
):
    sentence = find(detect(None), start)
    assert sentence.is_candidate and sentence.cited_urls == [SOURCES + link for link in links]
    assert not find(detect(FixedScorer(0.0)), start).is_candidate


@SCORERS
@pytest.mark.parametrize(("start", "claimant", "links"), OPINIONS, ids=[o[0][:30] for o in OPINIONS])
def test_experts_opinions_carry_their_claimant_and_stay_below_threshold(scorer, start, claimant, links):
    sentence = find(detect(scorer), start)
    threshold = (scorer or get_scorer()).threshold
    assert sentence.kind == "opinion"
    assert sentence.checkworthiness < threshold and not sentence.is_candidate
    assert sentence.claimant.name == claimant
    assert sentence.cited_urls == [SOURCES + link for link in links]


@SCORERS
@pytest.mark.parametrize(("start", "links"), SPECULATION, ids=[s[0][:30] for s in SPECULATION])
def test_speculation_stays_below_threshold_but_keeps_its_links(scorer, start, links):
    sentence = find(detect(scorer), start)
    assert not sentence.is_candidate
    assert sentence.kind in {"opinion", "prediction"}
    assert sentence.cited_urls == [SOURCES + link for link in links]


def test_claimants_carry_the_role_and_every_form_the_article_uses():
    sentences = detect(None)
    sussex = find(sentences, "The celebrations to come in mosques").claimant
    assert sussex.role == "an expert in Russian and Chinese strategic policy"
    assert {"Matthew Sussex", "Sussex", "Mr. Sussex"} <= set(sussex.aliases)
    andrieu = find(sentences, "It is a very powerful and explicit message.").claimant
    assert andrieu.role == "a former diplomat in Russia"
    weitz = find(sentences, "Weitz said Beijing could learn").claimant
    assert weitz.role.startswith("director of the Center for Political-Military Analysis")


@SCORERS
def test_headings_captions_credits_and_the_dateline_produce_no_claims(scorer):
    sentences = detect(scorer)
    layout = {(s.role, s.text) for s in sentences if s.role != "body"}
    assert layout == {
        ("dateline", "date 2025-05-07"),
        ("heading", "Putin request"),
        ("heading", "Xis red lines"),
        ("heading", "What to follow?"),
        ("caption", "A Chinese guard of honor repeated in the center of Moscow Tuesday"),
        ("credit", "Yao Dawei / Xinhua"),
        ("caption", "A rehearsal tank for the parade of the day of the 80th anniversary victory"),
        ("credit", "Alexander Zemlianichenko Jr / Xinhua"),
    }
    assert not any(s.is_candidate for s in sentences if s.role != "body")


def test_every_link_of_the_article_is_cited_by_some_sentence():
    document = seed_document()
    cited = {url for s in detect_claims(document) for url in s.cited_urls}
    assert cited == {link.url for link in document.links}
