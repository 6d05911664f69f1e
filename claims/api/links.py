"""Absolute links to public resources, from the request when there is one, else from FACTCHECK_SITE_URL.

Feeds, webhooks and exports build the same links as the API; the prefixes are reversed once per call
site, not once per row (reverse() costs tens of microseconds; a page has hundreds of links).
"""

from django.conf import settings
from django.urls import reverse


def absolute(path: str, request=None) -> str:
    """Return ``path`` as an absolute URL on this service."""
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.FACTCHECK_SITE_URL + path.lstrip("/")


class PublicLinks:
    """Prefixes of the verdict API, ClaimReview and public page URLs; ``verdict(id)`` etc. append the id."""

    def __init__(self, request=None):
        api = absolute(reverse("api-v1:verdict-detail", args=[0]), request)
        page = absolute(reverse("public-verdict", args=[0]), request)
        self._api = api[: api.rindex("/0/") + 1]
        self._page = page[: page.rindex("/0/") + 1]

    def verdict(self, pk: int) -> str:
        return f"{self._api}{pk}/"

    def claimreview(self, pk: int) -> str:
        return f"{self._api}{pk}/claimreview/"

    def page(self, pk: int) -> str:
        return f"{self._page}{pk}/"
