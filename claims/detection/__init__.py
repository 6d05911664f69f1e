"""Claim detection: sentences of a document with role, kind, check-worthiness, claimant and cited links.

from claims.detection import detect_claims, DetectedSentence
sentences = detect_claims(document)  # sources.documents.Document -> list[DetectedSentence]
"""

from claims.detection.claimants import ClaimantMention, normalize_name
from claims.detection.pipeline import DetectedSentence, detect_claims

__all__ = ["ClaimantMention", "DetectedSentence", "detect_claims", "normalize_name"]
