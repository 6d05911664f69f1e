"""The authenticated API: claims (with workflow verbs), evidence, claimants and ratings.

Scoped like the admin: ``claims.permissions.visible_claims`` decides which claims (and so which evidence)
a user sees: editors all, reviewers only the claims assigned to them; others none (404, never 403, so
ids of hidden claims leak nothing). Every write calls ``claims.services``, which checks the actor's
role, the claim's status and the version; their errors become 400/403/409 in ``claims.api.exceptions``.
"""

import re

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from claims import services
from claims.api import serializers as s
from claims.api.access import is_editor, visible_claims
from claims.api.idempotency import IDEMPOTENCY_PARAMETER, IdempotentWritesMixin
from claims.api.pagination import IdCursorPagination
from claims.models import Article, Claim, Claimant, Evidence, Rating, Verdict

IF_MATCH = OpenApiParameter(
    "If-Match",
    {"type": "string", "pattern": '^((W/)?"?[0-9]{1,18}"?|\\*)?$'},
    OpenApiParameter.HEADER,
    description='The claim\'s ETag (its version, e.g. "3"); the alternative to "version" in the body.',
)
_ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": s.MAX_ID}
_ETAG_VERSION = re.compile(r'^(?:W/)?"?(\d{1,18})"?$')


def _expected_version(request, body_version: int | None) -> int | None:
    """The version the client edited: from the body, else from ``If-Match``; None when neither is sent."""
    if body_version is not None:
        return body_version
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    match = _ETAG_VERSION.match(header)
    if match is None:
        raise ValidationError({"If-Match": ['Send the claim\'s ETag, e.g. "3".']})
    return int(match.group(1))


def _verb_schema(body, summary: str):
    return extend_schema(
        summary=summary,
        request=body,
        responses={200: s.ClaimSerializer},
        parameters=[IF_MATCH, IDEMPOTENCY_PARAMETER],
    )


class _Filters(serializers.Serializer):
    status = serializers.ChoiceField(choices=Claim.Status.choices, required=False)
    assignee = serializers.IntegerField(required=False, min_value=1, max_value=s.MAX_ID)
    article = serializers.IntegerField(required=False, min_value=1, max_value=s.MAX_ID)


