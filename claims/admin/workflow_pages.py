"""The claim's workflow pages: research (reviewer), adjudication (editor) and correction (editor).

Every write calls a service; a refusal (wrong status, two-person rule, stale version, missing field) comes
back as a message on the page, never a traceback. Forms carry the claim version they were rendered from.
Fetched text (article, snapshots, excerpts) is escaped by ``highlighting``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from claims import permissions, services
from claims.admin import claim_actions, display, forms, highlighting
from claims.admin.errors import report_domain_error
from claims.errors import DomainError
from claims.models import Claim, Claimant, Evidence, Verdict
from sources import failures
from sources.models import Source

STANCE_ORDER = ["supports", "refutes", "context", "unknown", "unrelated"]
NO_CLAIMANT = "This claim has no claimant: set one before it can be published."
CONTEXT_CHARS = 300


def article_context(claim: Claim):
    """The claim's sentence in the article text with some text around it, escaped; None without a span."""
    snapshot = claim.snapshot or (claim.article.snapshot if claim.article_id else None)
    if snapshot is None or claim.span_start is None or claim.span_end > len(snapshot.text):
        return None
    start = max(0, claim.span_start - CONTEXT_CHARS)
    end = min(len(snapshot.text), claim.span_end + CONTEXT_CHARS)
    window = highlighting.highlight_excerpt(
        snapshot.text[start:end], claim.span_start - start, claim.span_end - start
    )
    return format_html("{}{}{}", "…" if start else "", window, "…" if end < len(snapshot.text) else "")


def evidence_snapshot(evidence: Evidence):
    """The snapshot the evidence was read in, or else the source's latest one (None before the first pull)."""
    return evidence.snapshot or evidence.source.latest_snapshot


def evidence_rows(claim: Claim, *, with_full_text: bool = False) -> list[dict]:
    rows = []
    for ev in claim.evidence.filter(dismissed=False).select_related("source", "snapshot", "added_by"):
        snap = evidence_snapshot(ev)
        row = {"evidence": ev, "snapshot": snap, "source_url": ev.source.url}
        row["clickable"] = ev.source.url.lower().startswith(("http://", "https://"))
        if snap is not None and ev.excerpt_start is not None and ev.excerpt_end <= len(snap.text):
            lo = max(0, ev.excerpt_start - CONTEXT_CHARS)
            hi = min(len(snap.text), ev.excerpt_end + CONTEXT_CHARS)
            row["excerpt_html"] = highlighting.highlight_excerpt(
                snap.text[lo:hi], ev.excerpt_start - lo, ev.excerpt_end - lo
            )
        if with_full_text:
            if snap is not None:
                row["text_html"] = highlighting.highlight_excerpt(snap.text, ev.excerpt_start, ev.excerpt_end)
            initial = {"evidence": ev.pk, "stance": ev.stance, "note": ev.note}
            if ev.excerpt_typed:
                initial["typed_excerpt"] = ev.excerpt
            row["form"] = forms.EvidenceUpdateForm(initial=initial, prefix=f"ev{ev.pk}")
        rows.append(row)
    return rows


def never_archived(rows: list[dict]) -> list[dict]:
    """The evidence rows a verdict may rest on that have no archived copy (unrelated ones aside)."""
    return [r for r in rows if r["snapshot"] is None and r["evidence"].stance != Evidence.Stance.UNRELATED]


def grouped_by_stance(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    labels = dict(Evidence.Stance.choices)
    return [
        (labels[stance], [r for r in rows if r["evidence"].stance == stance])
        for stance in STANCE_ORDER
        if any(r["evidence"].stance == stance for r in rows)
    ]


def _claim_for(request, pk) -> Claim:
    """The claim if the user may see it; 404 otherwise (a reviewer learns nothing of others' claims)."""
    claim = get_object_or_404(
        Claim.objects.select_related(
            "article__source", "article__snapshot", "snapshot", "assignee", "claimant"
        ),
        pk=pk,
    )
    if not permissions.can_view_claim(request.user, claim):
        raise Http404("No claim matches the given query.")
    return claim


def _base_context(model_admin, request, claim: Claim, title: str) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": Claim._meta,
        "claim": claim,
        "badge": display.status_badge(claim.status),
        "due": display.due_display(claim),
        "context_html": article_context(claim),
        "events": claim.events.select_related("actor"),
        "is_editor": permissions.is_editor(request.user),
    }


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _call(request, operation, success) -> bool:
    """Run the service call; report its error, or ``success`` (a text, or a function of the result)."""
    try:
        result = operation()
    except DomainError as exc:
        report_domain_error(request, exc)
        return False
    text = success(result) if callable(success) else success
    if text:  # a callable that reported the outcome itself returns None
        messages.success(request, text)
    return True


