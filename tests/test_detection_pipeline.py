import pytest

from claims.checkworthiness import get_scorer
from claims.detection import DetectedSentence, detect_claims
from sources.documents import Document, Link
from tests.fixtures.detection import document_with_links


class FixedScorer:
    """A scorer that gives every sentence the same score, to show what the pipeline adds on top."""

    name = "fixed"

    def __init__(self, value, threshold=0.5):
        self.value, self.threshold = value, threshold

    def score(self, sentences):
        return [self.value] * len(sentences)


STORY = (
    "Grain exports rose 12% in March\n"
    "By Jane Doe\n"
    "Grain exports rose 12.5% in March, the ministry said on Tuesday.\n"
    "It is a very welcome sign, said Maria Lopez, an economist at the Bruegel institute. "
    "The harvest could be much better next year.\n"
    "A grain terminal in Antwerp – John Smith / AFP\n"
    "The terminal was opened in 2019."
)


def by_text(sentences):
    return {s.text: s for s in sentences}


def test_every_sentence_comes_back_with_offsets_into_the_document_text():
    document = Document(text=STORY)
    sentences = detect_claims(document)
    assert all(isinstance(s, DetectedSentence) for s in sentences)
    assert all(document.text[s.start : s.end] == s.text for s in sentences)
    assert {s.role for s in sentences} == {"heading", "byline", "body", "caption", "credit"}
    assert all(0.0 <= s.checkworthiness <= 1.0 for s in sentences)


def test_layout_lines_are_never_candidates_whatever_the_scorer_says():
    sentences = detect_claims(Document(text=STORY), scorer=FixedScorer(1.0))
    assert [s.text for s in sentences if s.role != "body" and s.is_candidate] == []


def test_opinions_stay_below_threshold_even_when_the_scorer_rates_them_high():
    sentences = by_text(detect_claims(Document(text=STORY), scorer=FixedScorer(0.99)))
    opinion = sentences["It is a very welcome sign, said Maria Lopez, an economist at the Bruegel institute."]
    speculation = sentences["The harvest could be much better next year."]
    for sentence in (opinion, speculation):
        assert sentence.kind == "opinion"
        assert sentence.checkworthiness < 0.5 and not sentence.is_candidate
        assert sentence.claimant.name == "Maria Lopez"
    assert opinion.claimant.role == "an economist at the Bruegel institute"


def test_checkable_sentences_are_candidates_even_when_the_scorer_rates_them_low():
    sentences = by_text(detect_claims(Document(text=STORY), scorer=FixedScorer(0.0, threshold=0.7)))
    figure = sentences["Grain exports rose 12.5% in March, the ministry said on Tuesday."]
    assert figure.is_candidate and figure.checkworthiness >= 0.7
    assert sentences["The terminal was opened in 2019."].is_candidate


def test_the_scorer_keeps_its_ranking_among_opinions():
    low = by_text(detect_claims(Document(text=STORY), scorer=FixedScorer(0.2)))
    high = by_text(detect_claims(Document(text=STORY), scorer=FixedScorer(0.4)))
    text = "The harvest could be much better next year."
    assert low[text].checkworthiness < high[text].checkworthiness < 0.5


def test_a_sentence_carries_the_links_cited_in_it():
    document = document_with_links(STORY, [("https://stats.example/grain", "rose 12.5% in March")])
    sentences = by_text(detect_claims(document))
    assert sentences["Grain exports rose 12.5% in March, the ministry said on Tuesday."].cited_urls == [
        "https://stats.example/grain"
    ]
    assert sentences["Grain exports rose 12% in March"].cited_urls == []


def test_the_default_scorer_is_the_check_worthiness_interface():
    sentences = detect_claims(Document(text="Unemployment fell to 3.5% in May, the ministry said."))
    assert sentences[0].is_candidate == (sentences[0].checkworthiness >= get_scorer().threshold)


def test_blank_text_gives_no_sentences_and_a_non_text_document_is_refused():
    assert detect_claims(Document(text="")) == []
    assert detect_claims(Document(text="\n \n")) == []
    with pytest.raises(TypeError, match="document.text must be str"):
        detect_claims(Document(text=b"\x00\xff"))


def test_a_sentence_serialises_to_plain_data():
    sentence = detect_claims(Document(text=STORY))[3]
    data = sentence.as_dict()
    assert data["claimant"] == {
        "name": "Maria Lopez",
        "role": "an economist at the Bruegel institute",
        "aliases": ["Maria Lopez"],
        "person": True,
    }
    assert data["text"] == sentence.text and data["cited_urls"] == []


FURNITURE = (
    "Grain exports rose 12% in March, the ministry said on Tuesday.\n"
    "MORE: Wheat prices hit a record, could top $400 a tonne\n"
    "Cоpyright © 2024 Grain Post. All rights reserved.\n"
    "Additional reporting by Ana Diaz; Editing by Tom Lee\n"
    "Nature 574, 16-17 (2019)\n"
    "To view the full story, please subscribe to the Grain Post.\n"
    "You can choose a $60 Annual Subscription or a $5 Weekly Pass."
)


def test_boilerplate_is_never_a_candidate_even_with_figures_and_a_confident_scorer():
    sentences = detect_claims(Document(text=FURNITURE), scorer=FixedScorer(1.0))
    candidates = [s.text for s in sentences if s.is_candidate]
    assert candidates == ["Grain exports rose 12% in March, the ministry said on Tuesday."]
    furniture = [s for s in sentences if s.role == "boilerplate"]
    assert len(furniture) == 6 and all(s.checkworthiness == 0.0 for s in furniture)


def test_a_quotation_of_feelings_is_no_longer_lifted_by_its_named_speaker():
    text = "“They matter a lot to all of us here,” said Ana Diaz, the mayor of Springfield."
    (low,) = detect_claims(Document(text=text), scorer=FixedScorer(0.1))
    assert not low.is_candidate and low.checkworthiness == 0.1
    reported = "The mayor of Springfield, Ana Diaz, said the council had approved the budget."
    (anchored,) = detect_claims(Document(text=reported), scorer=FixedScorer(0.1))
    assert anchored.is_candidate


def test_a_cited_link_alone_no_longer_makes_a_teaser_a_candidate():
    text = "Read our guide to winter coats for this season and the next one."
    link = Link(
        url="https://example.org/coats", text="guide", start=text.index("guide"), end=text.index(" to winter")
    )
    (teaser,) = detect_claims(Document(text=text, links=[link]), scorer=FixedScorer(0.1))
    assert teaser.cited_urls == ["https://example.org/coats"] and not teaser.is_candidate
