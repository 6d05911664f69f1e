"""One error shape for every API failure: ``{"code": ..., "message": ..., ...details}``.

Domain errors (``claims.errors``) keep their own code, HTTP status and details (e.g. a stale version's
``current_version``). DRF's errors get their default code; validation errors list the fields under
``errors``; throttled requests carry ``retry_after`` (seconds) as well as the ``Retry-After`` header.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler

from claims.errors import DomainError


class ErrorSerializer(serializers.Serializer):
    """The body of every error response (documented once in the schema)."""

    code = serializers.CharField(help_text="Stable machine-readable code, e.g. 'conflict', 'invalid'.")
    message = serializers.CharField(help_text="Human-readable explanation.")
    errors = serializers.DictField(required=False, help_text="Field name -> messages, for 'invalid'.")
    retry_after = serializers.IntegerField(required=False, help_text="Seconds to wait, for 'throttled'.")


def _first_message(detail) -> str:
    if isinstance(detail, dict):
        for value in detail.values():
            return _first_message(value)
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def api_exception_handler(exc, context):
    """Map ``exc`` to an error response; return None for unexpected errors (a 500 that is logged)."""
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.http_status)
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return Response({"code": "too_large", "message": f"The body exceeds {limit} bytes."}, status=413)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = {"code": "invalid", "message": _first_message(exc.detail), "errors": errors}
    else:
        body = {"code": getattr(exc, "default_code", "error"), "message": _first_message(exc.detail)}
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            body["retry_after"] = max(1, round(exc.wait))
    response.data = body
    return response
