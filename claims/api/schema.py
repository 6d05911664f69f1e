"""OpenAPI generation (drf-spectacular): every operation also documents the error responses it can give.

All errors share one body (``ErrorSerializer``), produced by ``claims.api.exceptions``. Listing them on
each operation keeps the schema accurate for generated clients and for Schemathesis, which checks every
response against it.
"""

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema

from claims.api.exceptions import ErrorSerializer

_ALWAYS = {
    "400": "Invalid parameters or body ('invalid'), or a domain rule refused it.",
    "401": "Missing or invalid credentials ('not_authenticated', 'authentication_failed').",
    "403": "Not allowed for this user ('permission_denied', 'forbidden').",
    "404": "No such object visible to the caller, or an invalid cursor ('not_found').",
    "406": "The Accept header asks for a type this endpoint cannot produce ('not_acceptable').",
    "429": "Too many requests ('throttled'); see Retry-After.",
}
_WRITES = {
    "409": "Stale version, a transition not allowed from the current status, or an Idempotency-Key "
    "whose first request is still running ('conflict', 'invalid_transition', 'idempotency_key_in_use').",
    "422": "An Idempotency-Key reused with a different request body ('idempotency_key_reused').",
    "413": "The body exceeds DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB by default ('too_large').",
    "415": "The body is not JSON ('unsupported_media_type').",
}


class AutoSchema(BaseAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        extra = dict(_ALWAYS)
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            extra.update(_WRITES)
        for code, description in extra.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code)
                response["description"] = description
                responses[code] = response
        return responses
