"""From a document to its sentences, each with role, kind, check-worthiness, claimant and cited links.

Check-worthiness is the scorer's score adjusted by what the rules are sure of:

* opinion and speculation (a commentator's analysis; hedged or evaluative wording with nothing checkable)
  are scaled into ``[0, OPINION_CEILING * threshold)``: never candidates, still ranked among themselves;
* a sentence anchored in something checkable (an exact quantity, a dated or reported past event, a
  statement reported in indirect speech with its speaker named) is raised to at least
  ``threshold + ANCHOR_MARGIN * (1 - threshold)``, less ``HEDGE_PENALTY`` above that floor when it also
  hedges or judges;
* anything else keeps the scorer's score.

Only body sentences are scored; headings, captions, credits, bylines and datelines get 0 and are never
candidates.
"""

from dataclasses import dataclass, field

from claims.checkworthiness import Scorer, get_scorer
from claims.detection.attribution import attribute, parse
from claims.detection.citations import cited_urls
from claims.detection.claimants import ClaimantMention
from claims.detection.kinds import classify, read_cues
from claims.detection.restatement import restate
from claims.detection.sentences import Piece, segment
from sources.documents import Document

OPINION_CEILING = 0.8
ANCHOR_MARGIN = 0.1
HEDGE_PENALTY = 0.1


@dataclass
class DetectedSentence:
    """One sentence (or layout line) of a document; ``document.text[start:end] == text``."""

    text: str
    start: int
    end: int
    role: str
    kind: str
    checkworthiness: float
    is_candidate: bool
    claimant: ClaimantMention | None = None
    cited_urls: list[str] = field(default_factory=list)
    # A machine-proposed wording that stands alone ("He said" -> "Jane Roe said"); "" when not needed.
    restatement: str = ""

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "role": self.role,
            "kind": self.kind,
            "checkworthiness": self.checkworthiness,
            "is_candidate": self.is_candidate,
            "claimant": self.claimant.as_dict() if self.claimant else None,
            "cited_urls": list(self.cited_urls),
            "restatement": self.restatement,
        }


def detect_claims(document: Document, *, scorer: Scorer | None = None) -> list[DetectedSentence]:
    """Return every sentence of ``document`` in order (empty for blank text); TypeError if text is not str."""
    if not isinstance(document.text, str):
        raise TypeError(f"document.text must be str, not {type(document.text).__name__}")
    text = document.text
    pieces = segment(
        text,
        link_spans=[(link.start, link.end) for link in document.links],
        title=document.title or "",
        byline=document.byline or "",
        language=document.language or "en",
    )
    urls = cited_urls([(p.start, p.end) for p in pieces], document.links, len(text))
    body = [i for i, piece in enumerate(pieces) if piece.role == "body"]
    published = document.published_at.date() if document.published_at else None
    analysed = _analyse([pieces[i] for i in body], scorer or get_scorer(), published)
    results = [
        DetectedSentence(text[p.start : p.end], p.start, p.end, p.role, "other", 0.0, False, None, urls[i])
        for i, p in enumerate(pieces)
    ]
    for i, (kind, score, candidate, claimant, restatement) in zip(body, analysed, strict=True):
        sentence = results[i]
        sentence.kind, sentence.checkworthiness, sentence.is_candidate = kind, score, candidate
        sentence.claimant, sentence.restatement = claimant, restatement
    return results


def _analyse(pieces: list[Piece], scorer: Scorer, published) -> list[tuple]:
    if not pieces:
        return []
    texts = [piece.clean for piece in pieces]
    scores = scorer.score(texts)
    docs = parse(texts)
    attributions, claimants = attribute(texts, [piece.paragraph for piece in pieces], docs=docs)
    threshold = scorer.threshold
    results = []
    rows = zip(texts, scores, attributions, claimants, docs, strict=True)
    for index, (sentence, score, attribution, claimant, doc) in enumerate(rows):
        own = attribution is not None and not attribution.generic
        reading = classify(
            read_cues(sentence),
            attributed=claimant is not None,
            own_attribution=own and claimant is not None,
            commentator=(claimant is not None and claimant.commentator),
            opinion_verb=attribution is not None and attribution.opinion_verb,
        )
        adjusted = _adjust(
            float(score), threshold, opinion=reading.opinion, anchored=reading.anchored, hedged=reading.hedged
        )
        mention = claimant.mention() if claimant is not None and not claimant.generic else None
        # The claimant stands for the opening pronoun only when it is the attribution's ("He said").
        speaker = mention.name if mention and attribution is not None and attribution.pronoun else ""
        proposal = restate(doc, docs[max(index - 3, 0) : index], claimant=speaker, published=published)
        results.append((reading.kind, adjusted, adjusted >= threshold, mention, proposal))
    return results


def _adjust(score: float, threshold: float, *, opinion: bool, anchored: bool, hedged: bool) -> float:
    score = min(max(score, 0.0), 1.0)
    if opinion:
        return round(min(score, threshold) * OPINION_CEILING, 4)
    if anchored:
        floor = threshold + ANCHOR_MARGIN * (1 - threshold)
        return round(max(score - (HEDGE_PENALTY if hedged else 0.0), floor), 4)
    return round(score, 4)