def _evidence_added(request, evidence: Evidence) -> str | None:
    """Say where the evidence's archived copy stands (without a worker the pull ran in this request)."""
    source = Source.objects.get(pk=evidence.source_id)
    if failures.has_failed(source):
        retry = "Retry now on the source's page pulls it again."
        if source.state == Source.State.RETRYING and failures.pulls_need_worker():
            retry = "No worker runs here, so the retry waits for one; " + retry
        excerpt = (
            "The excerpt you typed is kept, marked as typed."
            if evidence.excerpt_typed
            else "Type or paste the excerpt from the page."
        )
        messages.warning(
            request,
            f"Evidence added, but its page could not be archived: {failures.state_text(source)}: "
            f"{failures.plain_reason(source)} {excerpt} {retry}",
        )
        return None
    if source.state == Source.State.OK:
        return "Evidence added; its page is archived."
    if failures.pulls_need_worker():
        return (
            "Evidence added; its page waits to be pulled (no worker runs here: Pull now on the source page)."
        )
    return "Evidence added; its page is being archived."


def _claimant_context(request, claim: Claim) -> dict:
    """The claimant form, for editors and the assignee until the claim has a public verdict."""
    allowed = permissions.is_editor(request.user) or permissions.is_assignee(request.user, claim)
    if not allowed or services.claim_has_public_verdict(claim.pk):
        return {"claimant_form": None}
    known = (
        Claimant.objects.filter(claims__article_id=claim.article_id).distinct() if claim.article_id else []
    )
    return {
        "claimant_form": forms.ClaimantSetForm(initial={"version": claim.version}, prefix="claimant"),
        # The article's other speakers are the likely claimants; any name may still be typed.
        "known_claimants": list(known[:50]),
    }


def _set_claimant(request, claim: Claim) -> None:
    form = forms.ClaimantSetForm(request.POST, prefix="claimant")
    if not form.is_valid():
        return _form_errors(request, form)
    data = form.cleaned_data
    _call(
        request,
        lambda: services.claim_set_claimant(
            claim=claim,
            actor=request.user,
            name=data["name"],
            kind=data["kind"],
            description=data["description"],
            expected_version=data["version"],
        ),
        lambda updated: f"Claimant set: {updated.claimant.name}.",
    )


def _warn_without_claimant(request, claim: Claim) -> None:
    if claim.claimant_id is None:
        messages.warning(request, NO_CLAIMANT)


def _unarchived_confirmed(request, claim: Claim, form) -> bool:
    """Whether the editor may approve as far as unarchived evidence goes: none, or the box was ticked.

    Read again at approval: a source archived since the page was rendered no longer needs the tick.
    """
    missing = never_archived(evidence_rows(claim))
    if missing and not form.cleaned_data["confirm_unarchived"]:
        messages.error(
            request,
            f"Not published: {len(missing)} piece(s) of evidence were never archived, so what they say "
            "cannot be checked later. Check them, then tick “Publish anyway” to approve.",
        )
        return False
    return True


