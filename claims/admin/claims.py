"""The claims changelist and claim page: filters, search, badges, due dates, audit list, history.

The changelist costs a fixed number of queries whatever the page size (related rows are joined; evidence
counts and current ratings are fetched for the page's rows in two queries) and never counts a large
PostgreSQL table in full (see ``pagination``).
"""

import functools

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db.models import Count, ExpressionWrapper, F, IntegerField, Q, Value
from django.urls import path, reverse
from django.utils.html import format_html

from claims import permissions, services
from claims.admin import actions, claim_actions, display, filters, matching, workflow_pages, workspace
from claims.admin.history import ScopedHistoryAdmin
from claims.admin.pagination import EstimatedCountPaginator
from claims.errors import DomainError
from claims.models import Article, Claim, Claimant, ClaimEvent, Evidence, Verdict, claim_status_rank
from claims.search import search_claims
from sources.models import Source


def attach_page_columns(claims: list[Claim]) -> None:
    """Set ``evidence_count`` and the current verdict's ``rating_label``/``rating_colour`` on each claim.

    Two queries for the whole page. Computed after pagination on purpose: as correlated subqueries in the
    changelist query PostgreSQL evaluates them for every row before a sort (11 s on a million claims).
    """
    ids = [c.pk for c in claims]
    counts = dict(
        Evidence.objects.filter(claim_id__in=ids, dismissed=False)
        .order_by()
        .values_list("claim_id")
        .annotate(n=Count("pk"))
    )
    ratings: dict[int, tuple[str | None, str | None]] = {}
    current = Verdict.objects.filter(claim_id__in=ids, state__in=filters.CURRENT_VERDICT_STATES)
    for claim_id, label, colour in current.order_by("claim_id", "-id").values_list(
        "claim_id", "rating__label", "rating__colour"
    ):
        ratings.setdefault(claim_id, (label, colour))
    for claim in claims:
        claim.evidence_count = counts.get(claim.pk, 0)
        claim.rating_label, claim.rating_colour = ratings.get(claim.pk, (None, None))


def own_or_public_verdicts(user, queryset):
    """Verdicts of claims ``user`` may see; drafts and proposals of other authors only for editors."""
    queryset = permissions.visible_verdicts(user, queryset)
    if permissions.is_editor(user):
        return queryset
    return queryset.filter(Q(author=user) | ~Q(state__in=[Verdict.State.DRAFT, Verdict.State.PROPOSED]))


def _clipped(text: str, limit: int):
    """``text`` cut to ``limit`` characters, the whole of it in a tooltip."""
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return format_html('<span title="{}">{}</span>', text, shown)


_STATUS_BOUND_FILTERS = (filters.AssigneeFilter, filters.RatingFilter)
# Overdue claims are active ones; the filter itself keeps only those, so a range spanning their ranks
# (open .. in review) adds no condition, only a way into claim_worklist_idx.
_ACTIVE_RANKS = [Claim.Status.values.index(status) for status in filters.ACTIVE_STATUSES]
_OVERDUE_RANKS = (min(_ACTIVE_RANKS), max(_ACTIVE_RANKS))


class ClaimChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        status = self.params.get("status__exact")
        if isinstance(status, list):
            status = status[-1]
        ranks = None
        if status in Claim.Status.values:
            ranks = (Claim.Status.values.index(status),) * 2
        elif self.params.get(filters.OverdueFilter.parameter_name) == "yes":
            ranks = _OVERDUE_RANKS
        if ranks is not None:
            # The same condition on the rank: then PostgreSQL reads that range of claim_worklist_idx,
            # already in the list's order, instead of sorting all of those claims.
            queryset = queryset.alias(status_rank=claim_status_rank()).filter(status_rank__range=ranks)
        return queryset

    def get_ordering(self, request, queryset):
        ordering = super().get_ordering(request, queryset)
        if not any(self.params.get(f.parameter_name) for f in _STATUS_BOUND_FILTERS):
            return ordering
        # These filters keep claims of a few statuses only (assigned or rated ones), which the
        # planner does not know: reading claim_worklist_idx in order until 50 match crosses the whole
        # candidate range first (1.2-2.5 s on a million claims). The same order written so that the index
        # does not provide it makes PostgreSQL sort the filtered claims instead (0.1-0.4 s).
        rank = claim_status_rank()
        unindexed = ExpressionWrapper(rank + Value(0), output_field=IntegerField())
        return [unindexed.asc() if part == rank.asc() else part for part in ordering]

    def get_results(self, request):
        super().get_results(request)
        self.result_list = list(self.result_list)
        attach_page_columns(self.result_list)


