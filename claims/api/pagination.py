"""Cursor pagination: stable under inserts (new verdicts never shift a page) and no COUNT query."""

from django.conf import settings
from django.core.exceptions import ValidationError
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination


class _CheckedCursorPagination(CursorPagination):
    """A cursor whose position does not parse as the ordering field answers 404 "Invalid cursor".

    DRF checks only the cursor's offset and direction; a tampered position (``p=abc``) reached the
    database as a timestamp or id and failed there (500, and on PostgreSQL an aborted transaction).
    """

    page_size_query_param = "page_size"

    def get_page_size(self, request):
        self.page_size = settings.API_PAGE_SIZE
        self.max_page_size = settings.API_MAX_PAGE_SIZE
        return super().get_page_size(request)

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            field = self._model._meta.get_field(self.ordering[0].lstrip("-"))
            try:
                field.to_python(cursor.position)
            except ValidationError:
                raise NotFound(self.invalid_cursor_message) from None
        return cursor


class VerdictCursorPagination(_CheckedCursorPagination):
    """Newest published first; ``id`` breaks ties between verdicts published in the same microsecond."""

    ordering = ("-published_at", "-id")


class IdCursorPagination(_CheckedCursorPagination):
    """Newest rows first by id, for the authenticated collections."""

    ordering = ("-id",)
