"""Refuse NUL characters in the URL, the query string and form fields before any view sees them.

PostgreSQL cannot store or compare text containing NUL (``A string literal cannot contain NUL``), so
a NUL that reached a filter, a search box, an autocomplete term or a form field turned into a 500 with
the transaction aborted. Refused here, once, every endpoint and admin page answers 400 with a reason
instead. JSON bodies are checked by the API's parser (``claims.api.parsers``).
"""

from django.http import HttpResponseBadRequest, JsonResponse

NUL = "\x00"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _first_nul_parameter(params) -> str | None:
    for name, values in params.lists():
        if NUL in name or any(isinstance(value, str) and NUL in value for value in values):
            return name.replace(NUL, "\\x00")
    return None


class RefuseNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = None
        if NUL in request.path:
            where = "the path"
        elif (name := _first_nul_parameter(request.GET)) is not None:
            where = f"parameter {name!r}"
        elif (
            request.method == "POST"
            # API bodies are JSON; form bodies sent to the API are refused there (415) unread.
            and not request.path.startswith("/api/")
            and request.content_type in _FORM_TYPES
            and (name := _first_nul_parameter(request.POST)) is not None
        ):
            where = f"field {name!r}"
        if where is None:
            return self.get_response(request)
        message = f"NUL characters are not allowed (in {where})."
        if request.path.startswith("/api/"):
            errors = {where.split("'")[1] if "'" in where else "non_field_errors": [message]}
            return JsonResponse({"code": "invalid", "message": message, "errors": errors}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
