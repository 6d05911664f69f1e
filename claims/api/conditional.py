"""Conditional GET for public reads: a strong ``ETag`` (hash of the body) and, where it is exact, a
``Last-Modified``; a matching ``If-None-Match`` / ``If-Modified-Since`` answers 304 without the body.

A list only gets an ETag: the newest change on a page says nothing about a verdict that left the page
(withdrawn), so ``If-Modified-Since`` alone could wrongly answer 304 there.
"""

import hashlib

from django.utils.cache import get_conditional_response
from django.utils.http import http_date


class ConditionalGetMixin:
    """For a DRF view: set ``self.last_modified`` (a datetime) while building a detail response."""

    last_modified = None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming:
            return response
        response.render()
        etag = '"' + hashlib.sha256(response.content).hexdigest()[:40] + '"'
        response["ETag"] = etag
        last_modified = None
        if self.last_modified is not None:
            last_modified = int(self.last_modified.timestamp())
            response["Last-Modified"] = http_date(last_modified)
        response.setdefault("Cache-Control", "public, max-age=60")
        return get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)