def adjudicate_view(model_admin, request, pk):
    """Approve & publish or send back the proposed verdict (editors)."""
    if not permissions.is_editor(request.user):
        raise PermissionDenied
    claim = _claim_for(request, pk)
    here = reverse("admin:claims_claim_adjudicate", args=[claim.pk])
    if request.method == "POST":
        if "approve" in request.POST:
            form = forms.ApproveForm(request.POST)
            if (
                form.is_valid()
                and _unarchived_confirmed(request, claim, form)
                and _call(
                    request,
                    lambda: services.verdict_approve(
                        claim=claim, actor=request.user, expected_version=form.cleaned_data["version"]
                    ),
                    "Verdict approved and published.",
                )
            ):
                return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))
        elif "set_claimant" in request.POST:
            _set_claimant(request, claim)
        elif "send_back" in request.POST:
            form = forms.SendBackForm(request.POST)
            if not form.is_valid():
                _form_errors(request, form)
            elif _call(
                request,
                lambda: services.claim_send_back(
                    claim=claim,
                    actor=request.user,
                    comment=form.cleaned_data["comment"],
                    expected_version=form.cleaned_data["version"],
                ),
                "Verdict sent back to the reviewer.",
            ):
                return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))
        return HttpResponseRedirect(here)
    proposed = (
        claim.verdicts.filter(state=Verdict.State.PROPOSED)
        .select_related("rating", "author")
        .order_by("-id")
        .first()
    )
    rows = evidence_rows(claim)
    context = _base_context(model_admin, request, claim, f"Adjudicate claim #{claim.pk}")
    context.update(
        verdict=proposed,
        evidence_groups=grouped_by_stance(rows),
        never_archived=never_archived(rows),
        approve_form=forms.ApproveForm(initial={"version": claim.version}),
        send_back_form=forms.SendBackForm(initial={"version": claim.version}),
        **_claimant_context(request, claim),
    )
    return TemplateResponse(request, "claims/admin/adjudicate.html", context)


def correct_view(model_admin, request, pk):
    """Publish a correction of the published verdict, with a public correction note (editors)."""
    if not permissions.is_editor(request.user):
        raise PermissionDenied
    claim = _claim_for(request, pk)
    published = claim.verdicts.filter(state=Verdict.State.PUBLISHED).select_related("rating").first()
    pending = (
        claim.verdicts.filter(state=Verdict.State.PROPOSED, supersedes__isnull=False)
        .select_related("rating", "author")
        .first()
    )
    form = forms.CorrectionForm(request.POST or None, initial=_verdict_initial(claim, published))
    if request.method == "POST" and "approve_rerating" in request.POST:
        approve = forms.ApproveForm(request.POST)
        if not approve.is_valid():
            _form_errors(request, approve)
        elif _call(
            request,
            lambda: services.verdict_approve(
                claim=claim, actor=request.user, expected_version=approve.cleaned_data["version"]
            ),
            "Re-rating approved and published.",
        ):
            return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))
    elif request.method == "POST":
        if not form.is_valid():
            _form_errors(request, form)
        elif _call(
            request,
            lambda: services.verdict_correct(
                claim=claim,
                actor=request.user,
                rating=form.cleaned_data["rating"],
                summary=form.cleaned_data["summary"],
                explanation=form.cleaned_data["explanation"],
                correction_note=form.cleaned_data["correction_note"],
                expected_version=form.cleaned_data["version"],
            ),
            # With the two-person rule a re-rating waits for another editor (services.verdict_correct).
            lambda verdict: (
                "Correction published."
                if verdict.state == Verdict.State.PUBLISHED
                else "Re-rating saved: it waits for another editor's approval; the published verdict stays "
                "public meanwhile."
            ),
        ):
            return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))
    context = _base_context(model_admin, request, claim, f"Correct the verdict on claim #{claim.pk}")
    context.update(
        verdict=published,
        form=form,
        pending=pending,
        approve_form=forms.ApproveForm(initial={"version": claim.version}),
    )
    return TemplateResponse(request, "claims/admin/correct.html", context)


def _verdict_initial(claim: Claim, verdict: Verdict | None) -> dict:
    initial = {"version": claim.version}
    if verdict is not None:
        initial.update(rating=verdict.rating_id, summary=verdict.summary, explanation=verdict.explanation)
    return initial


