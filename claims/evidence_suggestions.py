"""Evidence suggestions: the passages of a pulled source that best match the claims citing it.

When a source's content changes (``snapshot_changed``, which also fires on its first pull), every claim
that cites it or has it as evidence, while its evidence may change, gets up to
``EVIDENCE_SUGGESTIONS_PER_SOURCE`` sentences of the snapshot as suggested evidence (stance "unknown",
score, offsets into the snapshot text). For a numeric claim, passages holding the same or a conflicting
quantity rank first and are marked (``Evidence.quantity_match``). For a quote or an attributed statement,
whether the quoted words appear in the source (exactly or nearly) is stored on ``Claim.quote_check``.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from rapidfuzz import fuzz

from claims import services, workflow
from claims.detection.sentences import segment
from claims.matching import get_ranker
from claims.models import Claim
from claims.quantities import quantity_match
from sources.models import Snapshot, Source

# Sentences longer than this are cut into windows: a passage is meant to be read at a glance.
MAX_PASSAGE_CHARS = 600
NEAR_QUOTE_SCORE = 85.0  # rapidfuzz partial_ratio (0-100) of the quote against the best window
QUOTED = re.compile(r"[\"“”„«»]([^\"“”„«»]{12,})[\"“”„«»]")
QUOTE_KINDS = (Claim.Kind.QUOTE, Claim.Kind.ATTRIBUTED)


@dataclass(frozen=True)
class Passage:
    start: int
    end: int
    text: str
    score: float
    quantity_match: str  # same | conflicting | none, or "" for a claim that is not numeric


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or line of ``text``; long ones cut into windows."""
    spans = []
    for piece in segment(text):
        start = piece.start
        while piece.end - start > MAX_PASSAGE_CHARS:
            cut = text.rfind(" ", start, start + MAX_PASSAGE_CHARS)
            cut = cut if cut > start else start + MAX_PASSAGE_CHARS
            spans.append((start, cut))
            start = cut + 1
        if piece.end > start:
            spans.append((start, piece.end))
    return spans


def _claim_text(claim: Claim) -> str:
    return f"{claim.text} {claim.restatement}".strip()


def best_passages(claim: Claim, text: str, *, limit: int) -> list[Passage]:
    """The ``limit`` passages of ``text`` that best match the claim; numeric claims: quantities first."""
    spans = sentences(text)
    if not spans:
        return []
    # A passage about the claim is evidence even when it is not the same claim: plain similarity.
    ranker = get_ranker(rerank=False)
    ranker.index([(i, text[s:e]) for i, (s, e) in enumerate(spans)])
    scores = dict(ranker.rank(_claim_text(claim), k=len(spans)))
    numeric = claim.kind == Claim.Kind.NUMERIC
    passages = []
    for i, (start, end) in enumerate(spans):
        score = float(scores.get(i, 0.0))
        marked = quantity_match(claim.text, text[start:end]) if numeric else ""
        # A quantity in an unrelated sentence (no shared word) is noise, not a conflict.
        if score >= settings.EVIDENCE_SUGGESTION_MIN_SCORE or (
            marked in ("same", "conflicting") and score > 0
        ):
            passages.append(Passage(start, end, text[start:end], round(score, 4), marked))
    passages.sort(key=lambda p: (p.quantity_match not in ("same", "conflicting"), -p.score, p.start))
    return passages[:limit]


def quoted_words(claim: Claim) -> list[str]:
    """The quoted words of a quote or attributed statement (the whole text of a quote without marks)."""
    if claim.kind not in QUOTE_KINDS:
        return []
    quoted = [q.strip() for q in QUOTED.findall(claim.text)]
    if not quoted and claim.kind == Claim.Kind.QUOTE:
        quoted = [claim.text.strip().strip("\"'“”")]
    return [q for q in quoted if q]


def _normal(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("‘", "'").casefold().split())


def quote_check(claim: Claim, snapshot: Snapshot) -> dict | None:
    """{found: exact|near|no, score, quote, excerpt_start, excerpt_end} for the claim's quoted words."""
    quotes = quoted_words(claim)
    if not quotes:
        return None
    text = snapshot.text
    results = []
    for quote in quotes:
        if _normal(quote) in _normal(text):
            found, score = "exact", 100.0
        else:
            score = fuzz.partial_ratio(_normal(quote), _normal(text))
            found = "near" if score >= NEAR_QUOTE_SCORE else "no"
        alignment = fuzz.partial_ratio_alignment(quote.casefold(), text.casefold())
        span = (alignment.dest_start, alignment.dest_end) if found != "no" and alignment else (None, None)
        results.append({"quote": quote, "found": found, "score": round(score, 1), "span": span})
    worst = min(results, key=lambda r: r["score"])
    return {
        "found": worst["found"],
        "score": worst["score"],
        "quotes": results,
        "snapshot_id": snapshot.pk,
    }


def claims_for_source(source_id: int):
    return Claim.objects.filter(
        Q(cited_sources=source_id) | Q(evidence__source=source_id),
        status__in=workflow.EVIDENCE_EDITABLE_STATUSES,
    ).distinct()


def suggest_for_source(*, source_id: int) -> int:
    """Suggest passages of the source's current snapshot to each claim citing it; return how many added.

    Nothing happens for a source without a snapshot or with empty text. Repeats add nothing.
    """
    source = Source.objects.filter(pk=source_id).first()
    snapshot = source.latest_snapshot if source else None
    if snapshot is None or not snapshot.text.strip():
        return 0
    added = 0
    for claim in claims_for_source(source_id):
        passages = best_passages(claim, snapshot.text, limit=settings.EVIDENCE_SUGGESTIONS_PER_SOURCE)
        created = services.evidence_suggest(
            claim=claim,
            source=source,
            snapshot=snapshot,
            passages=passages,
            quote_check=quote_check(claim, snapshot),
        )
        added += len(created)
    return added
