"""The public verdict JSON (API list/detail, JSON Lines export, webhook payloads).

Fields are declared for the OpenAPI schema; ``to_representation`` builds the dict by hand because it
runs for every row of every public page (the benchmark in bench/api.py holds it to at least half the
speed of a bare single-query view). Only rows from ``claims.api.selectors.public_verdict_rows()`` may be
passed in: that is where drafts, notes and unkept evidence are left out.
"""

import functools

from django.conf import settings
from django.utils.dateparse import parse_datetime
from rest_framework import serializers

from claims.api.links import PublicLinks
from claims.claimreview import scale_bounds
from claims.models import Claim, Claimant, Evidence, Verdict, public_article_url


def _iso(value) -> str | None:
    """ISO 8601 in UTC with a Z; accepts datetimes and the ISO strings of PostgreSQL's JSON output."""
    if value is None:
        return None
    text = value if isinstance(value, str) else value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _datetime(value):
    return parse_datetime(value) if isinstance(value, str) else value


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
    url = serializers.CharField(
        allow_blank=True,
        help_text="The article's http(s) URL; for an upload, the URL its page declares (canonical, og:url), "
        "else empty.",
    )
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

    def to_representation(self, row: dict) -> dict:
        if self._links is None:
            context = self.context if self.parent is None else self.parent.context
            self._links = context.get("links") or PublicLinks(context.get("request"))
            self._bounds = context.get("bounds") or lazy_bounds()
        return public_verdict_dict(row, links=self._links, bounds=self._bounds)


def _name(row: dict, prefix: str) -> dict | None:
    username = row.get(f"{prefix}__username")
    if username is None:
        return None
    full = f"{row[f'{prefix}__first_name']} {row[f'{prefix}__last_name']}".strip()
    return {"name": full or username}


def lazy_bounds():
    """The scale's (best, worst), queried at most once and only if a row does not carry them."""
    return functools.cache(scale_bounds)


def public_verdict_dict(row: dict, *, links: PublicLinks, bounds) -> dict:
    """The public JSON of one row from ``public_verdict_rows()`` passed through ``attach_related()``.

    ``bounds``: (best, worst) or a callable giving them (see ``lazy_bounds``), for rows without them.
    """
    versions = row["versions"]
    current = next((v for v in versions if v["state"] == Verdict.State.PUBLISHED), None)
    corrected = row["state"] == Verdict.State.CORRECTED
    if "scale_best" in row:
        best, worst = row["scale_best"], row["scale_worst"]
    else:
        best, worst = bounds() if callable(bounds) else bounds
    data = {
        "id": row["id"],
        "url": links.verdict(row["id"]),
        "page_url": links.page(row["id"]),
        "claimreview_url": links.claimreview(row["id"]),
        "state": row["state"],
        "is_current": row["state"] == Verdict.State.PUBLISHED,
        "current_verdict": links.verdict(current["id"]) if current is not None and corrected else None,
        "correction_note": row["correction_note"],
        "claim": {
            "id": row["claim_id"],
            "text": row["claim__text"],
            "restatement": row["claim__restatement"],
            "kind": row["claim__kind"],
        },
        "claimant": None
        if row["claim__claimant_id"] is None
        else {
            "id": row["claim__claimant_id"],
            "name": row["claim__claimant__name"],
            "kind": row["claim__claimant__kind"],
            "description": row["claim__claimant__description"],
        },
        "article": None
        if row["claim__article_id"] is None
        else {
            "url": public_article_url(
                row["claim__article__source__url"], row["claim__article__canonical_url"]
            ),
            "title": row["claim__article__title"],
            "publisher": row["claim__article__publisher"],
            "published_at": _iso(row["claim__article__published_at"]),
            "language": row["claim__article__language"],
        },
        "rating": None
        if row["rating_id"] is None
        else {
            "label": row["rating__label"],
            "slug": row["rating__slug"],
            "value": row["rating__value"],
            "best": best,
            "worst": worst,
            "colour": row["rating__colour"],
        },
        "summary": row["summary"],
        "explanation": row["explanation"],
        "evidence": [
            {
                "url": e["url"],
                "stance": e["stance"],
                "excerpt": e["excerpt"],
                "snapshot": None
                if e["snapshot_id"] is None
                else {
                    "id": e["snapshot_id"],
                    "fetched_at": _iso(e["fetched_at"]),
                    "sha256": e["sha256"],
                },
            }
            for e in row["evidence"]
        ],
        "published_at": _iso(row["published_at"]),
        "updated_at": _iso(row["updated_at"]),
        "corrections": [
            {
                "id": v["id"],
                "url": links.verdict(v["id"]),
                "state": v["state"],
                "rating": v["rating"],
                "published_at": _iso(v["published_at"]),
                "correction_note": v["correction_note"],
            }
            for v in versions
        ],
    }
    if settings.FACTCHECK_PUBLISH_REVIEWER_NAMES:
        data["author"] = _name(row, "author")
        data["approver"] = _name(row, "approver")
    return data


def last_modified(row: dict):
    """The newest change among everything the public JSON of ``row`` shows."""
    dates = [row["updated_at"], row["claim__updated_at"], row["claim__claimant__updated_at"]]
    dates += [row["claim__article__updated_at"]]
    dates += [_datetime(e["updated_at"]) for e in row["evidence"]]
    dates += [_datetime(v["updated_at"]) for v in row["versions"]]
    return max(d for d in dates if d is not None)
