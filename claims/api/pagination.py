"""Cursor pagination: stable under inserts (new verdicts never shift a page) and no COUNT query."""

from django.conf import settings
from rest_framework.pagination import CursorPagination


class VerdictCursorPagination(CursorPagination):
    """Newest published first; ``id`` breaks ties between verdicts published in the same microsecond."""

    ordering = ("-published_at", "-id")
    page_size_query_param = "page_size"

    def get_page_size(self, request):
        self.page_size = settings.API_PAGE_SIZE
        self.max_page_size = settings.API_MAX_PAGE_SIZE
        return super().get_page_size(request)


class IdCursorPagination(CursorPagination):
    """Newest rows first by id, for the authenticated collections."""

    ordering = ("-id",)
    page_size_query_param = "page_size"

    def get_page_size(self, request):
        self.page_size = settings.API_PAGE_SIZE
        self.max_page_size = settings.API_MAX_PAGE_SIZE
        return super().get_page_size(request)