@extend_schema_view(
    list=extend_schema(
        summary="Claims visible to the caller (editors: all; reviewers: assigned to them)",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=Claim.Status.values),
            OpenApiParameter("assignee", _ID_SCHEMA, description="User id."),
            OpenApiParameter("article", _ID_SCHEMA, description="Article id."),
        ],
    ),
    retrieve=extend_schema(summary="One claim with its verdicts; its ETag is its version"),
    create=extend_schema(
        summary="Create a claim by hand (editors)",
        request=s.ClaimCreateBody,
        responses={201: s.ClaimSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    ),
)
class ClaimViewSet(
    IdempotentWritesMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsAuthenticated]
    serializer_class = s.ClaimSerializer
    pagination_class = IdCursorPagination
    filter_backends = []
    lookup_value_regex = r"[0-9]+"

    @staticmethod
    def _with_related(claims):
        verdicts = Verdict.objects.select_related("rating", "author", "approver").order_by("created_at", "id")
        return claims.select_related("claimant", "assignee", "article__source").prefetch_related(
            Prefetch("verdicts", queryset=verdicts)
        )

    def get_queryset(self):
        claims = self._with_related(visible_claims(self.request.user))
        if self.action == "list":
            filters = _Filters(data=self.request.query_params)
            filters.is_valid(raise_exception=True)
            claims = claims.filter(**filters.validated_data)
        return claims

    def retrieve(self, request, *args, **kwargs):
        claim = self.get_object()
        return Response(self.get_serializer(claim).data, headers={"ETag": f'"{claim.version}"'})

    def create(self, request, *args, **kwargs):
        if not is_editor(request.user):
            raise PermissionDenied("Only editors create claims by hand.")
        body = s.ClaimCreateBody(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        claim = services.claim_create(
            actor=request.user,
            text=data["text"],
            article=self._get_or_400(Article, data["article"], "article"),
            claimant=self._get_or_400(Claimant, data["claimant"], "claimant"),
            kind=data["kind"],
        )
        return self._claim_response(claim, status=201)

    @staticmethod
    def _get_or_400(model, pk, field):
        if pk is None:
            return None
        obj = model.objects.filter(pk=pk).first()
        if obj is None:
            raise ValidationError({field: [f"No {field} with id {pk}."]})
        return obj

    def _claim_response(self, claim, status=200):
        # Reloaded unscoped: the caller just acted on it, even if the act hides it from them (reassigned).
        claim = self._with_related(Claim.objects.all()).get(pk=claim.pk)
        data = self.get_serializer(claim).data
        headers = {"ETag": f'"{claim.version}"'}
        if status == 201:
            headers["Location"] = data["url"]
        return Response(data, status=status, headers=headers)

    def _run(self, request, body_class, service, **extra):
        claim = self.get_object()
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        expected = _expected_version(request, data.pop("version", None))
        service(claim=claim, actor=request.user, expected_version=expected, **data, **extra)
        return self._claim_response(claim)

    @_verb_schema(s.TriageBody, "Accept (-> open) or dismiss (reason required) a candidate claim")
    @action(detail=True, methods=["post"])
    def triage(self, request, pk=None):
        return self._run(request, s.TriageBody, services.claim_triage)

    @_verb_schema(s.AssignBody, "Assign (or reassign) to a reviewer, with an optional due date")
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        return self._run(request, s.AssignBody, services.claim_assign)

    @_verb_schema(s.ProposeBody, "Propose the verdict (the assignee; needs a rating and a summary)")
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        return self._run(request, s.ProposeBody, services.verdict_propose)

    @_verb_schema(
        s.OptionalReasonBody,
        "Take back a proposal not yet approved (its author, or an editor); it becomes a draft again",
    )
    @action(detail=True, methods=["post"], url_path="withdraw-proposal")
    def withdraw_proposal(self, request, pk=None):
        return self._run(request, s.OptionalReasonBody, services.verdict_withdraw_proposal)

    @_verb_schema(s.CommentBody, "Send a proposed verdict back to research (comment required)")
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        return self._run(request, s.CommentBody, services.claim_send_back)

    @_verb_schema(
        s.VersionedBody, "Approve and publish the proposed verdict (an editor other than its author)"
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._run(request, s.VersionedBody, services.verdict_approve)

    @_verb_schema(s.ReasonBody, "Withdraw the published verdict (reason required)")
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._run(request, s.ReasonBody, services.verdict_withdraw)

    @_verb_schema(s.CorrectBody, "Publish a correction that supersedes the current verdict")
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        return self._run(request, s.CorrectBody, services.verdict_correct)

    @_verb_schema(s.OptionalCommentBody, "Reopen a dismissed, duplicate or published claim (-> open)")
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._run(request, s.OptionalCommentBody, services.claim_reopen)

    @_verb_schema(s.MergeBody, "Mark this claim a duplicate of `keep`; its evidence moves there")
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        claim = self.get_object()
        body = s.MergeBody(data=request.data)
        body.is_valid(raise_exception=True)
        keep = visible_claims(request.user).filter(pk=body.validated_data["keep"]).first()
        if keep is None:
            raise ValidationError({"keep": ["No such claim visible to you."]})
        expected = _expected_version(request, body.validated_data.get("version"))
        services.claim_merge(duplicate=claim, keep=keep, actor=request.user, expected_version=expected)
        return self._claim_response(claim)


@extend_schema_view(
    list=extend_schema(
        summary="Evidence of the claims visible to the caller (internal notes included)",
        parameters=[OpenApiParameter("claim", _ID_SCHEMA, description="Claim id.")],
    ),
    retrieve=extend_schema(summary="One piece of evidence"),
    create=extend_schema(
        summary="Add evidence to a claim (its source is archived after commit)",
        request=s.EvidenceAddBody,
        responses={201: s.EvidenceSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    ),
    partial_update=extend_schema(
        summary="Set stance, excerpt, note or dismissed",
        request=s.EvidenceUpdateBody,
        responses={200: s.EvidenceSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    ),
)
class EvidenceViewSet(
    IdempotentWritesMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsAuthenticated]
    serializer_class = s.EvidenceSerializer
    pagination_class = IdCursorPagination
    filter_backends = []
    lookup_value_regex = r"[0-9]+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        evidence = Evidence.objects.filter(claim__in=visible_claims(self.request.user)).select_related(
            "source", "added_by"
        )
        if self.action == "list" and "claim" in self.request.query_params:
            claim = serializers.IntegerField(min_value=1, max_value=s.MAX_ID)
            try:
                evidence = evidence.filter(claim_id=claim.run_validation(self.request.query_params["claim"]))
            except serializers.ValidationError as exc:
                raise ValidationError({"claim": exc.detail}) from exc
        return evidence

    def create(self, request, *args, **kwargs):
        body = s.EvidenceAddBody(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        claim = visible_claims(request.user).filter(pk=data.pop("claim")).first()
        if claim is None:
            raise ValidationError({"claim": ["No such claim visible to you."]})
        evidence = services.evidence_add(claim=claim, actor=request.user, **data)
        return Response(self.get_serializer(self.get_queryset().get(pk=evidence.pk)).data, status=201)

    def partial_update(self, request, *args, **kwargs):
        evidence = self.get_object()
        body = s.EvidenceUpdateBody(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        services.evidence_update(evidence=evidence, actor=request.user, **body.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=evidence.pk)).data)


@extend_schema_view(list=extend_schema(summary="Claimants"), retrieve=extend_schema(summary="One claimant"))
class ClaimantViewSet(viewsets.ReadOnlyModelViewSet):
    """Reference data, readable by every authenticated user; edited in the admin."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.ClaimantSerializer
    pagination_class = IdCursorPagination
    filter_backends = []
    lookup_value_regex = r"[0-9]+"
    queryset = Claimant.objects.all()


@extend_schema_view(
    list=extend_schema(summary="The rating scale"), retrieve=extend_schema(summary="One rating")
)
class RatingViewSet(viewsets.ReadOnlyModelViewSet):
    """The rating scale, in order; edited in the admin."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.RatingSerializer
    pagination_class = None
    filter_backends = []
    lookup_value_regex = r"[0-9]+"
    queryset = Rating.objects.order_by("order", "id")
