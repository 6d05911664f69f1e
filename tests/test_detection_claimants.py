import pytest

from claims.detection.attribution import attribute
from claims.detection.claimants import normalize_name


def claimants_of(paragraphs):
    """Resolve the claimants of sentences given as a list of paragraphs (lists of sentences)."""
    texts, numbers = [], []
    for number, sentences in enumerate(paragraphs):
        texts.extend(sentences)
        numbers.extend([number] * len(sentences))
    _, resolved = attribute(texts, numbers)
    return [c.name if c else None for c in resolved], resolved


def find_attribution(sentence):
    return attribute([sentence], [0])[0][0]


@pytest.mark.parametrize(
    ("sentence", "name", "role"),
    [
        (
            "It would be NATO, said Richard Weitz, director of the Center at the Hudson Institute.",
            "Richard Weitz",
            "director of the Center at the Hudson Institute",
        ),
        (
            "Huiyao Wang, the founder and president of the Center for China, one of the think tanks, "
            "said that China would like to help.",
            "Huiyao Wang",
            "the founder and president of the Center for China",
        ),
        ("The Kremlin said that talks would focus on trade.", "Kremlin", ""),
        ("Beijing denied that it is considering such a mission.", "Beijing", ""),
        ("Ukraine also accused Beijing of helping Russia.", "Ukraine", ""),
        (
            '"We shipped it," said Paul Begala, who was a longtime advisor to the Clintons.',
            "Paul Begala",
            "a longtime advisor to the Clintons",
        ),
        (
            "However, prices fell, according to the Rhodium Group, a research firm.",
            "Rhodium Group",
            "a research firm",
        ),
        (
            "A spokesperson for the Universities Association (UA) said its members cut contracts.",
            "Universities Association",
            "spokesperson",
        ),
    ],
)
def test_the_speaker_and_their_role_are_read_from_news_attribution_patterns(sentence, name, role):
    attribution = find_attribution(sentence)
    assert (attribution.surface, attribution.role) == (name, role)


@pytest.mark.parametrize(
    "sentence",
    [
        "Chinese troops on the Red Square offer a practical symbol.",
        "Staff on short-term contracts said they felt unable to defend themselves.",
        "The report told a story.",
    ],
)
def test_sentences_without_a_named_speaker_have_no_claimant(sentence):
    # "Staff ... said" is an attribution to an unnamed group: it names no claimant.
    attribution = find_attribution(sentence)
    assert attribution is None or attribution.generic
    claimant = claimants_of([[sentence]])[1][0]
    assert claimant is None or claimant.generic


def test_the_listener_after_told_is_not_the_speaker():
    assert (
        find_attribution('"We will bring ministers here," Gary Scott told JIS News.').surface == "Gary Scott"
    )


def test_a_surname_or_titled_surname_resolves_to_the_full_name_in_the_article():
    names, resolved = claimants_of(
        [
            ["Matthew Sussex, an expert in Russian policy, said Putin is both an asset and a liability."],
            ["It allows them to do all kinds of things, said Sussex."],
            ["It is the new world order, said Mr. Sussex."],
        ]
    )
    assert names == ["Matthew Sussex"] * 3
    assert resolved[0] is resolved[2]
    assert resolved[0].role == "an expert in Russian policy"
    assert {"Matthew Sussex", "Sussex", "Mr. Sussex"} <= set(resolved[0].aliases)
    assert resolved[0].commentator


def test_a_name_seen_anywhere_in_the_article_completes_a_later_surname():
    names, _ = claimants_of(
        [["Xi Jinping will stand with Vladimir Putin."], ["Putin and his deputies rejected any mission."]]
    )
    assert names == [None, "Vladimir Putin"]


def test_he_said_refers_to_the_last_named_person():
    names, _ = claimants_of(
        [["It is the new world order, said Mr. Sussex."], ["Putin thinks that the West is over, he said."]]
    )
    assert names == ["Sussex", "Sussex"]


def test_the_next_sentence_after_a_quote_style_attribution_carries_the_same_speaker():
    names, _ = claimants_of(
        [
            [
                "It is a reaffirmation of close ties, said Pierre Andrieu, a former diplomat in Russia.",
                "It is a very powerful and explicit message.",
            ],
            ["The Friday parade will follow three days of talks."],
        ]
    )
    assert names == ["Pierre Andrieu", "Pierre Andrieu", None]


def test_a_sentence_before_a_postposed_attribution_in_the_same_paragraph_is_the_speakers():
    names, _ = claimants_of(
        [["The Chinese would be more sympathetic.", "It would only be NATO in Ukraine, said Richard Weitz."]]
    )
    assert names == ["Richard Weitz", "Richard Weitz"]


def test_a_report_of_an_action_does_not_spread_to_its_paragraph():
    names, _ = claimants_of([["China has refused to pay more than a quarter.", "Moscow rejected this."]])
    assert names == [None, "Moscow"]


def test_a_paragraph_with_two_speakers_spreads_neither():
    names, _ = claimants_of([["Prices rose.", "It is bad, said Anna Berg.", "It is fine, said Tom Lee."]])
    assert names == [None, "Anna Berg", "Tom Lee"]


def test_unnamed_groups_are_no_claimant_for_the_next_sentence():
    names, resolved = claimants_of([["Experts said the deal was risky.", "The company signed it on Monday."]])
    assert resolved[0].generic and resolved[0].commentator
    assert names[1] is None


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Mr. Sussex", "sussex"),
        ("Dr. José Álvarez", "jose alvarez"),
        ("the Kremlin", "kremlin"),
        ("President Xi", "xi"),
        ("Mr. XI", "xi"),
        ("  Matthew   SUSSEX ", "matthew sussex"),
    ],
)
def test_normalized_names_ignore_case_accents_titles_and_spacing(written, key):
    assert normalize_name(written) == key
