"""The claim page's workflow buttons: accept, dismiss, assign, and withdraw a proposal, for one claim.

Only what the user may start from the claim's current status is offered (``permissions.allowed_transitions``,
from the table in ``claims.workflow``). Each button is a POST form carrying the claim version it was rendered
from; :func:`claim_action_view` calls the service and reports a refusal as a message, never a traceback.
Proposing, sending back, approving and correcting have their own pages (research, adjudicate, correct).
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse

from claims import permissions, services
from claims.admin import actions
from claims.admin.errors import report_domain_error
from claims.admin.forms import VersionedForm
from claims.errors import DomainError
from claims.models import Claim, Verdict


class AcceptForm(VersionedForm):
    pass


class DismissForm(actions.DismissForm, VersionedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "A reason is required to dismiss a claim."
        self.fields["reason"].help_text = "Why this claim is not checked (kept on the claim)."


class AssignForm(actions.AssignForm, VersionedForm):
    pass


class WithdrawProposalForm(VersionedForm):
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional: why (kept in the audit trail).",
    )


@dataclass(frozen=True)
class PageAction:
    form: type[forms.Form]
    label: str
    done: str  # formatted with the form's fields
    service: Callable  # called with claim, actor, expected_version and the form's other fields


PAGE_ACTIONS = {
    "accept": PageAction(
        AcceptForm,
        "Accept",
        "Accepted: the claim is open for research.",
        functools.partial(services.claim_triage, accept=True),
    ),
    "dismiss": PageAction(
        DismissForm, "Dismiss", "Dismissed.", functools.partial(services.claim_triage, accept=False)
    ),
    "assign": PageAction(AssignForm, "Assign", "Assigned to {assignee}.", services.claim_assign),
    "withdraw_proposal": PageAction(
        WithdrawProposalForm,
        "Withdraw the proposal",
        "Proposal withdrawn: the verdict is a draft again.",
        services.verdict_withdraw_proposal,
    ),
}


def _label(name: str, user, claim: Claim) -> str:
    if name == "withdraw_proposal":
        proposed = claim.verdicts.filter(state=Verdict.State.PROPOSED, author=user)
        if proposed.exists():
            return "Withdraw my proposal"
    if name == "assign" and claim.assignee_id:
        return "Reassign"
    return PAGE_ACTIONS[name].label


def page_actions(user, claim: Claim, *, return_to: str = "") -> list[dict]:
    """The claim page's buttons this user may press now: name, label, URL and an unbound form."""
    buttons = []
    for name in permissions.allowed_transitions(user, claim):
        if name not in PAGE_ACTIONS:
            continue
        initial = {"version": claim.version}
        if name == "assign":
            initial.update(assignee=claim.assignee_id, due_date=claim.due_date)
        buttons.append(
            {
                "name": name,
                "label": _label(name, user, claim),
                "url": reverse("admin:claims_claim_act", args=[claim.pk, name]),
                "form": PAGE_ACTIONS[name].form(initial=initial, prefix=name),
                "return_to": return_to,
            }
        )
    return buttons


def claim_action_view(model_admin, request, pk, name):
    """POST only: run one page action on claim ``pk``; back to the claim page (or the research page)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    action = PAGE_ACTIONS.get(name)
    if action is None:
        raise Http404("Unknown action.")
    claim = get_object_or_404(permissions.visible_claims(request.user), pk=pk)
    form = action.form(request.POST, prefix=name)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            action.service(claim=claim, actor=request.user, expected_version=version, **data)
        except DomainError as exc:
            report_domain_error(request, exc)
        else:
            messages.success(request, action.done.format(**data))
            if name in ("accept", "assign"):
                actions.warn_without_claimant(request, [claim.pk])
    page = "research" if request.POST.get("return_to") == "research" else "change"
    return HttpResponseRedirect(reverse(f"admin:claims_claim_{page}", args=[claim.pk]))
