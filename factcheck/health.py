"""Liveness and readiness of the parts the service needs: the database and the Celery broker."""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any driver error means "down"; the reason goes to the log, not the public
        return "down"
    return "ok"


def broker_status() -> str:
    """Return "eager" without a broker, else "ok" or "down" (a ping bounded to one second)."""
    if not settings.REDIS_URL:
        return "eager"
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except redis.RedisError:
        return "down"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    parts = {"database": database_status(), "broker": broker_status()}
    down = [name for name, state in parts.items() if state == "down"]
    return JsonResponse(parts, status=503 if down else 200)
