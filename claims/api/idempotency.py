"""``Idempotency-Key`` for API writes: a repeat of a write returns the first response, without redoing it.

Keys are scoped per user, method and path, kept ``API_IDEMPOTENCY_TTL_HOURS`` (24 h by default) and bound to
the request body they first came with. Following the IETF draft "The Idempotency-Key HTTP Header Field":
the same key with a different body answers 422 (``idempotency_key_reused``); a repeat that arrives while
the first is still running answers 409 (``idempotency_key_in_use``) and may be retried. A first request
that failed with a server error leaves no key behind, so the client can retry with the same key.
"""

import hashlib
import json
import re
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from claims.models_api import IdempotencyKey

HEADER = "Idempotency-Key"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
REPLAYED_HEADER = "Idempotent-Replayed"
KEPT_HEADERS = ("Location", "ETag")

_KEY = re.compile(r"[\x20-\x7e]{1,255}")
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x20-\\x7e]+$"},
    OpenApiParameter.HEADER,
    description="Any unique string (e.g. a UUID), 1-255 printable ASCII characters; a repeat returns the "
    "first response.",
)


class KeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was used with a different request body."


class KeyInUse(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_key_in_use"
    default_detail = "A request with this Idempotency-Key is still being processed; retry shortly."


class _Replay(Exception):
    def __init__(self, response: Response):
        self.response = response


def _body_hash(request) -> str:
    return hashlib.sha256(request._request.body or b"").hexdigest()


def _claim(request, key: str) -> IdempotencyKey | Response:
    """Insert the key, or return the stored response of its first use."""
    scope = {"user": request.user, "key": key, "method": request.method, "path": request.path[:1024]}
    body_hash = _body_hash(request)
    expired = timezone.now() - timedelta(hours=settings.API_IDEMPOTENCY_TTL_HOURS)
    IdempotencyKey.objects.filter(created_at__lt=expired, **scope).delete()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(request_sha256=body_hash, **scope)
    except IntegrityError:
        pass
    stored = IdempotencyKey.objects.filter(**scope).first()
    if stored is None:  # the first request failed and released the key in the meantime
        raise KeyInUse()
    if stored.request_sha256 != body_hash:
        raise KeyReused()
    if stored.status_code is None:
        raise KeyInUse()
    response = Response(stored.response_body, status=stored.status_code, headers=stored.response_headers)
    response[REPLAYED_HEADER] = "true"
    return response


class IdempotentWritesMixin:
    """For DRF views: honour ``Idempotency-Key`` on POST/PUT/PATCH/DELETE of authenticated users."""

    _idempotency_record = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, permissions and throttles first
        key = request.headers.get(HEADER)
        if request.method not in UNSAFE or key is None or not request.user.is_authenticated:
            return
        if not _KEY.fullmatch(key):
            raise ValidationError({HEADER: ["Use 1 to 255 printable ASCII characters."]})
        claimed = _claim(request, key)
        if isinstance(claimed, Response):
            raise _Replay(claimed)
        self._idempotency_record = claimed

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        try:
            return super().handle_exception(exc)
        except Exception:
            # An unexpected error becomes a 500 without passing finalize_response: release the key here.
            if self._idempotency_record is not None:
                self._idempotency_record.delete()
                self._idempotency_record = None
            raise

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record, self._idempotency_record = self._idempotency_record, None
        if record is None:
            return response
        if response.status_code >= 500:
            record.delete()  # nothing to replay: the client may retry with the same key
            return response
        data = getattr(response, "data", None)
        record.status_code = response.status_code
        record.response_body = None if data is None else json.loads(JSONRenderer().render(data))
        record.response_headers = {h: response[h] for h in KEPT_HEADERS if response.has_header(h)}
        record.save(update_fields=["status_code", "response_body", "response_headers"])
        return response
