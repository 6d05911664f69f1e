"""The public verdict JSON (API list/detail, JSON Lines export, webhook payloads).

Fields are declared for the OpenAPI schema; ``to_representation`` builds the dict by hand because it
runs for every row of every public page (the benchmark in bench/api.py holds it to at least half the
speed of a bare single-query view). Only rows from ``claims.api.selectors.public_verdicts()`` may be
passed in: that is where drafts, notes and unkept evidence are left out.
"""

from django.conf import settings
from rest_framework import serializers

from claims.api.links import PublicLinks
from claims.api.selectors import public_evidence, public_versions
from claims.claimreview import scale_bounds
from claims.models import Claim, Claimant, Evidence, Verdict


def _iso(value) -> str | None:
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"name": user.get_full_name() or user.get_username()}


class RatingOut(serializers.Serializer):
    label = serializers.CharField()
    slug = serializers.CharField()
    value = serializers.FloatField(allow_null=True, help_text="Empty for ratings without a number.")
    best = serializers.FloatField(allow_null=True, help_text="The scale's best numeric value.")
    worst = serializers.FloatField(allow_null=True, help_text="The scale's worst numeric value.")
    colour = serializers.CharField()


class ClaimOut(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField(help_text="The claim as written.")
    restatement = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=Claim.Kind.choices)


class ClaimantOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Claimant.Kind.choices)
    description = serializers.CharField(allow_blank=True)


class ArticleOut(serializers.Serializer):
    url = serializers.CharField(allow_blank=True)
    title = serializers.CharField(allow_blank=True)
    publisher = serializers.CharField(allow_blank=True)
    published_at = serializers.DateTimeField(
        allow_null=True, help_text="When the article (the claim) appeared."
    )
    language = serializers.CharField(allow_blank=True)


class SnapshotRef(serializers.Serializer):
    id = serializers.IntegerField()
    fetched_at = serializers.DateTimeField()
    sha256 = serializers.CharField()


class EvidenceOut(serializers.Serializer):
    url = serializers.CharField()
    stance = serializers.ChoiceField(choices=Evidence.Stance.choices)
    excerpt = serializers.CharField(allow_blank=True)
    snapshot = SnapshotRef(allow_null=True, help_text="The archived copy that was read; empty until pulled.")


class VersionOut(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    state = serializers.ChoiceField(choices=[Verdict.State.PUBLISHED, Verdict.State.CORRECTED])
    rating = serializers.CharField(allow_null=True, help_text="The rating's label.")
    published_at = serializers.DateTimeField()
    correction_note = serializers.CharField(allow_blank=True)


class PersonOut(serializers.Serializer):
    name = serializers.CharField()


class PublicVerdictSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(help_text="This verdict in the API.")
    page_url = serializers.CharField(help_text="The public page, with ClaimReview JSON-LD.")
    claimreview_url = serializers.CharField()
    state = serializers.ChoiceField(
        choices=[Verdict.State.PUBLISHED, Verdict.State.CORRECTED],
        help_text="'corrected': superseded by a correction; see current_verdict.",
    )
    is_current = serializers.BooleanField()
    current_verdict = serializers.CharField(
        allow_null=True, help_text="The claim's current published verdict, when this one was corrected."
    )
    correction_note = serializers.CharField(allow_blank=True)
    claim = ClaimOut()
    claimant = ClaimantOut(allow_null=True)
    article = ArticleOut(allow_null=True)
    rating = RatingOut(allow_null=True)
    summary = serializers.CharField(allow_blank=True)
    explanation = serializers.CharField(allow_blank=True)
    evidence = EvidenceOut(many=True)
    published_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    corrections = VersionOut(many=True, help_text="The claim's public verdicts, oldest first.")
    author = PersonOut(
        required=False, allow_null=True, help_text="Only when the organisation publishes reviewer names."
    )
    approver = PersonOut(required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._links = None
        self._bounds = None

    def to_representation(self, verdict: Verdict) -> dict:
        if self._links is None:
            context = self.context if self.parent is None else self.parent.context
            self._links = context.get("links") or PublicLinks(context.get("request"))
            self._bounds = context.get("bounds") or scale_bounds()
        return public_verdict_dict(verdict, links=self._links, bounds=self._bounds)


def public_verdict_dict(verdict: Verdict, *, links: PublicLinks, bounds: tuple) -> dict:
    """The public JSON of one verdict loaded through ``public_verdicts()``."""
    claim = verdict.claim
    versions = getattr(claim, "public_versions", None)
    if versions is None:  # a verdict not loaded through public_verdicts(): fall back to queries
        versions = list(public_versions().filter(claim_id=claim.pk))
    current = next((v for v in versions if v.state == Verdict.State.PUBLISHED), None)
    data = {
        "id": verdict.pk,
        "url": links.verdict(verdict.pk),
        "page_url": links.page(verdict.pk),
        "claimreview_url": links.claimreview(verdict.pk),
        "state": verdict.state,
        "is_current": verdict.state == Verdict.State.PUBLISHED,
        "current_verdict": links.verdict(current.pk)
        if current is not None and verdict.state == Verdict.State.CORRECTED
        else None,
        "correction_note": verdict.correction_note,
        "claim": {"id": claim.pk, "text": claim.text, "restatement": claim.restatement, "kind": claim.kind},
        "claimant": _claimant(claim.claimant),
        "article": _article(claim.article),
        "rating": _rating(verdict.rating, bounds),
        "summary": verdict.summary,
        "explanation": verdict.explanation,
        "evidence": [_evidence(e) for e in _evidence_of(claim)],
        "published_at": _iso(verdict.published_at),
        "updated_at": _iso(verdict.updated_at),
        "corrections": [_version(v, links) for v in versions],
    }
    if settings.FACTCHECK_PUBLISH_REVIEWER_NAMES:
        data["author"] = _person(verdict.author)
        data["approver"] = _person(verdict.approver)
    return data


def _evidence_of(claim: Claim):
    evidence = getattr(claim, "public_evidence", None)
    if evidence is None:
        evidence = public_evidence().filter(claim_id=claim.pk)
    return evidence


def _claimant(claimant: Claimant | None) -> dict | None:
    if claimant is None:
        return None
    return {
        "id": claimant.pk,
        "name": claimant.name,
        "kind": claimant.kind,
        "description": claimant.description,
    }


def _article(article) -> dict | None:
    if article is None:
        return None
    return {
        "url": article.source.url if article.source_id else "",
        "title": article.title,
        "publisher": article.publisher,
        "published_at": _iso(article.published_at),
        "language": article.language,
    }


def _rating(rating, bounds: tuple) -> dict | None:
    if rating is None:
        return None
    best, worst = bounds
    return {
        "label": rating.label,
        "slug": rating.slug,
        "value": rating.value,
        "best": best,
        "worst": worst,
        "colour": rating.colour,
    }


def _evidence(evidence: Evidence) -> dict:
    snapshot = evidence.snapshot
    return {
        "url": evidence.source.url,
        "stance": evidence.stance,
        "excerpt": evidence.excerpt,
        "snapshot": None
        if snapshot is None
        else {"id": snapshot.pk, "fetched_at": _iso(snapshot.fetched_at), "sha256": snapshot.sha256},
    }


def _version(version: Verdict, links: PublicLinks) -> dict:
    return {
        "id": version.pk,
        "url": links.verdict(version.pk),
        "state": version.state,
        "rating": version.rating.label if version.rating_id else None,
        "published_at": _iso(version.published_at),
        "correction_note": version.correction_note,
    }
