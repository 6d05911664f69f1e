"""Request rates per client, read from settings at request time (``API_THROTTLE_RATES``; docs/api.md).

DRF's own throttles copy their rates when the module is imported; these read the setting on each request,
so deployments and tests can change them without reloading code. A refused request gets 429 with
``Retry-After`` (seconds). Counters live in Redis, or per process while it is unreachable
(``factcheck.cache.CountersWithLocalFallback``): an outage must not lift the limits.
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from factcheck.cache import throttle_counters


class _RateFromSettings:
    cache = throttle_counters

    def get_rate(self):
        return settings.API_THROTTLE_RATES[self.scope]


class AnonThrottle(_RateFromSettings, AnonRateThrottle):
    """Anonymous clients, per IP address."""

    scope = "anon"


class UserThrottle(_RateFromSettings, UserRateThrottle):
    """Authenticated clients (token or session), per user; anonymous ones are AnonThrottle's alone.

    DRF's UserRateThrottle also counts anonymous requests (by address) against the user rate, which
    would put anonymous readers under two budgets at once.
    """

    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class ExportThrottle(_RateFromSettings, SimpleRateThrottle):
    """Full exports are expensive: a separate, lower budget per user or IP address."""

    scope = "export"

    def get_cache_key(self, request, view):
        ident = request.user.pk if request.user and request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
