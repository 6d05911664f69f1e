"""Admin for sources and snapshots: read-only views of what the pulls recorded, plus "pull now"/"retry now".

Rows are written only by the services, so every field is read-only here. Fetched content is shown as
escaped text (Django templates escape by default); fetched HTML is never rendered. A failed pull shows as
"Failed (retrying at …)" or "Failed" with a plain reason; the raw error stays in "last error".
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from sources import failures
from sources.diffing import snapshot_diff
from sources.models import Snapshot, Source
from sources.services import request_pull


class WatchedFilter(admin.SimpleListFilter):
    title = "watched"
    parameter_name = "watched"

    def lookups(self, request, model_admin):
        return [("yes", "Watched now"), ("no", "Not watched")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(watch_until__gt=timezone.now())
        if self.value() == "no":
            return queryset.exclude(watch_until__gt=timezone.now())
        return queryset


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["url", "pull_state", "last_checked_at", "next_pull_at", "consecutive_failures", "error"]
    list_filter = ["state", "failure", WatchedFilter, "domain"]
    search_fields = ["url", "domain"]
    ordering = ["-updated_at"]
    show_full_result_count = False
    actions = ["pull_now"]
    change_form_template = "admin/sources/source/change_form.html"
    change_list_template = "admin/sources/source/change_list.html"
    readonly_fields = [
        "url",
        "domain",
        "pull_state",
        "reason",
        "last_checked_at",
        "next_pull_at",
        "consecutive_failures",
        "last_error",
        "failure",
        "etag",
        "last_modified",
        "watch_until",
        "unchanged_pulls",
        "current_snapshot_link",
        "snapshots_link",
        "lease_until",
        "queued_at",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False  # sources come from URLs through sources.services.source_for_url

    @admin.display(description="state", ordering="state")
    def pull_state(self, obj):
        return failures.state_text(obj)

    @admin.display(description="why it failed")
    def reason(self, obj):
        return failures.plain_reason(obj) or "-"

    @admin.display(description="why it failed")
    def error(self, obj):
        # The technical detail is a hover away, and in full on the source's page.
        return format_html('<span title="{}">{}</span>', obj.last_error, failures.plain_reason(obj))

    @admin.display(description="current snapshot")
    def current_snapshot_link(self, obj):
        if not obj.current_snapshot_id:
            return "-"
        url = reverse("admin:sources_snapshot_text", args=[obj.current_snapshot_id])
        return format_html('<a href="{}">text of snapshot {}</a>', url, obj.current_snapshot_id)

    @admin.display(description="snapshots")
    def snapshots_link(self, obj):
        url = reverse("admin:sources_snapshot_changelist") + f"?source__id__exact={obj.pk}"
        return format_html('<a href="{}">{} snapshots</a>', url, obj.snapshots.count())

    def has_pull_permission(self, request):
        return request.user.has_perm("sources.change_source")

    def has_retry_permission(self, request):
        # Whoever may add a URL to be fetched (editors submitting articles) may have a failed one tried again.
        return self.has_pull_permission(request) or request.user.has_perm("sources.add_source")

    @admin.action(description="Pull now (retries failed sources)", permissions=["pull"])
    def pull_now(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        request_pull(ids)
        self.message_user(request, f"Queued a pull of {len(ids)} source(s).", messages.SUCCESS)

    def get_urls(self):
        retry = self.admin_site.admin_view(require_POST(self.retry_view))
        return [path("<int:pk>/retry/", retry, name="sources_source_retry"), *super().get_urls()]

    def _worker_context(self, request, extra_context):
        return {
            **(extra_context or {}),
            "pulls_need_worker": failures.pulls_need_worker(),
            "can_retry": self.has_retry_permission(request),
        }

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, self._worker_context(request, extra_context))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = self._worker_context(request, extra_context)
        source = self.get_object(request, object_id)
        if source is not None and failures.has_failed(source):
            context.update(
                state_text=failures.state_text(source),
                reason=failures.plain_reason(source),
            )
        return super().change_view(request, object_id, form_url, context)

    def retry_view(self, request, pk):
        """Pull the source again now (POST); without a worker the pull runs before the answer."""
        if not self.has_retry_permission(request):
            raise PermissionDenied
        source = get_object_or_404(Source, pk=pk)
        checked_before = source.last_checked_at
        request_pull([source.pk])
        source.refresh_from_db()
        if source.last_checked_at == checked_before:  # queued for a worker, not pulled yet
            self.message_user(request, "Retry queued: a worker pulls the page shortly.", messages.SUCCESS)
        elif source.state == Source.State.OK:
            self.message_user(request, "Pulled again: the page was fetched.", messages.SUCCESS)
        elif failures.has_failed(source):
            text = f"Still failing: {failures.state_text(source)}. {failures.plain_reason(source)}"
            self.message_user(request, text, messages.WARNING)
        else:
            self.message_user(request, f"Pulled again: {failures.state_text(source)}.", messages.INFO)
        return HttpResponseRedirect(reverse("admin:sources_source_change", args=[source.pk]))


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title", "http_status", "language", "links_count", "views"]
    list_select_related = ["source"]
    list_filter = ["language", "http_status"]
    search_fields = ["source__url", "title", "sha256"]
    ordering = ["-fetched_at"]
    show_full_result_count = False
    exclude = ["raw_body", "text", "links"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in self.exclude] + ["views"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/text/", view(self.text_view), name="sources_snapshot_text"),
            path("<int:pk>/diff/", view(self.diff_view), name="sources_snapshot_diff"),
            *super().get_urls(),
        ]

    @admin.display(description="links")
    def links_count(self, obj):
        return len(obj.links or [])

    @admin.display(description="view")
    def views(self, obj):
        text = reverse("admin:sources_snapshot_text", args=[obj.pk])
        diff = reverse("admin:sources_snapshot_diff", args=[obj.pk])
        return format_html('<a href="{}">text</a> · <a href="{}">diff with previous</a>', text, diff)

    def _snapshot(self, request, pk):
        snapshot = get_object_or_404(Snapshot.objects.select_related("source"), pk=pk)
        if not self.has_view_permission(request, snapshot):
            raise PermissionDenied
        return snapshot

    def _context(self, request, snapshot, title):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "snapshot": snapshot,
            "original": snapshot,
        }

    def text_view(self, request, pk):
        snapshot = self._snapshot(request, pk)
        context = self._context(request, snapshot, f"Text of {snapshot}")
        return TemplateResponse(request, "admin/sources/snapshot/text.html", context)

    def diff_view(self, request, pk):
        snapshot = self._snapshot(request, pk)
        others = Snapshot.objects.filter(source_id=snapshot.source_id).exclude(pk=snapshot.pk)
        against = request.GET.get("against")
        if against and against.isdigit():
            previous = get_object_or_404(others, pk=int(against))
        else:
            previous = (
                others.filter(fetched_at__lte=snapshot.fetched_at).order_by("-fetched_at", "-id").first()
            )
        context = self._context(request, snapshot, f"Changes in {snapshot}")
        context.update(
            previous=previous,
            diff=snapshot_diff(previous, snapshot) if previous else None,
            choices=others.order_by("-fetched_at").values("pk", "fetched_at")[:50],
        )
        return TemplateResponse(request, "admin/sources/snapshot/diff.html", context)
