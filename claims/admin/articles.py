"""The article page: the analysed snapshot's text with every claim highlighted and its cited links marked.

A claim can be created from a span selected in that text (``span-select.js`` fills the offsets; the server
takes the claim text from the stored snapshot, never from the browser). Above it, the analysis's progress
while it runs (``analysis-progress.js`` polls its state), or why it failed, with a Retry button.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from claims import permissions, services
from claims.admin import actions, highlighting
from claims.admin.article_submission import FIELDSETS, ArticleSubmissionForm
from claims.admin.errors import report_domain_error
from claims.errors import DomainError, InvalidInput
from claims.ingestion import PENDING_STATES, article_retry, submit_article
from claims.models import Article, Claim
from sources import failures


def article_marks(article: Article, user) -> list[highlighting.Mark]:
    """Marks for the claims (that ``user`` may see) in the analysed snapshot's text, and its cited links."""
    own = permissions.visible_claims(user, article.claims.all())
    claims = own.filter(snapshot_id=article.snapshot_id, span_start__isnull=False).only(
        "id", "span_start", "span_end", "status", "text"
    )
    marks = [
        highlighting.Mark(
            start=c.span_start,
            end=c.span_end,
            claim_id=c.pk,
            status=c.status,
            title=f"{c.get_status_display()}: {c.text[:120]}",
        )
        for c in claims
    ]
    for link in article.snapshot.links or []:
        try:
            marks.append(
                highlighting.Mark(start=int(link["start"]), end=int(link["end"]), url=str(link["url"]))
            )
        except (KeyError, TypeError, ValueError):
            continue  # a malformed link record must not hide the article
    return marks


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("__str__", "url_display", "publisher", "analysis_state", "claims_n", "submitted_at")
    list_select_related = ("source",)
    list_filter = ("analysis_state", "input_kind")
    search_fields = ("title", "source__url", "publisher")
    readonly_fields = (
        "source",
        "snapshot",
        "input_kind",
        "content_sha256",
        "analysis_state",
        "analysis_error",
        "submitted_by",
        "submitted_at",
        "claims_link",
    )
    fields = ("title", "publisher", "published_at", "language", *readonly_fields)
    change_form_template = "claims/admin/article_change_form.html"

    class Media:
        css = {"all": ("claims/admin.css",)}
        js = ("claims/span-select.js", "claims/analysis-progress.js")

    def get_queryset(self, request):
        counted = (
            Claim.objects.filter(article=OuterRef("pk")).order_by().values("article").annotate(n=Count("pk"))
        )
        return (
            super().get_queryset(request).annotate(claims_count=Subquery(counted.values("n"), IntegerField()))
        )

    def has_add_permission(self, request):
        # Adding goes through the submission form below (ingestion), never a bare model form.
        return permissions.is_editor(request.user)

    def add_view(self, request, form_url="", extra_context=None):
        """Submit a URL, an HTML file or text for analysis; bad input is a form error, nothing stored."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = (
            ArticleSubmissionForm(request.POST, request.FILES)
            if request.method == "POST"
            else ArticleSubmissionForm()
        )
        if request.method == "POST" and form.is_valid():
            try:
                article = submit_article(submission=form.submission(), actor=request.user)
            except InvalidInput as exc:
                form.add_error(None, exc.message)
            else:
                if article.analysis_state == Article.AnalysisState.FAILED:  # without a worker it ran already
                    messages.warning(request, f"Article #{article.pk} submitted, but its analysis failed.")
                else:
                    state = article.get_analysis_state_display().lower()
                    messages.success(request, f"Article #{article.pk} submitted: {state}.")
                return HttpResponseRedirect(reverse("admin:claims_article_change", args=[article.pk]))
        adminform = helpers.AdminForm(form, FIELDSETS, {}, model_admin=self)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "adminform": adminform,
            "media": self.media + adminform.media,
            "title": "Add article",
        }
        return TemplateResponse(request, "claims/admin/article_add.html", context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/claim-from-span/",
                view(require_POST(self.claim_from_span_view)),
                name="claims_article_claim_from_span",
            ),
            path("<int:pk>/retry/", view(require_POST(self.retry_view)), name="claims_article_retry"),
            path("<int:pk>/analysis/", view(self.analysis_state_view), name="claims_article_analysis"),
            *super().get_urls(),
        ]

    def _analysis_context(self, request, article: Article) -> dict:
        """What the page says about the analysis: its step while it runs, or why it failed."""
        source = article.source
        failed = article.analysis_state == Article.AnalysisState.FAILED
        waiting = (
            article.analysis_state == Article.AnalysisState.FETCHING
            and source
            and failures.has_failed(source)
        )
        return {
            "analysis_pending": article.analysis_state in PENDING_STATES,
            "analysis_failed": failed,
            "analysis_steps": _steps(article),
            "can_retry": (failed or waiting) and permissions.is_editor(request.user),
            "fetch_detail": source.last_error if source and (failed or waiting) else "",
            "source_state": failures.state_text(source) if source and failures.has_failed(source) else "",
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        article = self.get_object(request, object_id)
        if article is not None:
            extra_context.update(self._analysis_context(request, article))
        if article is not None and article.snapshot_id:
            extra_context["article_html"] = highlighting.highlight(
                article.snapshot.text, article_marks(article, request.user)
            )
            extra_context["cited_links"] = highlighting.link_list(article.snapshot.links or [])
            extra_context["statuses"] = Claim.Status.choices
            extra_context["can_create_claim"] = permissions.is_editor(request.user)
            extra_context["other_version_claims"] = permissions.visible_claims(
                request.user, article.claims.exclude(snapshot_id=article.snapshot_id)
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def retry_view(self, request, pk):
        """Queue the analysis of a failed article again (its page fetched afresh); editors only."""
        if not permissions.is_editor(request.user):
            raise PermissionDenied
        article = get_object_or_404(Article, pk=pk)
        try:
            article = article_retry(article_id=article.pk, actor=request.user)
        except DomainError as exc:
            report_domain_error(request, exc)
        else:
            if article.analysis_state == Article.AnalysisState.FAILED:  # without a worker it ran already
                messages.warning(request, f"Retried, and it failed again: {article.analysis_error}")
            else:
                state = article.get_analysis_state_display().lower()
                messages.success(request, f"Retried: the analysis is {state}.")
        return HttpResponseRedirect(reverse("admin:claims_article_change", args=[article.pk]))

    def analysis_state_view(self, request, pk):
        """The analysis's state as JSON, for the article page to follow a long analysis."""
        article = get_object_or_404(Article, pk=pk)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        return JsonResponse(
            {"state": article.analysis_state, "label": article.get_analysis_state_display()},
            headers={"Cache-Control": "no-store"},
        )

    @admin.display(description="URL")
    def url_display(self, obj):
        return obj.url or "—"

    @admin.display(description="claims")
    def claims_n(self, obj):
        return obj.claims_count or 0

    @admin.display(description="claims")
    def claims_link(self, obj):
        url = reverse("admin:claims_claim_changelist") + f"?article={obj.pk}"
        return format_html('<a href="{}">{} claim(s) from this article</a>', url, obj.claims.count())

    @staticmethod
    def _offsets(request, text_length: int) -> tuple[int, int] | None:
        try:
            start, end = int(request.POST["span_start"]), int(request.POST["span_end"])
        except (KeyError, ValueError):
            return None
        return (start, end) if 0 <= start < end <= text_length else None

    @staticmethod
    def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
        """Shrink the span so that it neither starts nor ends with whitespace."""
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return start, end

    def claim_from_span_view(self, request, pk):
        """Create a claim from the posted span of the analysed text; bad offsets get a message instead."""
        if not permissions.is_editor(request.user):
            raise PermissionDenied
        article = get_object_or_404(Article.objects.select_related("snapshot"), pk=pk)
        back = reverse("admin:claims_article_change", args=[article.pk])
        text = article.snapshot.text if article.snapshot_id else ""
        offsets = self._offsets(request, len(text))
        start, end = self._trimmed(text, *offsets) if offsets else (0, 0)
        if start >= end:
            messages.error(
                request, "Select a part of the article text first (the selection was empty or invalid)."
            )
            return HttpResponseRedirect(back)
        try:
            claim = services.claim_create(
                actor=request.user,
                text=text[start:end],
                article=article,
                snapshot=article.snapshot,
                span=(start, end),
                kind=request.POST.get("kind") or Claim.Kind.OTHER,
                status=Claim.Status.OPEN if request.POST.get("accept") else Claim.Status.CANDIDATE,
            )
        except DomainError as exc:
            report_domain_error(request, exc)
            return HttpResponseRedirect(back)
        messages.success(
            request, f"Claim created from characters {start}–{end} ({claim.get_status_display()})."
        )
        actions.warn_without_claimant(request, [claim.pk])
        return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))


_STEPS = [
    (Article.AnalysisState.QUEUED, "Queued"),
    (Article.AnalysisState.FETCHING, "Fetching the page"),
    (Article.AnalysisState.ANALYSING, "Finding claims"),
    (Article.AnalysisState.DONE, "Done"),
]


def _steps(article: Article) -> list[dict]:
    """The analysis's steps, each done, current or to come (a document submitted as such is not fetched)."""
    steps = [
        s
        for s in _STEPS
        if s[0] != Article.AnalysisState.FETCHING or article.input_kind == Article.InputKind.URL
    ]
    names = [name for name, _label in steps]
    at = names.index(article.analysis_state) if article.analysis_state in names else -1
    return [
        {"label": label, "state": "done" if i < at else "current" if i == at else "todo"}
        for i, (_name, label) in enumerate(steps)
    ]
