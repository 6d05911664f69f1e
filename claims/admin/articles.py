"""The article page: the analysed snapshot's text with every claim highlighted and its cited links marked.

A claim can be created from a span selected in that text (``span-select.js`` fills the offsets; the server
takes the claim text from the stored snapshot, never from the browser).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from claims import permissions, services
from claims.admin import highlighting
from claims.admin.article_submission import ArticleSubmissionForm
from claims.admin.errors import report_domain_error
from claims.errors import DomainError, InvalidInput
from claims.ingestion import submit_article
from claims.models import Article, Claim


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
        js = ("claims/span-select.js",)

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
                messages.success(
                    request,
                    f"Article #{article.pk} submitted: {article.get_analysis_state_display().lower()}.",
                )
                return HttpResponseRedirect(reverse("admin:claims_article_change", args=[article.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "title": "Add article",
        }
        return TemplateResponse(request, "claims/admin/article_add.html", context)

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.claim_from_span_view))
        return [
            path("<int:pk>/claim-from-span/", view, name="claims_article_claim_from_span"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        article = self.get_object(request, object_id)
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
        return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))
