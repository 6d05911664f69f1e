"""The claim status machine as data: which operation moves a claim from which statuses to which, and who may.

``claims.services`` guards every operation with :func:`check_transition`; ``claims.permissions`` decides
the roles; ``python manage.py workflow_graph`` draws this table, so the documentation cannot drift from it.
"""

from dataclasses import dataclass

from claims.errors import TransitionNotAllowed
from claims.models import Claim

S = Claim.Status

# Roles a transition may name. "assignee" is whoever the claim is assigned to (a reviewer or an editor);
# "system" is code acting without a user (a task reacting to a changed source). Superusers may do all.
EDITOR = "editor"
ASSIGNEE = "assignee"
SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    requires: str
    service: str


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "accept",
            (S.CANDIDATE,),
            S.OPEN,
            (EDITOR,),
            "nothing (triage: the claim is worth checking)",
            "claim_triage(accept=True)",
        ),
        Transition(
            "dismiss",
            (S.CANDIDATE, S.OPEN),
            S.DISMISSED,
            (EDITOR,),
            "a reason (kept on the claim and in the audit trail)",
            "claim_triage(accept=False)",
        ),
        Transition(
            "assign",
            (S.OPEN, S.RESEARCHING),
            S.RESEARCHING,
            (EDITOR,),
            "an active assignee in group Reviewer or Editor; optional due date (reassigning is allowed)",
            "claim_assign",
        ),
        Transition(
            "save_draft",
            (S.RESEARCHING,),
            S.RESEARCHING,
            (ASSIGNEE, EDITOR),
            "nothing; the actor's own draft verdict is created or replaced",
            "verdict_save_draft",
        ),
        Transition(
            "propose",
            (S.RESEARCHING,),
            S.IN_REVIEW,
            (ASSIGNEE, EDITOR),
            "a verdict with a rating and a one-line summary (the actor's draft becomes the proposal)",
            "verdict_propose",
        ),
        Transition(
            "withdraw_proposal",
            (S.IN_REVIEW,),
            S.RESEARCHING,
            (ASSIGNEE, EDITOR),
            "the proposal's author (an editor may take back anyone's) before it is approved; "
            "the proposed verdict becomes the author's draft again",
            "verdict_withdraw_proposal",
        ),
        Transition(
            "send_back",
            (S.IN_REVIEW,),
            S.RESEARCHING,
            (EDITOR,),
            "a comment for the author; the proposed verdict becomes a draft again",
            "claim_send_back",
        ),
        Transition(
            "approve",
            (S.IN_REVIEW,),
            S.PUBLISHED,
            (EDITOR,),
            "a proposed verdict with a rating and a summary that passes ClaimReview validation; "
            "the approver is not its author (two-person rule); a correction note when it replaces "
            "a published verdict",
            "verdict_approve",
        ),
        Transition(
            "withdraw",
            (S.PUBLISHED, S.NEEDS_UPDATE),
            S.OPEN,
            (EDITOR,),
            "a reason; the published verdict becomes withdrawn (no longer public)",
            "verdict_withdraw",
        ),
        Transition(
            "correct",
            (S.PUBLISHED, S.NEEDS_UPDATE),
            S.PUBLISHED,
            (EDITOR,),
            "a rating, a summary and a public correction note; the new verdict supersedes the published one",
            "verdict_correct",
        ),
        Transition(
            "reopen",
            (S.DISMISSED, S.DUPLICATE, S.PUBLISHED, S.NEEDS_UPDATE),
            S.OPEN,
            (EDITOR,),
            "nothing (optional comment); a published verdict stays public until a new one is approved",
            "claim_reopen",
        ),
        Transition(
            "merge",
            (S.CANDIDATE, S.OPEN, S.RESEARCHING),
            S.DUPLICATE,
            (EDITOR,),
            "a kept claim that is neither this claim nor a duplicate; evidence and cited sources move to it",
            "claim_merge",
        ),
        Transition(
            "flag_needs_update",
            (S.PUBLISHED,),
            S.NEEDS_UPDATE,
            (SYSTEM, EDITOR),
            "a reason (e.g. a cited source changed or disappeared)",
            "claim_flag_needs_update",
        ),
    )
}

INITIAL_STATUSES = (S.CANDIDATE, S.OPEN)

# Evidence is not a status change, but it follows the claim: it can be edited while the claim is being
# worked on, never once the verdict is public (a correction starts from needs_update or a reopen).
EVIDENCE_EDITABLE_STATUSES = (S.CANDIDATE, S.OPEN, S.RESEARCHING, S.IN_REVIEW, S.NEEDS_UPDATE)


def check_transition(name: str, current: str) -> Transition:
    """Return the transition ``name``; raise TransitionNotAllowed when it cannot start from ``current``."""
    transition = TRANSITIONS[name]
    if current not in transition.sources:
        raise TransitionNotAllowed(
            f"Cannot {name.replace('_', ' ')} a claim that is {S(current).label.lower()}.",
            current_status=current,
            wanted_status=transition.target,
            allowed_from=list(transition.sources),
        )
    return transition


def transitions_from(status: str) -> list[Transition]:
    """The transitions that can start from ``status``, in table order."""
    return [t for t in TRANSITIONS.values() if status in t.sources]


def _roles_label(transition: Transition) -> str:
    return ", ".join(transition.roles)


def as_mermaid() -> str:
    """The status machine as a Mermaid ``stateDiagram-v2`` (one edge per source status of a transition)."""
    lines = ["stateDiagram-v2"]
    lines += [f"    [*] --> {status}" for status in INITIAL_STATUSES]
    for t in TRANSITIONS.values():
        lines += [f"    {source} --> {t.target} : {t.name} ({_roles_label(t)})" for source in t.sources]
    return "\n".join(lines) + "\n"


def as_dot() -> str:
    """The status machine as a Graphviz ``digraph``."""
    lines = ["digraph claim_status {", "    rankdir=LR;", "    node [shape=box, style=rounded];"]
    lines.append('    start [shape=point, label=""];')
    lines += [f"    start -> {status};" for status in INITIAL_STATUSES]
    for t in TRANSITIONS.values():
        lines += [
            f'    {source} -> {t.target} [label="{t.name}\\n({_roles_label(t)})"];' for source in t.sources
        ]
    lines.append("}")
    return "\n".join(lines) + "\n"
