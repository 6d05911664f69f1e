"""Bulk actions on the claims changelist: each calls a service once per claim and reports the outcome.

A claim the service refuses is left as it was; the message says how many succeeded, how many were
already in the wanted state, and for the rest why they were refused, grouped (e.g. "3 claims were not in
status candidate (open: 2, published: 1)"). Each claim is its own transaction (the service's).
"""

from collections import Counter, defaultdict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.template.response import TemplateResponse

from claims import services
from claims.admin.errors import explain
from claims.errors import DomainError, TransitionNotAllowed
from claims.models import Claim


def _plural(n: int) -> str:
    return f"{n} claim" if n == 1 else f"{n} claims"


def run_each(request, claims, operation, *, done: str, allowed_from: str) -> None:
    """Call ``operation(claim)`` for each claim and report: done, unchanged, refused (grouped by reason)."""
    changed = unchanged = 0
    wrong_status: Counter = Counter()
    other: defaultdict = defaultdict(int)
    for claim in claims:
        before = claim.version
        try:
            operation(claim)
        except TransitionNotAllowed as exc:
            wrong_status[exc.details.get("current_status") or claim.status] += 1
            continue
        except DomainError as exc:
            other[explain(exc)] += 1
            continue
        # Services bump the version on every write and leave it alone on a no-op repeat.
        if Claim.objects.filter(pk=claim.pk).values_list("version", flat=True).first() == before:
            unchanged += 1
        else:
            changed += 1
    parts = [f"{done}: {_plural(changed)}."]
    if unchanged:
        parts.append(f"{_plural(unchanged)} already had that status (nothing changed).")
    if wrong_status:
        breakdown = ", ".join(f"{status}: {n}" for status, n in sorted(wrong_status.items()))
        parts.append(
            f"{_plural(sum(wrong_status.values()))} were not in status {allowed_from} ({breakdown})."
        )
    for reason, n in other.items():
        parts.append(f"{_plural(n)} refused: {reason}")
    level = messages.SUCCESS if not (wrong_status or other) else messages.WARNING
    if changed == 0 and (wrong_status or other):
        level = messages.ERROR
    messages.add_message(request, level, " ".join(parts))


def warn_without_claimant(request, claim_ids) -> None:
    """Warn (not refuse) about accepted or assigned claims that cannot be published without a claimant."""
    missing = list(
        Claim.objects.filter(pk__in=claim_ids, claimant__isnull=True)
        .filter(status__in=[Claim.Status.OPEN, Claim.Status.RESEARCHING])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not missing:
        return
    ids = ", ".join(f"#{pk}" for pk in missing[:20]) + (", ..." if len(missing) > 20 else "")
    if len(missing) == 1:
        text = f"This claim has no claimant: set one before it can be published ({ids})."
    else:
        text = f"{len(missing)} claims have no claimant: set one on each before it can be published ({ids})."
    messages.warning(request, text)


class DismissForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Why these are not checked.")


def assignable_users():
    return (
        get_user_model()
        .objects.filter(Q(groups__name__in=["Reviewer", "Editor"]) | Q(is_superuser=True), is_active=True)
        .distinct()
        .order_by("username")
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=get_user_model().objects.none())
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_users()


class MergeForm(forms.Form):
    keep = forms.ModelChoiceField(queryset=Claim.objects.none(), widget=forms.RadioSelect, empty_label=None)

    def __init__(self, *args, claims=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = claims
        self.fields["keep"].label = "Keep this claim; the others become its duplicates"


class ReopenForm(forms.Form):
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _intermediate(modeladmin, request, queryset, *, form, title: str, action: str, button: str):
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "form": form,
        "claims": queryset,
        "action": action,
        "button": button,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "claims/admin/action_form.html", context)


@admin.action(description="Accept selected claims (candidate → open)", permissions=["workflow"])
def accept(modeladmin, request, queryset):
    # The ids first: the changelist's filters (e.g. status=candidate) no longer match once accepted.
    selected = list(queryset.values_list("pk", flat=True))
    run_each(
        request,
        queryset,
        lambda c: services.claim_triage(claim=c, actor=request.user, accept=True),
        done="Accepted",
        allowed_from="candidate",
    )
    warn_without_claimant(request, selected)


@admin.action(description="Dismiss selected claims (with a reason)…", permissions=["workflow"])
def dismiss(modeladmin, request, queryset):
    form = DismissForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        run_each(
            request,
            queryset,
            lambda c: services.claim_triage(claim=c, actor=request.user, accept=False, reason=reason),
            done="Dismissed",
            allowed_from="candidate",
        )
        return None
    return _intermediate(
        modeladmin, request, queryset, form=form, title="Dismiss claims", action="dismiss", button="Dismiss"
    )


@admin.action(description="Assign selected claims to a reviewer…", permissions=["workflow"])
def assign(modeladmin, request, queryset):
    form = AssignForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        data = form.cleaned_data
        selected = list(queryset.values_list("pk", flat=True))
        run_each(
            request,
            queryset,
            lambda c: services.claim_assign(
                claim=c,
                actor=request.user,
                assignee=data["assignee"],
                due_date=data["due_date"],
                comment=data["comment"],
            ),
            done=f"Assigned to {data['assignee'].get_username()}",
            allowed_from="open or researching",
        )
        warn_without_claimant(request, selected)
        return None
    return _intermediate(
        modeladmin, request, queryset, form=form, title="Assign claims", action="assign", button="Assign"
    )


@admin.action(description="Merge selected claims as duplicates of one…", permissions=["workflow"])
def merge(modeladmin, request, queryset):
    claims = queryset.order_by("id")
    if claims.count() < 2:
        messages.error(request, "Select at least two claims to merge.")
        return None
    form = MergeForm(request.POST if "apply" in request.POST else None, claims=claims)
    if form.is_valid():
        keep = form.cleaned_data["keep"]
        run_each(
            request,
            claims.exclude(pk=keep.pk),
            lambda c: services.claim_merge(duplicate=c, keep=keep, actor=request.user),
            done=f"Merged into claim #{keep.pk}",
            allowed_from="open or researching",
        )
        return None
    return _intermediate(
        modeladmin, request, claims, form=form, title="Merge duplicate claims", action="merge", button="Merge"
    )


@admin.action(description="Reopen selected claims…", permissions=["workflow"])
def reopen(modeladmin, request, queryset):
    form = ReopenForm(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        comment = form.cleaned_data["comment"]
        run_each(
            request,
            queryset,
            lambda c: services.claim_reopen(claim=c, actor=request.user, comment=comment),
            done="Reopened",
            allowed_from="dismissed, duplicate, published or needs update",
        )
        return None
    return _intermediate(
        modeladmin, request, queryset, form=form, title="Reopen claims", action="reopen", button="Reopen"
    )