class ClaimEventInline(admin.TabularInline):
    """The audit list: every workflow operation on the claim, oldest first (read-only)."""

    model = ClaimEvent
    verbose_name = "workflow event"
    verbose_name_plural = "Audit trail (workflow events)"
    fields = ("created_at", "actor_name", "what", "from_status", "to_status", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False
    classes = ("collapse-open",)

    @admin.display(description="what")
    def what(self, event):
        return event.action_label

    @admin.display(description="actor")
    def actor_name(self, event):
        return display.person(event.actor) if event.actor_id else "system"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EvidenceInline(admin.TabularInline):
    model = Evidence
    fields = (
        "source_link",
        "pull_state",
        "stance",
        "origin",
        "score",
        "quantity_match",
        "excerpt_short",
        "added_by_name",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source", "added_by").filter(dismissed=False)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="source")
    def source_link(self, obj):
        if not self.admin_site.is_registered(Source):
            return obj.source.url
        url = reverse(f"{self.admin_site.name}:sources_source_change", args=[obj.source_id])
        return format_html('<a href="{}">{}</a>', url, obj.source.url)

    @admin.display(description="pull state")
    def pull_state(self, obj):
        return obj.source.get_state_display()

    @admin.display(description="excerpt")
    def excerpt_short(self, obj):
        return obj.excerpt if len(obj.excerpt) <= 160 else obj.excerpt[:157] + "..."

    @admin.display(description="added by")
    def added_by_name(self, obj):
        return display.person(obj.added_by)


class VerdictInline(admin.TabularInline):
    model = Verdict
    fk_name = "claim"
    fields = ("rating", "state", "summary", "author_name", "approver_name", "published_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return own_or_public_verdicts(request.user, super().get_queryset(request)).select_related(
            "rating", "author", "approver"
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="author")
    def author_name(self, obj):
        return display.person(obj.author)

    @admin.display(description="approver")
    def approver_name(self, obj):
        return display.person(obj.approver)


def workflow_links(user, claim: Claim) -> list[tuple[str, str]]:
    """(label, URL) of the workflow pages this user can use on this claim now."""
    links = []
    if permissions.is_assignee(user, claim) or permissions.is_editor(user):
        links.append(("Research", reverse("admin:claims_claim_research", args=[claim.pk])))
    if permissions.is_editor(user) and claim.status == Claim.Status.IN_REVIEW:
        links.append(("Adjudicate", reverse("admin:claims_claim_adjudicate", args=[claim.pk])))
    if permissions.is_editor(user) and claim.status in (Claim.Status.PUBLISHED, Claim.Status.NEEDS_UPDATE):
        links.append(("Correct verdict", reverse("admin:claims_claim_correct", args=[claim.pk])))
    public = claim.verdicts.filter(state=Verdict.State.PUBLISHED).values_list("pk", flat=True).first()
    if public is not None:
        links.append(("Public page", reverse("public-verdict", args=[public])))
    return links


@admin.register(Claim)
class ClaimAdmin(ScopedHistoryAdmin):
    # Compact columns (long texts clipped, the whole in a tooltip; claims/static/claims/admin.css) so that
    # the list, assignee, due date and rating included, fits a 1366 px screen with both sidebars open.
    list_display = (
        "claim_text",
        "status_badge",
        "checkworthiness_display",
        "claimant_and_article",
        "assignee_name",
        "due",
        "evidence_n",
        "rating",
    )
    list_display_links = ("claim_text",)
    list_select_related = ("claimant", "article__source", "assignee")
    list_filter = (
        "status",
        "kind",
        filters.RatingFilter,
        filters.AssigneeFilter,
        filters.OverdueFilter,
        filters.HasEvidenceFilter,
        filters.ClaimantFilter,
        filters.ArticleFilter,
    )
    # Only these columns sort: each is a column of the claims table (sorting by an annotation would
    # evaluate it for every row of a million-row table).
    sortable_by = ("checkworthiness_display", "due", "status_badge")
    # The work first: by status in workflow order, the most check-worthy first, then the newest
    # (claim_worklist_idx serves it).
    ordering = (claim_status_rank().asc(), F("checkworthiness").desc(nulls_last=True), "-created_at", "-id")
    search_fields = ("text",)  # shows the search box; get_search_results does the real work
    search_help_text = "Claim text (full-text), claimant name, or article URL/title."
    list_per_page = 50
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    autocomplete_fields = ("claimant", "tags")
    inlines = (VerdictInline, EvidenceInline, ClaimEventInline)
    actions = (actions.accept, actions.dismiss, actions.assign, actions.merge, actions.reopen)
    change_form_template = "claims/admin/claim_change_form.html"
    # Only these fields are saved by the change form; workflow fields change through the services.
    editable_fields = ("text", "restatement", "claimant", "kind", "priority")
    readonly_fields = (
        "restatement_origin",
        "status_badge",
        "article_link",
        "span",
        "checkworthiness",
        "assignee_name",
        "due_date",
        "duplicate_of",
        "dismiss_reason",
        "in_article",
        "version",
        "created_at",
    )
    fieldsets = (
        (
            None,
            {"fields": ("text", "restatement", "restatement_origin", "claimant", "kind", "priority", "tags")},
        ),
        (
            "Workflow (changed only through the workflow pages and actions)",
            {
                "fields": (
                    "status_badge",
                    "assignee_name",
                    "due_date",
                    "duplicate_of",
                    "dismiss_reason",
                    "version",
                )
            },
        ),
        (
            "Where it was found",
            {"fields": ("article_link", "span", "in_article", "checkworthiness", "created_at")},
        ),
    )

    class Media:
        css = {"all": ("claims/admin.css",)}

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(functools.partial(view, self))

        return [
            path("my-queue/", wrap(workspace.my_queue_view), name="claims_my_queue"),
            path("<int:pk>/research/", wrap(workflow_pages.research_view), name="claims_claim_research"),
            path(
                "<int:pk>/adjudicate/", wrap(workflow_pages.adjudicate_view), name="claims_claim_adjudicate"
            ),
            path("<int:pk>/correct/", wrap(workflow_pages.correct_view), name="claims_claim_correct"),
            path("<int:pk>/act/<slug:name>/", wrap(claim_actions.claim_action_view), name="claims_claim_act"),
            path(
                "<int:pk>/matches/<int:match_pk>/<slug:decision>/",
                wrap(matching.match_decide_view),
                name="claims_claim_match_decide",
            ),
            path("dashboard/", wrap(workspace.dashboard_view), name="claims_dashboard"),
            path(
                "dashboard/<slug:name>.csv", wrap(workspace.dashboard_csv_view), name="claims_dashboard_csv"
            ),
            *super().get_urls(),
        ]

    def get_changelist(self, request, **kwargs):
        return ClaimChangeList

    def get_queryset(self, request):
        return permissions.visible_claims(request.user, super().get_queryset(request))

    def get_list_display(self, request):
        # "Verdicts to adjudicate" (the in-review list) leads straight to each claim's adjudicate page.
        # Beside the claim text: as the last column it sat off-screen, behind the table's horizontal scroll.
        if request.GET.get("status__exact") == Claim.Status.IN_REVIEW and permissions.is_editor(request.user):
            at = self.list_display.index("claim_text") + 1
            return (*self.list_display[:at], "adjudicate_link", *self.list_display[at:])
        return self.list_display

    @admin.display(description="next step")
    def adjudicate_link(self, obj):
        if obj.status != Claim.Status.IN_REVIEW:
            return "—"
        return format_html(
            '<a href="{}">Adjudicate</a>', reverse("admin:claims_claim_adjudicate", args=[obj.pk])
        )

    # The dashboard's "claims per week" bars link to the claims created in that week.
    DASHBOARD_LOOKUPS = ("created_at__date__gte", "created_at__date__lt")

    def lookup_allowed(self, lookup, value, request=None):
        return lookup in self.DASHBOARD_LOOKUPS or super().lookup_allowed(lookup, value, request)

    def get_list_filter(self, request):
        if permissions.is_editor(request.user):
            return self.list_filter
        # A reviewer's list holds only their own claims: filtering by assignee would only list colleagues.
        return tuple(f for f in self.list_filter if f is not filters.AssigneeFilter)

    def has_workflow_permission(self, request):
        return permissions.is_editor(request.user)

    def has_add_permission(self, request):
        # Claims come from detection or from a span selected on the article page (claim_create).
        return False

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return permissions.is_editor(request.user) or (obj is not None and obj.assignee_id == request.user.pk)

    def get_readonly_fields(self, request, obj=None):
        # The current row decides, not ``obj``: a history page's ``obj`` is an old version of the claim.
        if obj is not None and obj.pk and services.claim_has_public_verdict(obj.pk):
            return (*services.PUBLIC_CLAIM_FIELDS, *self.readonly_fields)
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        # Only the fields of the form: a status or version written by a service since it loaded survives,
        # and the history page's old version cannot bring back read-only fields.
        changes = {f: getattr(obj, f) for f in self.editable_fields if f in form.fields}
        try:
            services.claim_edit(claim=obj, actor=request.user, **changes)
        except DomainError as exc:  # published between loading the form and saving it
            messages.error(request, f"Not saved: {exc.message}")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if obj is not None:
            extra_context["workflow_links"] = workflow_links(request.user, obj)
            extra_context["claim_actions"] = claim_actions.page_actions(request.user, obj)
            extra_context.update(matching.panel_context(request.user, obj))
            extra_context["match_buttons"] = [
                ("merge", "Merge"),
                ("link", "Link appearance"),
                ("reject", "Reject"),
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def get_search_results(self, request, queryset, search_term):
        """Match claim text (full-text search), claimant names and article URLs/titles."""
        term = search_term.strip()
        if not term:
            return queryset, False
        text_matches = search_claims(Claim.objects.all(), term).values("pk")
        claimants = Claimant.objects.filter(Q(name__icontains=term) | Q(normalized_name__icontains=term))
        articles = Article.objects.filter(Q(source__url__icontains=term) | Q(title__icontains=term))
        return (
            queryset.filter(
                Q(pk__in=text_matches)
                | Q(claimant_id__in=claimants.values("pk"))
                | Q(article_id__in=articles.values("pk"))
            ),
            False,
        )

    @admin.display(description="claim")
    def claim_text(self, obj):
        return format_html(
            '{}<small class="fc-kind">{}</small>', _clipped(obj.text, 110), obj.get_kind_display()
        )

    @admin.display(description="status", ordering=claim_status_rank())
    def status_badge(self, obj):
        return display.status_badge(obj.status)

    @admin.display(description="check-worthy", ordering="checkworthiness")
    def checkworthiness_display(self, obj):
        return "—" if obj.checkworthiness is None else f"{obj.checkworthiness:.2f}"

    @admin.display(description="claimant / article")
    def claimant_and_article(self, obj):
        claimant = obj.claimant.name if obj.claimant_id else "—"
        article = str(obj.article) if obj.article_id else "—"
        return format_html(
            '<span class="fc-clip" title="{}">{}</span><small class="fc-clip fc-quiet" title="{}">{}</small>',
            claimant,
            claimant,
            article,
            article,
        )

    @admin.display(description="assignee")
    def assignee_name(self, obj):
        # Plain text, clipped in the list: the admin's link to a user's page answers 403 to non-superusers.
        if obj.assignee_id is None:
            return "—"
        name = display.person(obj.assignee)
        return format_html('<span class="fc-clip" title="{}">{}</span>', name, name)

    @admin.display(description="article")
    def article_link(self, obj):
        if obj.article_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:claims_article_change", args=[obj.article_id]), obj.article
        )

    @admin.display(description="restatement by")
    def restatement_origin(self, obj):
        # Detection's proposal stays marked until an editor edits it (services.claim_edit).
        if obj.restatement and obj.restatement_source == Claim.RestatementSource.MACHINE:
            return "machine-proposed — check and edit"
        return "editor" if obj.restatement else "—"

    @admin.display(description="span")
    def span(self, obj):
        return "—" if obj.span_start is None else f"{obj.span_start}–{obj.span_end}"

    @admin.display(description="due", ordering="due_date")
    def due(self, obj):
        return display.due_display(obj)

    @admin.display(description="evidence")
    def evidence_n(self, obj):
        return obj.evidence_count

    @admin.display(description="rating")
    def rating(self, obj):
        return display.rating_chip(obj.rating_label, obj.rating_colour)
