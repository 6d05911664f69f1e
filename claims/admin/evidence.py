"""Evidence rows, with their history; added and edited through the reviewer's claim page."""

from django.contrib import admin

from claims import permissions
from claims.admin.history import ScopedHistoryAdmin
from claims.models import Evidence


@admin.register(Evidence)
class EvidenceAdmin(ScopedHistoryAdmin):
    list_display = ("claim", "source", "pull_state", "stance", "origin", "added_by", "created_at")
    list_select_related = ("claim", "source", "added_by")
    list_filter = ("stance", "origin", "dismissed")
    search_fields = ("source__url", "excerpt", "claim__text")
    readonly_fields = (
        "claim",
        "source",
        "snapshot",
        "excerpt",
        "excerpt_start",
        "excerpt_end",
        "stance",
        "origin",
        "score",
        "dismissed",
        "added_by",
        "note",
    )

    @admin.display(description="pull state")
    def pull_state(self, obj):
        return obj.source.get_state_display()

    def get_queryset(self, request):
        return permissions.visible_evidence(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Evidence changes through evidence_add / evidence_update on the claim's research page.
        return False
