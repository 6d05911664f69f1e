"""History pages (django-simple-history) held to the same rows and rights as the change page.

django-simple-history looks the object up itself: a row outside the ModelAdmin's ``get_queryset`` is
found again through its latest historical record, so a reviewer could read the history of claims,
evidence and verdicts not assigned to them (texts, draft summaries, internal notes). Its version page
also saves a posted form for anyone with the view permission (a "revert"). Here both pages answer 404
for a row the caller may not see, and a revert needs the change permission on the row.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from claims import permissions


class ScopedHistoryAdmin(SimpleHistoryAdmin):
    def _visible_or_404(self, request, object_id):
        obj = self.get_object(request, object_id)
        # None for editors is a deleted row: its history stays readable to those who saw every row.
        if obj is None and not permissions.is_editor(request.user):
            raise Http404("No such object.")
        return obj

    def history_view(self, request, object_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        obj = self._visible_or_404(request, object_id)
        if request.method == "POST" and not self.has_change_permission(request, obj):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
