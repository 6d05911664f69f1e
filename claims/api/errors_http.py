"""Django-level 400/404/500 handlers: JSON in the API's error shape under /api/, Django's pages elsewhere.

A URL that matches no route (``/api/v1/verdicts/abc/``) never reaches DRF; without this it would answer
an HTML page that API clients and the schema do not expect.
"""

from django.http import JsonResponse
from django.views import defaults


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if _is_api(request):
        return JsonResponse({"code": "bad_request", "message": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"code": "not_found", "message": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"code": "server_error", "message": "Internal server error."}, status=500)
    return defaults.server_error(request)
