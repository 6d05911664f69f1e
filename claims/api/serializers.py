"""Serializers of the authenticated API: claims, verdicts, evidence, claimants, ratings, and verb bodies.

Output serializers read; input serializers only validate and resolve ids. Every write goes through
``claims.services`` (the views call them), never through ``Serializer.save``.
"""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from claims.models import Claim, Claimant, Evidence, Rating, Verdict

MAX_ID = 2**63 - 1


class UserRef(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class RatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rating
        fields = ["id", "slug", "label", "value", "colour", "description", "order", "is_active"]
        read_only_fields = fields


class ClaimantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Claimant
        fields = ["id", "name", "kind", "description", "aliases"]
        read_only_fields = fields


class VerdictSerializer(serializers.ModelSerializer):
    rating = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    author = UserRef(read_only=True)
    approver = UserRef(read_only=True, allow_null=True)

    class Meta:
        model = Verdict
        fields = [
            "id",
            "state",
            "rating",
            "summary",
            "explanation",
            "author",
            "approver",
            "published_at",
            "supersedes",
            "correction_note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ClaimSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-v1:claim-detail")
    claimant = ClaimantSerializer(read_only=True, allow_null=True)
    assignee = UserRef(read_only=True, allow_null=True)
    article_url = serializers.SerializerMethodField()
    verdicts = VerdictSerializer(many=True, read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "url",
            "version",
            "status",
            "text",
            "restatement",
            "kind",
            "checkworthiness",
            "priority",
            "claimant",
            "article",
            "article_url",
            "span_start",
            "span_end",
            "assignee",
            "due_date",
            "duplicate_of",
            "dismiss_reason",
            "verdicts",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_article_url(self, claim) -> str:
        return claim.article.source.url if claim.article_id and claim.article.source_id else ""


class EvidenceSerializer(serializers.ModelSerializer):
    source_url = serializers.CharField(source="source.url", read_only=True)
    added_by = UserRef(read_only=True, allow_null=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "claim",
            "source_url",
            "snapshot",
            "excerpt",
            "excerpt_start",
            "excerpt_end",
            "stance",
            "origin",
            "score",
            "dismissed",
            "note",
            "added_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


# --- request bodies ----------------------------------------------------------------------------


class VersionedBody(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="The claim version the client saw (optimistic lock); or send If-Match instead.",
    )


def _rating_field(**kwargs):
    return serializers.SlugRelatedField(
        slug_field="slug", queryset=Rating.objects.filter(is_active=True), **kwargs
    )


class TriageBody(VersionedBody):
    accept = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class AssignBody(VersionedBody):
    assignee = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.filter(is_active=True))
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ProposeBody(VersionedBody):
    rating = _rating_field(required=False, allow_null=True, default=None)
    summary = serializers.CharField(required=False, allow_null=True, default=None, max_length=280)
    explanation = serializers.CharField(required=False, allow_null=True, default=None, max_length=50000)


class CommentBody(VersionedBody):
    comment = serializers.CharField(max_length=5000)


class OptionalCommentBody(VersionedBody):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ReasonBody(VersionedBody):
    reason = serializers.CharField(max_length=5000)


class OptionalReasonBody(VersionedBody):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class CorrectBody(VersionedBody):
    rating = _rating_field()
    summary = serializers.CharField(max_length=280)
    explanation = serializers.CharField(allow_blank=True, max_length=50000)
    correction_note = serializers.CharField(max_length=5000)


class MergeBody(VersionedBody):
    keep = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Id of the claim to keep.")


class ClaimCreateBody(serializers.Serializer):
    text = serializers.CharField(max_length=10000)
    article = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID, default=None
    )
    claimant = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID, default=None
    )
    kind = serializers.ChoiceField(choices=Claim.Kind.choices, default=Claim.Kind.OTHER)


class EvidenceAddBody(serializers.Serializer):
    claim = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    url = serializers.URLField(max_length=2000)
    stance = serializers.ChoiceField(choices=Evidence.Stance.choices, default=Evidence.Stance.UNKNOWN)
    excerpt = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)


class EvidenceUpdateBody(serializers.Serializer):
    stance = serializers.ChoiceField(choices=Evidence.Stance.choices, required=False)
    excerpt = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    excerpt_start = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=2**31 - 1
    )
    excerpt_end = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2**31 - 1)
    note = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    dismissed = serializers.BooleanField(required=False)
