"""Admin for feeds, feed items, external reviews and claim leads, plus the "search other fact-checkers" view.

The search view lives at ``admin:claims_claimlead_search`` (``/admin/claims/claimlead/search/<claim_id>/``)
so that the claim page can link to it. Every change goes through the ``claims.feeds`` services.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from claims.errors import DomainError
from claims.feeds import leads
from claims.feeds.factchecktools import LEAD_SOURCES
from claims.feeds.tasks import enqueue_poll
from claims.models_feeds import ClaimLead, ExternalReview, Feed, FeedItem
from claims.permissions import visible_claims

# An address typed without a scheme is taken as https (Django 6's default; Django 5.2 still assumes http).
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


def _link(url: str) -> str:
    # Only http(s): a feed could carry a javascript: URL, which must never become a clickable link.
    if not url.startswith(("http://", "https://")):
        return url
    return format_html(
        '<a href="{}" rel="noopener noreferrer nofollow" target="_blank">{}</a>', url, url[:80]
    )


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "enabled", "poll_interval_minutes", "last_polled_at", "last_status"]
    list_display += ["consecutive_failures", "short_error"]
    list_filter = ["kind", "enabled"]
    search_fields = ["name", "url"]
    readonly_fields = ["last_polled_at", "next_poll_at", "etag", "last_modified", "last_status", "last_error"]
    readonly_fields += ["consecutive_failures"]
    formfield_overrides = HTTPS_URL_FIELDS
    actions = ["poll_now"]

    @admin.display(description="last error")
    def short_error(self, feed: Feed) -> str:
        return feed.last_error[:80]

    @admin.action(description="Poll now", permissions=["change"])
    def poll_now(self, request, queryset):
        ids = list(queryset.filter(enabled=True).values_list("pk", flat=True))
        for feed_id in ids:
            transaction.on_commit(lambda f=feed_id: enqueue_poll(f))
        self.message_user(request, f"{len(ids)} feed(s) queued for polling.")


@admin.register(FeedItem)
class FeedItemAdmin(admin.ModelAdmin):
    list_display = ["__str__", "feed", "published_at", "created_at", "processed_at"]
    list_filter = ["feed"]
    list_select_related = ["feed"]
    search_fields = ["title", "url", "guid"]
    readonly_fields = ["feed", "guid", "link", "title", "summary", "published_at", "source", "processed_at"]
    exclude = ["url"]
    show_full_result_count = False

    @admin.display(description="URL")
    def link(self, item: FeedItem) -> str:
        return _link(item.url)


@admin.register(ExternalReview)
class ExternalReviewAdmin(admin.ModelAdmin):
    list_display = ["publisher_name", "textual_rating", "verdict", "short_claim", "review_date", "origin"]
    list_filter = ["verdict", "origin", "language"]
    search_fields = ["claim_reviewed", "publisher_name", "url", "claimant"]
    readonly_fields = ["link", "raw", "feed_item", "source"]
    exclude = ["url"]
    formfield_overrides = HTTPS_URL_FIELDS
    show_full_result_count = False

    @admin.display(description="claim reviewed")
    def short_claim(self, review: ExternalReview) -> str:
        return review.claim_reviewed[:100]

    @admin.display(description="URL")
    def link(self, review: ExternalReview) -> str:
        return _link(review.url)


@admin.register(ClaimLead)
class ClaimLeadAdmin(admin.ModelAdmin):
    list_display = ["headline", "claim", "score", "state", "contradicts", "link", "created_at"]
    list_filter = ["state", "kind", "contradicts"]
    list_select_related = ["claim", "external_review", "feed_item"]
    search_fields = ["claim__text", "external_review__claim_reviewed", "feed_item__title"]
    readonly_fields = ["claim", "kind", "external_review", "feed_item", "score", "state", "contradicts"]
    readonly_fields += ["decided_by", "decided_at", "evidence"]
    actions = ["accept_supports", "accept_refutes", "accept_context", "dismiss"]

    def has_add_permission(self, request) -> bool:
        return False  # Leads come from matching and searches, never typed in.

    def get_queryset(self, request):
        # Reviewers see the leads of the claims assigned to them, as with the claims themselves.
        return super().get_queryset(request).filter(claim__in=visible_claims(request.user))

    @admin.display(description="URL")
    def link(self, lead: ClaimLead) -> str:
        return _link(lead.url)

    def _decide(self, request, queryset, decide, verb: str) -> None:
        done, refused = 0, []
        for lead_id in queryset.values_list("pk", flat=True):
            try:
                decide(lead_id)
                done += 1
            except DomainError as exc:
                refused.append(f"#{lead_id}: {exc.message}")
        self.message_user(request, f"{done} lead(s) {verb}.")
        if refused:
            self.message_user(request, "Not changed: " + "; ".join(refused), level=messages.WARNING)

    def _accept(self, request, queryset, stance: str) -> None:
        self._decide(
            request,
            queryset,
            lambda pk: leads.lead_accept(lead_id=pk, actor=request.user, stance=stance),
            f"accepted as evidence ({stance})",
        )

    @admin.action(description="Accept as evidence: supports the claim", permissions=["change"])
    def accept_supports(self, request, queryset):
        self._accept(request, queryset, "supports")

    @admin.action(description="Accept as evidence: refutes the claim", permissions=["change"])
    def accept_refutes(self, request, queryset):
        self._accept(request, queryset, "refutes")

    @admin.action(description="Accept as evidence: context", permissions=["change"])
    def accept_context(self, request, queryset):
        self._accept(request, queryset, "context")

    @admin.action(description="Dismiss", permissions=["change"])
    def dismiss(self, request, queryset):
        self._decide(
            request, queryset, lambda pk: leads.lead_dismiss(lead_id=pk, actor=request.user), "dismissed"
        )

    def get_urls(self):
        search = self.admin_site.admin_view(self.search_view)
        return [path("search/<int:claim_id>/", search, name="claims_claimlead_search"), *super().get_urls()]

    def search_view(self, request, claim_id: int):
        """GET: the lead sources to search for the claim; POST: search them and list the claim's leads."""
        claim = get_object_or_404(visible_claims(request.user), pk=claim_id)
        if not self.has_change_permission(request):
            raise PermissionDenied
        sources = [{"name": name, "enabled": s.enabled()} for name, s in LEAD_SOURCES.items()]
        if request.method == "POST":
            names = [n for n in request.POST.getlist("source") if n in LEAD_SOURCES] or None
            try:
                outcome = leads.claim_search_leads(claim_id=claim.pk, actor=request.user, source_names=names)
            except DomainError as exc:
                self.message_user(request, exc.message, level=messages.ERROR)
            else:
                self.message_user(request, f"{len(outcome.leads)} lead(s) found for this claim.")
                for name, error in outcome.errors.items():
                    self.message_user(request, f"{name}: {error}", level=messages.WARNING)
            changelist = reverse("admin:claims_claimlead_changelist")
            return redirect(f"{changelist}?claim__id__exact={claim.pk}")
        context = {
            **self.admin_site.each_context(request),
            "title": "Search other fact-checkers",
            "claim": claim,
            "sources": sources,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/claims/claimlead/search.html", context)