def research_view(model_admin, request, pk):
    """The reviewer's claim page: evidence by URL, stance and excerpt, and the verdict draft/proposal."""
    claim = _claim_for(request, pk)
    here = reverse("admin:claims_claim_research", args=[claim.pk])
    if request.method == "POST":
        _research_post(request, claim)
        return HttpResponseRedirect(here)
    draft = (
        claim.verdicts.filter(author=request.user, state__in=[Verdict.State.DRAFT, Verdict.State.PROPOSED])
        .order_by("-id")
        .first()
    )
    context = _base_context(model_admin, request, claim, f"Research claim #{claim.pk}")
    context.update(
        evidence=evidence_rows(claim, with_full_text=True),
        add_form=forms.EvidenceAddForm(),
        draft=draft,
        verdict_form=forms.VerdictForm(initial=_verdict_initial(claim, draft)),
        can_work=claim.assignee_id == request.user.pk,
        # Only what the workflow allows in this status: no button that can only be refused.
        allowed=permissions.allowed_transitions(request.user, claim),
        can_edit_evidence=claim.assignee_id == request.user.pk
        and permissions.can_edit_evidence(request.user, claim),
        withdraw_actions=[
            a
            for a in claim_actions.page_actions(request.user, claim, return_to="research")
            if a["name"] == "withdraw_proposal"
        ],
        **_claimant_context(request, claim),
    )
    return TemplateResponse(request, "claims/admin/research.html", context)


def _research_post(request, claim: Claim) -> None:
    if "add_evidence" in request.POST:
        form = forms.EvidenceAddForm(request.POST)
        if not form.is_valid():
            return _form_errors(request, form)
        data = form.cleaned_data
        _call(
            request,
            lambda: services.evidence_add(
                claim=claim,
                actor=request.user,
                url=data["url"],
                stance=data["stance"],
                note=data["note"],
                excerpt=data["excerpt"],
                excerpt_typed=bool(data["excerpt"].strip()),
            ),
            lambda evidence: _evidence_added(request, evidence),
        )
    elif "set_claimant" in request.POST:
        _set_claimant(request, claim)
    elif "update_evidence" in request.POST:
        _update_evidence(request, claim, request.POST["update_evidence"])
    elif "save_draft" in request.POST or "propose" in request.POST:
        form = forms.VerdictForm(request.POST)
        if not form.is_valid():
            return _form_errors(request, form)
        data = form.cleaned_data
        service = services.verdict_propose if "propose" in request.POST else services.verdict_save_draft
        proposed = _call(
            request,
            lambda: service(
                claim=claim,
                actor=request.user,
                rating=data["rating"],
                summary=data["summary"],
                explanation=data["explanation"],
                expected_version=data["version"],
            ),
            "Verdict proposed for review." if "propose" in request.POST else "Draft saved.",
        )
        if proposed and "propose" in request.POST:
            _warn_without_claimant(request, claim)


def _update_evidence(request, claim: Claim, evidence_id: str) -> None:
    if not evidence_id.isdigit():
        raise Http404
    evidence = get_object_or_404(claim.evidence.select_related("source", "snapshot"), pk=int(evidence_id))
    form = forms.EvidenceUpdateForm(request.POST, prefix=f"ev{evidence.pk}")
    if not form.is_valid():
        return _form_errors(request, form)
    data = form.cleaned_data
    changes = {"stance": data["stance"], "note": data["note"]}
    if data["excerpt_start"] is None:
        changes.update(_typed_excerpt_changes(evidence, data["typed_excerpt"].strip()))
    else:
        snap = evidence_snapshot(evidence)
        text = snap.text if snap is not None else ""
        if data["excerpt_end"] > len(text):
            messages.error(request, "The selected excerpt is outside the archived text; select it again.")
            return None
        # The excerpt is cut from the stored snapshot: the browser sends offsets, never the text.
        changes.update(
            excerpt=text[data["excerpt_start"] : data["excerpt_end"]],
            excerpt_start=data["excerpt_start"],
            excerpt_end=data["excerpt_end"],
        )
    _call(
        request,
        lambda: services.evidence_update(evidence=evidence, actor=request.user, **changes),
        "Evidence updated.",
    )


def _typed_excerpt_changes(evidence: Evidence, typed: str) -> dict:
    """A new typed excerpt, or none when the reviewer emptied the box; a selection would win over both."""
    if typed and not (evidence.excerpt_typed and typed == evidence.excerpt):
        return {"excerpt": typed, "excerpt_typed": True}
    if evidence.excerpt_typed and not typed:
        return {"excerpt": "", "excerpt_typed": False}
    return {}
