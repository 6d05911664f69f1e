"""Verdicts (read-only here: they change only through the workflow pages) and the rating scale."""

from django.contrib import admin
from django.utils.html import format_html

from claims.admin.display import safe_colour
from claims.admin.history import ScopedHistoryAdmin
from claims.models import Rating, Verdict


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("label", "swatch", "value", "order", "is_active")
    list_editable = ("order", "is_active")
    prepopulated_fields = {"slug": ("label",)}

    @admin.display(description="colour")
    def swatch(self, obj):
        return format_html(
            '<span style="display:inline-block;width:2em;height:1em;background:{}"></span> {}',
            safe_colour(obj.colour),
            obj.colour,
        )


@admin.register(Verdict)
class VerdictAdmin(ScopedHistoryAdmin):
    list_display = ("claim", "rating", "state", "author", "approver", "published_at")
    list_select_related = ("claim", "rating", "author", "approver")
    list_filter = ("state", "rating")
    search_fields = ("summary", "claim__text")
    readonly_fields = (
        "claim",
        "rating",
        "summary",
        "explanation",
        "author",
        "approver",
        "state",
        "published_at",
        "supersedes",
        "correction_note",
    )

    def get_queryset(self, request):
        from claims.admin.claims import own_or_public_verdicts

        return own_or_public_verdicts(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Verdicts are written by the workflow services (propose, approve, correct, withdraw) only.
        return False

    def has_delete_permission(self, request, obj=None):
        return False
