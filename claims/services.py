"""The only writers of claim status, claim version, verdict state and the claim audit trail.

Every operation runs in one transaction and, in this order: locks the claim row; checks that the actor's
role allows it (NotPermitted); validates the input (InvalidInput); returns unchanged when the claim is
already where the request wants it (no new version, no event); checks ``expected_version`` (StaleVersion);
guards the current status against ``claims.workflow`` (TransitionNotAllowed); writes with the author and
reason recorded by django-simple-history; bumps ``Claim.version``; records a ``ClaimEvent``. Signals go
out only after commit. The admin, the API, management commands and tasks all call these functions.

The returned objects are fresh from the database; an instance passed in is not updated.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from claims import bulk_rows, signals, workflow
from claims.claimreview import PROBLEMS, claimreview_problems
from claims.detection.claimants import normalize_name
from claims.errors import InvalidInput, NotPermitted, StaleVersion, TransitionNotAllowed
from claims.models import Claim, Claimant, ClaimAppearance, ClaimEvent, ClaimMatch, Evidence, Rating, Verdict
from claims.permissions import is_assignee, is_editor, is_reviewer, may_perform
from sources.errors import InvalidURL
from sources.models import Source
from sources.services import request_pull, source_for_url

S = Claim.Status
V = Verdict.State
SUMMARY_MAX = Verdict._meta.get_field("summary").max_length


# --- shared steps -----------------------------------------------------------------------------------


def _lock(claim: Claim) -> Claim:
    return Claim.objects.select_for_update().get(pk=claim.pk)


def _who(actor) -> str:
    return "The system" if actor is None else (getattr(actor, "username", "") or "This user")


def _require(actor, name: str, claim: Claim) -> None:
    if not may_perform(actor, name, claim):
        raise NotPermitted(
            f"{_who(actor)} may not {name.replace('_', ' ')} this claim.",
            transition=name,
            allowed_roles=list(workflow.TRANSITIONS[name].roles),
        )


def _check_version(claim: Claim, expected_version) -> None:
    if expected_version is None:
        return
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise InvalidInput("expected_version must be a whole number.", field="expected_version") from None
    if expected != claim.version:
        raise StaleVersion(
            f"The claim changed since you loaded it (version {expected}, now {claim.version}); "
            "reload it and try again.",
            current_version=claim.version,
            current_status=claim.status,
        )


def _required_text(value, field: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"{what} is required.", field=field)
    return value


def _reason(action: str, comment: str = "") -> str:
    return f"{action}: {comment}" if comment else action


def _save_with_history(instance, *, actor, reason: str, **save_kwargs) -> None:
    # simple-history reads these at save time; without them a task's write would be attributed to
    # whichever user the middleware saw last in this thread.
    instance._history_user = actor
    instance._change_reason = reason
    instance.save(**save_kwargs)


def _commit(claim, *, actor, action, from_status, fields=(), comment="", data=None) -> None:
    """Save ``fields`` of the locked claim with a new version and record the audit event."""
    claim.version += 1
    _save_with_history(
        claim,
        actor=actor,
        reason=_reason(action, comment),
        update_fields=[*fields, "version", "updated_at"],
    )
    ClaimEvent.objects.create(
        claim=claim,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=claim.status,
        comment=comment,
        data=data or {},
    )


def _published(claim: Claim) -> Verdict | None:
    return claim.verdicts.filter(state=V.PUBLISHED).first()


def _proposed(claim: Claim) -> Verdict | None:
    return claim.verdicts.filter(state=V.PROPOSED).first()


def _clean_rating(rating) -> Rating | None:
    if rating is None:
        return None
    if not isinstance(rating, Rating):
        rating = Rating.objects.filter(pk=rating).first()
        if rating is None:
            raise InvalidInput("Unknown rating.", field="rating")
    if not rating.is_active:
        raise InvalidInput(f"The rating {rating.label!r} is no longer in use.", field="rating")
    return rating


def _clean_summary(summary: str) -> str:
    summary = (summary or "").strip()
    if len(summary) > SUMMARY_MAX:
        raise InvalidInput(f"The summary must be at most {SUMMARY_MAX} characters.", field="summary")
    if "\n" in summary:
        raise InvalidInput("The summary is one line.", field="summary")
    return summary


def _publication_problems(verdict: Verdict) -> list[str]:
    """Codes of what a verdict misses to be published: ClaimReview's required fields, and a summary."""
    problems = claimreview_problems(verdict)
    if not verdict.summary:
        problems.append("summary")
    return problems


PUBLICATION_PROBLEMS = {**PROBLEMS, "summary": "Write a one-line summary of the verdict before publishing"}


def _require_publishable(verdict: Verdict) -> None:
    problems = _publication_problems(verdict)
    if problems:
        todo = " ".join(f"{PUBLICATION_PROBLEMS[code]}." for code in problems)
        raise InvalidInput(f"This verdict cannot be published yet. {todo}", problems=problems)


# --- claims -----------------------------------------------------------------------------------------


def claim_create(
    *,
    actor,
    text,
    article=None,
    snapshot=None,
    span=None,
    claimant=None,
    kind="other",
    checkworthiness=None,
    cited_sources=(),
    status="candidate",
    restatement="",
) -> Claim:
    """Create a claim (candidate, or open when an editor enters it directly); InvalidInput on bad fields.

    ``actor`` None is the system (detection), which creates candidates only.
    """
    if status not in workflow.INITIAL_STATUSES:
        raise InvalidInput("A new claim is a candidate or open.", field="status")
    allowed = is_editor(actor) if actor is not None else status == S.CANDIDATE
    if not allowed:
        raise NotPermitted(f"{_who(actor)} may not create {status} claims.")
    text = _required_text(text, "text", "The claim text")
    if kind not in Claim.Kind.values:
        raise InvalidInput(f"Unknown kind {kind!r}.", field="kind")
    if checkworthiness is not None and not 0 <= checkworthiness <= 1:
        raise InvalidInput("checkworthiness is between 0 and 1.", field="checkworthiness")
    if snapshot is None and article is not None:
        snapshot = article.snapshot
    span_start, span_end = _clean_span(span, snapshot)
    with transaction.atomic():
        claim = Claim(
            article=article,
            snapshot=snapshot,
            span_start=span_start,
            span_end=span_end,
            text=text,
            restatement=(restatement or "").strip(),
            claimant=claimant,
            kind=kind,
            checkworthiness=checkworthiness,
            status=status,
        )
        _save_with_history(claim, actor=actor, reason="create")
        if cited_sources:
            claim.cited_sources.add(*cited_sources)
        ClaimEvent.objects.create(claim=claim, actor=actor, action="create", from_status="", to_status=status)
        signals.send_on_commit(signals.claims_created, sender=Claim, claim_ids=[claim.pk])
    return claim


def claims_create_detected(*, article, snapshot, detected: list[dict]) -> list[Claim]:
    """Create the candidate claims detection proposed for one snapshot of an article, in bulk.

    The system's counterpart of ``claim_create`` for many claims at once (one query per table rather than
    five per claim): each item has text, span, kind, checkworthiness, claimant and cited_sources.
    InvalidInput on a span outside the snapshot text or an unknown kind.
    """
    claims, kinds = [], set(Claim.Kind.values)  # the enum builds its list of values at every access
    for item in detected:
        if item["kind"] not in kinds:
            raise InvalidInput(f"Unknown kind {item['kind']!r}.", field="kind")
        span_start, span_end = _clean_span(item["span"], snapshot)
        claims.append(
            Claim(
                article=article,
                snapshot=snapshot,
                span_start=span_start,
                span_end=span_end,
                text=_required_text(item["text"], "text", "The claim text"),
                claimant=item.get("claimant"),
                kind=item["kind"],
                checkworthiness=item.get("checkworthiness"),
                status=S.CANDIDATE,
            )
        )
    if not claims:
        return []
    with transaction.atomic(savepoint=False):  # inside the analysis' transaction: no savepoint needed
        claims = Claim.objects.bulk_create(claims)
        # History rows and events copied from the claim rows by the database (see claims/bulk_rows.py).
        bulk_rows.insert_history(Claim, claims, change_reason="create: proposed by detection")
        through = Claim.cited_sources.through
        through.objects.bulk_create(
            [
                through(claim_id=claim.pk, source_id=source.pk)
                for claim, item in zip(claims, detected, strict=True)
                for source in {s.pk: s for s in item.get("cited_sources", ())}.values()
            ]
        )
        bulk_rows.insert_rows_per(
            ClaimEvent,
            Claim,
            [claim.pk for claim in claims],
            link="claim",
            constants={
                "actor": None,
                "action": "create",
                "from_status": "",
                "to_status": S.CANDIDATE,
                "comment": "",
                "data": {},
                "created_at": timezone.now(),
            },
        )
        signals.send_on_commit(signals.claims_created, sender=Claim, claim_ids=[c.pk for c in claims])
    return claims


def _clean_span(span, snapshot) -> tuple[int | None, int | None]:
    if span is None:
        return None, None
    if snapshot is None:
        raise InvalidInput("A span needs the snapshot whose text it points into.", field="span")
    try:
        start, end = span
    except (TypeError, ValueError):
        raise InvalidInput("span is a pair of character offsets (start, end).", field="span") from None
    return _offsets(start, end, snapshot, field="span")


def _offsets(start, end, snapshot, *, field: str) -> tuple[int, int]:
    """Character offsets into the snapshot's text (when known); InvalidInput naming ``field`` otherwise."""
    try:
        start, end = int(start), int(end)
    except (TypeError, ValueError):
        raise InvalidInput("Offsets are whole numbers.", field=field) from None
    if not 0 <= start < end:
        raise InvalidInput("The start offset must be before the end offset.", field=field)
    if snapshot is not None and end > len(snapshot.text):
        raise InvalidInput("The offsets run past the end of the snapshot text.", field=field)
    return start, end


def claim_triage(*, claim, actor, accept: bool, reason: str = "", expected_version=None) -> Claim:
    """Accept a candidate (-> open) or dismiss it with a reason (-> dismissed); editors only."""
    name = "accept" if accept else "dismiss"
    reason = (reason or "").strip()
    with transaction.atomic():
        claim = _lock(claim)
        _require(actor, name, claim)
        if not accept:
            _required_text(reason, "reason", "A reason for dismissing")
        if claim.status == workflow.TRANSITIONS[name].target:
            return claim
        _check_version(claim, expected_version)
        transition = workflow.check_transition(name, claim.status)
        from_status, claim.status = claim.status, transition.target
        fields = ["status"]
        if not accept:
            claim.dismiss_reason = reason
            fields.append("dismiss_reason")
        _commit(claim, actor=actor, action=name, from_status=from_status, fields=fields, comment=reason)
    return claim


def _clean_due_date(due_date) -> datetime.date | None:
    if due_date is None or isinstance(due_date, datetime.date):
        return due_date
    try:
        return datetime.date.fromisoformat(str(due_date))
    except ValueError:
        raise InvalidInput("due_date must be a date (YYYY-MM-DD).", field="due_date") from None


def claim_assign(*, claim, actor, assignee, due_date=None, comment="", expected_version=None) -> Claim:
    """Assign (or reassign) the claim to a reviewer or editor with an optional due date (-> researching)."""
    due_date = _clean_due_date(due_date)
    comment = (comment or "").strip()
    with transaction.atomic():
        claim = _lock(claim)
        _require(actor, "assign", claim)
        if assignee is None or not (is_reviewer(assignee) or is_editor(assignee)):
            raise InvalidInput("The assignee must be an active reviewer or editor.", field="assignee")
        if claim.status == S.RESEARCHING and claim.assignee_id == assignee.pk and claim.due_date == due_date:
            return claim
        _check_version(claim, expected_version)
        workflow.check_transition("assign", claim.status)
        if due_date is not None and due_date != claim.due_date and due_date < timezone.localdate():
            raise InvalidInput("The due date is in the past.", field="due_date")
        previous_assignee_id = claim.assignee_id
        from_status = claim.status
        claim.status, claim.assignee, claim.due_date = S.RESEARCHING, assignee, due_date
        _commit(
            claim,
            actor=actor,
            action="assign",
            from_status=from_status,
            fields=["status", "assignee", "due_date"],
            comment=comment,
            data={
                "assignee_id": assignee.pk,
                "previous_assignee_id": previous_assignee_id,
                "due_date": due_date.isoformat() if due_date else None,
            },
        )
        if previous_assignee_id != assignee.pk:
            signals.send_on_commit(
                signals.claim_assigned, sender=Claim, claim_id=claim.pk, assignee_id=assignee.pk
            )
    return claim


def claim_send_back(*, claim, actor, comment, expected_version=None) -> Claim:
    """Return a proposed verdict to its author with a comment (in_review -> researching); editors only."""
    comment = (comment or "").strip()
    with transaction.atomic():
        claim = _lock(claim)
        _require(actor, "send_back", claim)
        _required_text(comment, "comment", "A comment for the author")
        if claim.status == S.RESEARCHING:
            return claim
        _check_version(claim, expected_version)
        workflow.check_transition("send_back", claim.status)
        proposed = _proposed(claim)
        if proposed is not None:
            proposed.state = V.DRAFT
            _save_with_history(proposed, actor=actor, reason=_reason("send_back", comment))
        from_status, claim.status = claim.status, S.RESEARCHING
        _commit(
            claim,
            actor=actor,
            action="send_back",
            from_status=from_status,
            fields=["status"],
            comment=comment,
            data={"verdict_id": proposed.pk if proposed else None},
        )
        signals.send_on_commit(signals.claim_sent_back, sender=Claim, claim_id=claim.pk, comment=comment)
    return claim


def claim_reopen(*, claim, actor, comment="", expected_version=None) -> Claim:
    """Put a dismissed, duplicate, published or needs-update claim back to open; editors only.

    A published verdict stays public until a new one is approved (which then supersedes it).
    """
    comment = (comment or "").strip()
    with transaction.atomic():
        claim = _lock(claim)
        _require(actor, "reopen", claim)
        if claim.status == S.OPEN:
            return claim
        _check_version(claim, expected_version)
        workflow.check_transition("reopen", claim.status)
        _discard_pending_correction(claim, actor=actor, reason=comment or "reopen")
        from_status, claim.status = claim.status, S.OPEN
        data = {}
        if from_status == S.DUPLICATE:
            data["was_duplicate_of"] = claim.duplicate_of_id
        claim.duplicate_of, claim.dismiss_reason = None, ""
        _commit(
            claim,
            actor=actor,
            action="reopen",
            from_status=from_status,
            fields=["status", "duplicate_of", "dismiss_reason"],
            comment=comment,
            data=data,
        )
    return claim


EDITABLE_CLAIM_FIELDS = ("text", "restatement", "claimant", "kind", "priority")
# What the public verdict, /checks/{id}/ and ClaimReview show of the claim itself.
PUBLIC_CLAIM_FIELDS = ("text", "restatement", "claimant", "kind")


def claim_has_public_verdict(claim_id: int) -> bool:
    """Whether the claim has a published verdict (public whatever the claim's status, e.g. reopened)."""
    return Verdict.objects.filter(claim_id=claim_id, state=V.PUBLISHED).exists()


def claim_edit(*, claim, actor, expected_version=None, **changes) -> Claim:
    """Change the claim's text, restatement, claimant, kind or priority (editors, the assignee).

    TransitionNotAllowed (details ``fields``) when a public field would change while the claim has a
    published verdict: what the public reads changes only through a correction. InvalidInput on an empty
    text, an unknown kind or a field that is not editable.
    """
    unknown = sorted(set(changes) - set(EDITABLE_CLAIM_FIELDS))
    if unknown:
        raise InvalidInput(f"These fields cannot be edited: {', '.join(unknown)}.", fields=unknown)
    if "text" in changes:
        changes["text"] = _required_text(changes["text"], "text", "The claim text")
    if "restatement" in changes:
        changes["restatement"] = (changes["restatement"] or "").strip()
    if "kind" in changes and changes["kind"] not in Claim.Kind.values:
        raise InvalidInput(f"Unknown kind {changes['kind']!r}.", field="kind")
    with transaction.atomic():
        claim = _lock(claim)
        if not (is_editor(actor) or is_assignee(actor, claim)):
            raise NotPermitted(f"{_who(actor)} may not edit this claim.")
        current = {f: getattr(claim, "claimant_id" if f == "claimant" else f) for f in changes}
        wanted = {f: getattr(v, "pk", v) if f == "claimant" else v for f, v in changes.items()}
        changed = sorted(f for f in changes if current[f] != wanted[f])
        if not changed:
            return claim
        _check_version(claim, expected_version)
        public = [f for f in changed if f in PUBLIC_CLAIM_FIELDS]
        if public and _published(claim) is not None:
            raise TransitionNotAllowed(
                "The claim has a published verdict: its wording, claimant and kind change only through a "
                "correction, which records a public note.",
                current_status=claim.status,
                fields=public,
            )
        for field in changed:
            setattr(claim, field, changes[field])
        _commit(
            claim,
            actor=actor,
            action="edit",
            from_status=claim.status,
            fields=changed,
            comment=", ".join(changed),
            data={"fields": changed},
        )
    return claim


CLAIMANT_NAME_MAX = Claimant._meta.get_field("name").max_length


def claimant_named(name: str) -> Claimant | None:
    """The known claimant with this name, matched as detection does (case, accents, titles, aliases)."""
    key = normalize_name(name)
    found = Claimant.objects.filter(normalized_name=key).order_by("pk").first()
    if found is None and key:
        last = key.rsplit(" ", 1)[-1]
        for candidate in Claimant.objects.filter(normalized_name__endswith=last).order_by("pk")[:50]:
            if key in {normalize_name(alias) for alias in candidate.aliases}:
                return candidate
    return found


def claim_set_claimant(*, claim, actor, name, kind="person", description="", expected_version=None) -> Claim:
    """Set who made the claim, by name: a known claimant (name or alias) or a new one of ``kind``.

    Editors, and the assignee of the claim. TransitionNotAllowed while the claim has a published verdict
    (changed only through a correction); InvalidInput on an empty or too long name or an unknown kind.
    """
    name = _required_text(name, "claimant", "The claimant's name")
    if len(name) > CLAIMANT_NAME_MAX:
        raise InvalidInput(
            f"The claimant's name is at most {CLAIMANT_NAME_MAX} characters.", field="claimant"
        )
    if not normalize_name(name):
        raise InvalidInput("The claimant's name needs letters or digits.", field="claimant")
    if kind not in Claimant.Kind.values:
        raise InvalidInput(f"Unknown kind of claimant {kind!r}.", field="kind")
    with transaction.atomic():
        claim = _lock(claim)
        if not (is_editor(actor) or is_assignee(actor, claim)):
            raise NotPermitted(f"{_who(actor)} may not set the claimant of this claim.")
        claimant = claimant_named(name)
        if claimant is not None and claimant.pk == claim.claimant_id:
            return claim
        _check_version(claim, expected_version)
        if _published(claim) is not None:
            raise TransitionNotAllowed(
                "The claim has a published verdict: its claimant changes only through a correction, which "
                "records a public note.",
                current_status=claim.status,
                fields=["claimant"],
            )
        created = claimant is None
        if created:
            claimant = Claimant.objects.create(
                name=name, normalized_name=normalize_name(name), kind=kind, description=description.strip()
            )
        previous_id, claim.claimant = claim.claimant_id, claimant
        _commit(
            claim,
            actor=actor,
            action="set_claimant",
            from_status=claim.status,
            fields=["claimant"],
            comment=claimant.name,
            data={"claimant_id": claimant.pk, "previous_claimant_id": previous_id, "created": created},
        )
    return claim


def claim_merge(*, duplicate, keep, actor, expected_version=None) -> Claim:
    """Mark ``duplicate`` as a duplicate of ``keep`` and move its evidence and cited sources there.

    Returns the duplicate. ``expected_version`` is the duplicate's. InvalidInput when ``keep`` is the same
    claim or itself a duplicate. Claims already marked duplicates of ``duplicate`` are re-pointed to ``keep``
    so that no chain of duplicates forms.
    """
    if duplicate.pk == keep.pk:
        raise InvalidInput("A claim cannot be a duplicate of itself.", field="keep")
    with transaction.atomic():
        # Both rows locked in id order: two merges of the same pair in opposite directions then queue
        # instead of deadlocking.
        rows = Claim.objects.select_for_update().filter(pk__in=[duplicate.pk, keep.pk]).order_by("pk")
        locked = {c.pk: c for c in rows}
        dup, kept = locked[duplicate.pk], locked[keep.pk]
        _require(actor, "merge", dup)
        if dup.status == S.DUPLICATE and dup.duplicate_of_id == kept.pk:
            return dup
        _check_version(dup, expected_version)
        workflow.check_transition("merge", dup.status)
        if kept.status == S.DUPLICATE:
            raise InvalidInput(
                f"Claim #{kept.pk} is itself a duplicate of #{kept.duplicate_of_id}; merge into that one.",
                field="keep",
            )
        reason = f"merge: claim #{dup.pk} into #{kept.pk}"
        moved = list(dup.evidence.select_for_update())
        for evidence in moved:
            evidence.claim = kept
            _save_with_history(evidence, actor=actor, reason=reason, update_fields=["claim", "updated_at"])
        new_sources = list(dup.cited_sources.exclude(pk__in=kept.cited_sources.values("pk")))
        # The duplicate keeps its own cited sources too: they describe its sentence in its article.
        kept.cited_sources.add(*new_sources)
        repointed = list(Claim.objects.select_for_update().filter(duplicate_of=dup).order_by("pk"))
        for earlier in repointed:
            earlier.duplicate_of = kept
            _commit(
                earlier,
                actor=actor,
                action="merge",
                from_status=earlier.status,
                fields=["duplicate_of"],
                comment=reason,
                data={"kept_claim_id": kept.pk, "repointed_from": dup.pk},
            )
        data = {
            "duplicate_claim_id": dup.pk,
            "kept_claim_id": kept.pk,
            "evidence_moved": [e.pk for e in moved],
            "cited_sources_added": [s.pk for s in new_sources],
            "duplicates_repointed": [c.pk for c in repointed],
        }
        from_status = dup.status
        dup.status, dup.duplicate_of = S.DUPLICATE, kept
        _commit(
            dup,
            actor=actor,
            action="merge",
            from_status=from_status,
            fields=["status", "duplicate_of"],
            data=data,
        )
        _commit(kept, actor=actor, action="merge_in", from_status=kept.status, comment=reason, data=data)
    return dup


def claim_flag_needs_update(*, claim, reason, actor=None, data=None) -> Claim:
    """Flag a published claim for an update (-> needs_update); ``actor`` None is the system."""
    reason = _required_text(reason, "reason", "A reason")
    with transaction.atomic():
        claim = _lock(claim)
        _require(actor, "flag_needs_update", claim)
        if claim.status == S.NEEDS_UPDATE:
            return claim
        workflow.check_transition("flag_needs_update", claim.status)
        from_status, claim.status = claim.status, S.NEEDS_UPDATE
        _commit(
            claim,
            actor=actor,
            action="flag_needs_update",
            from_status=from_status,
            fields=["status"],
            comment=reason,
            data=data,
        )
        signals.send_on_commit(signals.claim_needs_update, sender=Claim, claim_id=claim.pk, reason=reason)
    return claim


# --- verdicts ---------------------------------------------------------------------------------------


def _own_draft(claim: Claim, actor) -> Verdict | None:
    return claim.verdicts.filter(state=V.DRAFT, author=actor).first()


def verdict_save_draft(
    *, claim, actor, rating=None, summary="", explanation="", expected_version=None
) -> Verdict:
    """Create or replace the actor's draft verdict on a claim being researched (assignee or editor)."""
    rating = _clean_rating(rating)
    summary, explanation = _clean_summary(summary), (explanation or "").strip()
    with transaction.atomic():
        claim = _lock(claim)
        _require(actor, "save_draft", claim)
        workflow.check_transition("save_draft", claim.status)
        draft = _own_draft(claim, actor)
        wanted = (rating.pk if rating else None, summary, explanation)
        if draft is not None and (draft.rating_id, draft.summary, draft.explanation) == wanted:
            return draft
        _check_version(claim, expected_version)
        draft = draft or Verdict(claim=claim, author=actor, state=V.DRAFT)
        draft.rating, draft.summary, draft.explanation = rating, summary, explanation
        _save_with_history(draft, actor=actor, reason="save_draft")
        _commit(
            claim, actor=actor, action="save_draft", from_status=claim.status, data={"verdict_id": draft.pk}
        )
    draft.claim = claim
    return draft


def verdict_propose(
    *, claim, actor, rating=None, summary=None, explanation=None, expected_version=None
) -> Verdict:
    """Propose the actor's draft for approval (researching -> in_review); InvalidInput without rating+summary.

    Arguments left None keep the draft's value.
    """
    rating = _clean_rating(rating)
    summary = None if summary is None else _clean_summary(summary)
    explanation = None if explanation is None else explanation.strip()
    with transaction.atomic():
        claim = _lock(claim)
        _require(actor, "propose", claim)
        if claim.status == S.IN_REVIEW:
            proposed = _proposed(claim)
            if (
                proposed is not None
                and proposed.author_id == actor.pk
                and _matches(proposed, rating, summary, explanation)
            ):
                return proposed
        _check_version(claim, expected_version)
        workflow.check_transition("propose", claim.status)
        verdict = _own_draft(claim, actor) or Verdict(claim=claim, author=actor)
        if rating is not None:
            verdict.rating = rating
        if summary is not None:
            verdict.summary = summary
        if explanation is not None:
            verdict.explanation = explanation
        missing = [
            name for name, ok in (("rating", verdict.rating_id), ("summary", verdict.summary)) if not ok
        ]
        if missing:
            todo = {"rating": "choose a rating", "summary": "write a one-line summary"}
            raise InvalidInput(
                f"Before proposing, {' and '.join(todo[name] for name in missing)}.", fields=missing
            )
        verdict.state = V.PROPOSED
        _save_with_history(verdict, actor=actor, reason="propose")
        from_status, claim.status = claim.status, S.IN_REVIEW
        _commit(
            claim,
            actor=actor,
            action="propose",
            from_status=from_status,
            fields=["status"],
            data={"verdict_id": verdict.pk},
        )
    verdict.claim = claim
    return verdict


def _matches(verdict: Verdict, rating, summary, explanation) -> bool:
    return (
        (rating is None or verdict.rating_id == rating.pk)
        and (summary is None or verdict.summary == summary)
        and (explanation is None or verdict.explanation == explanation)
    )


def verdict_approve(*, claim, actor, correction_note="", expected_version=None) -> Verdict:
    """Approve and publish the proposed verdict (in_review -> published); editors only.

    NotPermitted when the actor wrote the verdict and CLAIMS_TWO_PERSON_RULE is on; InvalidInput when the
    verdict misses what ClaimReview needs, or when it replaces a published verdict (the claim was reopened)
    without a public ``correction_note``. On a published (or needs-update) claim with a re-rating
    correction waiting (``verdict_correct``), publish that instead; NotPermitted when the actor is its
    author or the editor who asked for it.
    """
    correction_note = (correction_note or "").strip()
    with transaction.atomic():
        claim = _lock(claim)
        _require(actor, "approve", claim)
        pending = _pending_correction(claim) if claim.status in (S.PUBLISHED, S.NEEDS_UPDATE) else None
        if pending is not None:
            _check_version(claim, expected_version)
            return _approve_rerating(claim, pending, actor=actor)
        if claim.status == S.PUBLISHED:
            return _published(claim)
        _check_version(claim, expected_version)
        workflow.check_transition("approve", claim.status)
        verdict = _proposed(claim)
        if verdict is None:
            raise InvalidInput("There is no proposed verdict to approve.", field="verdict")
        if settings.CLAIMS_TWO_PERSON_RULE and verdict.author_id == actor.pk:
            raise NotPermitted(
                "Two-person rule: the author of a verdict cannot approve it; another editor must.",
                rule="two_person",
            )
        _require_publishable(verdict)
        previous = _published(claim)
        if previous is not None:
            _required_text(
                correction_note, "correction_note", "A public correction note (it replaces a verdict)"
            )
            previous.state = V.CORRECTED
            _save_with_history(previous, actor=actor, reason=_reason("approve: superseded", correction_note))
            verdict.supersedes, verdict.correction_note = previous, correction_note
        verdict.state, verdict.approver, verdict.published_at = V.PUBLISHED, actor, timezone.now()
        _save_with_history(verdict, actor=actor, reason="approve")
        from_status, claim.status = claim.status, S.PUBLISHED
        _commit(
            claim,
            actor=actor,
            action="approve",
            from_status=from_status,
            fields=["status"],
            comment=correction_note,
            data={"verdict_id": verdict.pk, "previous_verdict_id": previous.pk if previous else None},
        )
        if previous is None:
            signals.send_on_commit(signals.verdict_published, sender=Verdict, verdict_id=verdict.pk)
        else:
            signals.send_on_commit(
                signals.verdict_corrected,
                sender=Verdict,
                verdict_id=verdict.pk,
                previous_verdict_id=previous.pk,
            )
    verdict.claim = claim
    return verdict


def verdict_withdraw(*, claim, actor, reason, expected_version=None) -> Verdict:
    """Withdraw the published verdict (published|needs_update -> open); editors only; a reason is required."""
    reason = (reason or "").strip()
    with transaction.atomic():
        claim = _lock(claim)
        _require(actor, "withdraw", claim)
        _required_text(reason, "reason", "A reason for withdrawing")
        if claim.status == S.OPEN and _published(claim) is None:
            withdrawn = claim.verdicts.filter(state=V.WITHDRAWN).order_by("-updated_at", "-id").first()
            if withdrawn is not None:
                return withdrawn
        _check_version(claim, expected_version)
        workflow.check_transition("withdraw", claim.status)
        verdict = _published(claim)
        if verdict is None:
            raise InvalidInput("The claim has no published verdict to withdraw.", field="verdict")
        _discard_pending_correction(claim, actor=actor, reason=reason)
        verdict.state = V.WITHDRAWN
        _save_with_history(verdict, actor=actor, reason=_reason("withdraw", reason))
        from_status, claim.status = claim.status, S.OPEN
        _commit(
            claim,
            actor=actor,
            action="withdraw",
            from_status=from_status,
            fields=["status"],
            comment=reason,
            data={"verdict_id": verdict.pk},
        )
        signals.send_on_commit(signals.verdict_withdrawn, sender=Verdict, verdict_id=verdict.pk)
    verdict.claim = claim
    return verdict


def _pending_correction(claim: Claim) -> Verdict | None:
    """A re-rating correction waiting for its second editor: proposed while a verdict is public."""
    return claim.verdicts.filter(state=V.PROPOSED, supersedes__isnull=False).first()


def _rerating_requester(pending: Verdict) -> int | None:
    event = (
        ClaimEvent.objects.filter(claim_id=pending.claim_id, action="request_rerating")
        .filter(data__verdict_id=pending.pk)
        .order_by("-id")
        .first()
    )
    return event.actor_id if event else None


def _request_rerating(claim, *, current, pending, actor, author, fields, correction_note) -> Verdict:
    """Store a re-rating as a correction waiting for a second editor; the public verdict is unchanged."""
    verdict = pending or Verdict(claim=claim, state=V.PROPOSED, supersedes=current)
    verdict.author, verdict.correction_note = author, correction_note
    for field, value in fields.items():
        setattr(verdict, field, value)
    _require_publishable(verdict)
    _save_with_history(verdict, actor=actor, reason=_reason("request_rerating", correction_note))
    _commit(
        claim,
        actor=actor,
        action="request_rerating",
        from_status=claim.status,
        comment=correction_note,
        data={"verdict_id": verdict.pk, "previous_verdict_id": current.pk},
    )
    verdict.claim = claim
    return verdict


def _approve_rerating(claim, pending: Verdict, *, actor) -> Verdict:
    """Publish a pending re-rating: the approver is neither its author nor the editor who asked for it."""
    if actor.pk in (pending.author_id, _rerating_requester(pending)):
        raise NotPermitted(
            "Two-person rule: a re-rating correction needs another editor's approval.", rule="two_person"
        )
    workflow.check_transition("correct", claim.status)
    _require_publishable(pending)
    current = pending.supersedes
    current.state = V.CORRECTED
    _save_with_history(current, actor=actor, reason=_reason("correct: superseded", pending.correction_note))
    pending.state, pending.approver, pending.published_at = V.PUBLISHED, actor, timezone.now()
    _save_with_history(pending, actor=actor, reason=_reason("approve_rerating", pending.correction_note))
    from_status, claim.status = claim.status, S.PUBLISHED
    _commit(
        claim,
        actor=actor,
        action="approve_rerating",
        from_status=from_status,
        fields=["status"],
        comment=pending.correction_note,
        data={"verdict_id": pending.pk, "previous_verdict_id": current.pk},
    )
    signals.send_on_commit(
        signals.verdict_corrected, sender=Verdict, verdict_id=pending.pk, previous_verdict_id=current.pk
    )
    pending.claim = claim
    return pending


def _discard_pending_correction(claim: Claim, *, actor, reason: str) -> None:
    # Withdrawn (never public) and detached, so the claim can be researched and proposed again.
    pending = _pending_correction(claim)
    if pending is not None:
        pending.state, pending.supersedes = V.WITHDRAWN, None
        _save_with_history(pending, actor=actor, reason=_reason("discard_rerating", reason))


def verdict_correct(
    *,
    claim,
    actor,
    rating,
    summary,
    explanation,
    correction_note,
    expected_version=None,
    author=None,
) -> Verdict:
    """Publish a correction that supersedes the published verdict (published|needs_update -> published).

    Editors only; rating, summary and a public correction note are required (InvalidInput). ``author`` is
    who wrote the corrected text (default: the actor); with CLAIMS_TWO_PERSON_RULE on and an ``author``
    given, it must differ from the actor. A wording-only correction (same rating) written and published by
    one editor is allowed: it is recorded with that editor as both author and approver. With the rule on,
    a correction that changes the rating is not published: it waits (a proposed verdict superseding the
    public one, which stays public) until another editor approves it with ``verdict_approve``.
    TransitionNotAllowed for a wording-only correction while a re-rating waits (see docs/workflow.md).
    """
    rating = _clean_rating(rating)
    summary = _clean_summary(summary)
    explanation = (explanation or "").strip()
    correction_note = (correction_note or "").strip()
    with transaction.atomic():
        claim = _lock(claim)
        _require(actor, "correct", claim)
        _required_text(correction_note, "correction_note", "A public correction note")
        if author is not None:
            if not (is_reviewer(author) or is_editor(author)):
                raise InvalidInput("The author must be an active reviewer or editor.", field="author")
            if settings.CLAIMS_TWO_PERSON_RULE and author.pk == actor.pk:
                raise NotPermitted(
                    "Two-person rule: the author of a correction cannot approve it.", rule="two_person"
                )
        current = _published(claim)
        if (
            claim.status == S.PUBLISHED
            and current is not None
            and current.supersedes_id is not None
            and _matches(current, rating, summary, explanation)
            and current.correction_note == correction_note
        ):
            return current
        pending = _pending_correction(claim)
        if (
            pending is not None
            and _matches(pending, rating, summary, explanation)
            and pending.correction_note == correction_note
        ):
            return pending
        _check_version(claim, expected_version)
        workflow.check_transition("correct", claim.status)
        if current is None:
            raise InvalidInput("The claim has no published verdict to correct.", field="verdict")
        if settings.CLAIMS_TWO_PERSON_RULE and rating.pk != current.rating_id:
            return _request_rerating(
                claim,
                current=current,
                pending=pending,
                actor=actor,
                author=author or actor,
                fields={"rating": rating, "summary": summary, "explanation": explanation},
                correction_note=correction_note,
            )
        if pending is not None:
            raise TransitionNotAllowed(
                "A re-rating correction is waiting for a second editor's approval; approve it, or send a "
                "new re-rating to replace it, before correcting the wording.",
                current_status=claim.status,
                pending_verdict_id=pending.pk,
            )
        correction = Verdict(
            claim=claim,
            rating=rating,
            summary=summary,
            explanation=explanation,
            author=author or actor,
            approver=actor,
            state=V.PUBLISHED,
            supersedes=current,
            correction_note=correction_note,
        )
        _require_publishable(correction)
        current.state = V.CORRECTED
        _save_with_history(current, actor=actor, reason=_reason("correct: superseded", correction_note))
        correction.published_at = timezone.now()
        _save_with_history(correction, actor=actor, reason=_reason("correct", correction_note))
        from_status, claim.status = claim.status, S.PUBLISHED
        _commit(
            claim,
            actor=actor,
            action="correct",
            from_status=from_status,
            fields=["status"],
            comment=correction_note,
            data={"verdict_id": correction.pk, "previous_verdict_id": current.pk},
        )
        signals.send_on_commit(
            signals.verdict_corrected,
            sender=Verdict,
            verdict_id=correction.pk,
            previous_verdict_id=current.pk,
        )
    correction.claim = claim
    return correction


# --- evidence ---------------------------------------------------------------------------------------


def _source_for_url(url: str) -> Source:
    try:
        return source_for_url(url)
    except InvalidURL as exc:
        raise InvalidInput(f"The URL cannot be used as evidence: {exc}.", field="url") from None


def _require_evidence_editor(actor, claim: Claim, *, system_allowed: bool) -> None:
    if actor is None:
        if not system_allowed:
            raise NotPermitted("The system may only add cited or suggested evidence.")
    elif not (is_editor(actor) or is_assignee(actor, claim)):
        raise NotPermitted(f"{_who(actor)} may not edit the evidence of this claim.")
    if claim.status not in workflow.EVIDENCE_EDITABLE_STATUSES:
        raise TransitionNotAllowed(
            f"Evidence cannot change while the claim is {S(claim.status).label.lower()}.",
            current_status=claim.status,
            allowed_in=list(workflow.EVIDENCE_EDITABLE_STATUSES),
        )


def evidence_add(
    *,
    claim,
    actor,
    url,
    stance="unknown",
    excerpt="",
    note="",
    origin="added",
    excerpt_start=None,
    excerpt_end=None,
    score=None,
    excerpt_typed=False,
) -> Evidence:
    """Attach the source at ``url`` as evidence (editors, the assignee; the system for cited/suggested).

    Pins the source's latest snapshot when there is one and requests a pull, queued after commit. The same
    source with the same excerpt on the same claim is returned, not added twice. ``excerpt_typed`` marks
    an excerpt the person typed or pasted (not cut from an archived copy: InvalidInput with offsets).
    """
    if stance not in Evidence.Stance.values:
        raise InvalidInput(f"Unknown stance {stance!r}.", field="stance")
    if origin not in Evidence.Origin.values:
        raise InvalidInput(f"Unknown origin {origin!r}.", field="origin")
    excerpt, note = (excerpt or "").strip(), (note or "").strip()
    excerpt_typed = _clean_typed(excerpt_typed, excerpt, excerpt_start, excerpt_end)
    with transaction.atomic():
        claim = _lock(claim)
        _require_evidence_editor(actor, claim, system_allowed=origin != Evidence.Origin.ADDED)
        source = _source_for_url(url)
        existing = claim.evidence.filter(source=source, excerpt=excerpt).first()
        if existing is not None:
            return existing
        snapshot = source.latest_snapshot
        excerpt_start, excerpt_end = _clean_excerpt_span(excerpt_start, excerpt_end, snapshot)
        evidence = Evidence(
            claim=claim,
            source=source,
            snapshot=snapshot,
            excerpt=excerpt,
            excerpt_start=excerpt_start,
            excerpt_end=excerpt_end,
            excerpt_typed=excerpt_typed,
            stance=stance,
            origin=origin,
            score=score,
            note=note,
            added_by=actor,
        )
        _save_with_history(evidence, actor=actor, reason="evidence_add")
        ClaimEvent.objects.create(
            claim=claim,
            actor=actor,
            action="evidence_add",
            from_status=claim.status,
            to_status=claim.status,
            data={"evidence_id": evidence.pk, "source_id": source.pk, "origin": origin},
        )
        # request_pull queues the pull only once this transaction commits.
        request_pull([source.pk])
    return evidence


def _clean_typed(typed, excerpt, start, end) -> bool:
    """Whether the excerpt is marked typed: only a text without offsets, as offsets point into a copy."""
    if not typed:
        return False
    if start is not None or end is not None:
        raise InvalidInput(
            "A typed excerpt has no position in an archived copy: give the text, or the offsets.",
            field="excerpt",
        )
    if not (excerpt or "").strip():
        raise InvalidInput("Type or paste the excerpt.", field="excerpt")
    return True


def _clean_excerpt_span(start, end, snapshot) -> tuple[int | None, int | None]:
    if start is None and end is None:
        return None, None
    if start is None or end is None:
        raise InvalidInput("Give both excerpt_start and excerpt_end, or neither.", field="excerpt_start")
    return _offsets(start, end, snapshot, field="excerpt_start")


def evidence_update(
    *,
    evidence,
    actor,
    stance=None,
    excerpt=None,
    excerpt_start=None,
    excerpt_end=None,
    note=None,
    dismissed=None,
    excerpt_typed=None,
) -> Evidence:
    """Change the given fields of a piece of evidence (editors, the claim's assignee); None leaves a field.

    Offsets without an excerpt take the excerpt from the pinned snapshot's text, and the excerpt is then
    quoted, no longer typed. ``excerpt_typed`` True with an ``excerpt`` stores the text the person typed or
    pasted and forgets the old offsets (InvalidInput with offsets, or without a text).
    """
    if stance is not None and stance not in Evidence.Stance.values:
        raise InvalidInput(f"Unknown stance {stance!r}.", field="stance")
    with transaction.atomic():
        # The claim first, then the evidence row: the order claim_merge locks them in, so the two cannot
        # deadlock. A merge may move the evidence between the two reads; then lock its new claim.
        claim_id = Evidence.objects.filter(pk=evidence.pk).values_list("claim_id", flat=True).get()
        claim = Claim.objects.select_for_update().get(pk=claim_id)
        current = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if current.claim_id != claim.pk:
            claim = Claim.objects.select_for_update().get(pk=current.claim_id)
        _require_evidence_editor(actor, claim, system_allowed=False)
        changes = {}
        if excerpt_typed:
            _clean_typed(excerpt_typed, excerpt, excerpt_start, excerpt_end)
            changes.update(excerpt_start=None, excerpt_end=None, excerpt_typed=True)
        elif excerpt_typed is not None:
            changes["excerpt_typed"] = False
        if excerpt_start is not None or excerpt_end is not None:
            start, end = _clean_excerpt_span(excerpt_start, excerpt_end, current.snapshot)
            changes.update(excerpt_start=start, excerpt_end=end, excerpt_typed=False)
            if excerpt is None and current.snapshot is not None:
                excerpt = current.snapshot.text[start:end]
        for field, value in (("stance", stance), ("excerpt", excerpt), ("note", note)):
            if value is not None:
                changes[field] = value.strip() if field != "stance" else value
        if dismissed is not None:
            changes["dismissed"] = bool(dismissed)
        changes = {f: v for f, v in changes.items() if getattr(current, f) != v}
        if not changes:
            return current
        for field, value in changes.items():
            setattr(current, field, value)
        reason = f"evidence_update: {', '.join(sorted(changes))}"
        _save_with_history(current, actor=actor, reason=reason, update_fields=[*changes, "updated_at"])
        ClaimEvent.objects.create(
            claim=claim,
            actor=actor,
            action="evidence_update",
            from_status=claim.status,
            to_status=claim.status,
            data={"evidence_id": current.pk, "fields": sorted(changes)},
        )
    return current


# --- claim matches ----------------------------------------------------------------------------------


def _lock_match(match, actor) -> ClaimMatch:
    if not is_editor(actor):
        raise NotPermitted(f"{_who(actor)} may not decide on matching suggestions; editors only.")
    return ClaimMatch.objects.select_for_update().select_related("claim", "candidate").get(pk=match.pk)


def _guard_match(match: ClaimMatch, wanted: str) -> bool:
    """True when the match is already decided as wanted; TransitionNotAllowed when decided otherwise."""
    if match.state == wanted:
        return True
    if match.state != ClaimMatch.State.SUGGESTED:
        raise TransitionNotAllowed(
            f"This suggestion was already decided ({match.get_state_display().lower()}).",
            current_status=match.state,
        )
    return False


def _decide(match: ClaimMatch, *, actor, state: str, data=None) -> ClaimMatch:
    match.state, match.decided_by, match.decided_at = state, actor, timezone.now()
    match.save(update_fields=["state", "decided_by", "decided_at", "updated_at"])
    claim = Claim.objects.get(pk=match.claim_id)
    ClaimEvent.objects.create(
        claim=claim,
        actor=actor,
        action=f"match_{state}",
        from_status=claim.status,
        to_status=claim.status,
        data={"match_id": match.pk, "candidate_id": match.candidate_id, "score": match.score, **(data or {})},
    )
    return match


def _kept_claim(candidate: Claim) -> Claim:
    # A candidate merged away since the suggestion was stored: merge into what it was merged into.
    return candidate.duplicate_of if candidate.status == S.DUPLICATE else candidate


def match_confirm_merge(*, match, actor) -> ClaimMatch:
    """Merge the matched claim into the stored one (``claim_merge``); editors only.

    TransitionNotAllowed when the suggestion was already rejected or linked, or when the claim can no
    longer be merged (published, dismissed); InvalidInput as ``claim_merge``.
    """
    with transaction.atomic():
        match = _lock_match(match, actor)
        if _guard_match(match, ClaimMatch.State.MERGED):
            return match
        kept = _kept_claim(match.candidate)
        claim_merge(duplicate=match.claim, keep=kept, actor=actor)
        return _decide(match, actor=actor, state=ClaimMatch.State.MERGED, data={"kept_claim_id": kept.pk})


def match_link_appearance(*, match, actor) -> ClaimMatch:
    """Record the matched claim as a new appearance of the stored (checked) claim; editors only.

    The new claim becomes a duplicate of the checked one (``claim_merge``: nobody checks it twice; its
    article, claimant and date are kept on the ClaimAppearance). Errors as ``match_confirm_merge``.
    """
    with transaction.atomic():
        match = _lock_match(match, actor)
        if _guard_match(match, ClaimMatch.State.LINKED):
            return match
        checked = _kept_claim(match.candidate)
        claim = match.claim
        article = claim.article
        appearance, _ = ClaimAppearance.objects.get_or_create(
            checked_claim=checked,
            claim=claim,
            defaults={
                "article": article,
                "claimant": claim.claimant,
                "appeared_at": (article.published_at if article else None) or claim.created_at,
                "match": match,
                "recorded_by": actor,
            },
        )
        claim_merge(duplicate=claim, keep=checked, actor=actor)
        return _decide(
            match,
            actor=actor,
            state=ClaimMatch.State.LINKED,
            data={"appearance_id": appearance.pk, "checked_claim_id": checked.pk},
        )


def match_reject(*, match, actor) -> ClaimMatch:
    """Reject the suggestion: it is remembered and the pair is never suggested again; editors only."""
    with transaction.atomic():
        match = _lock_match(match, actor)
        if _guard_match(match, ClaimMatch.State.REJECTED):
            return match
        return _decide(match, actor=actor, state=ClaimMatch.State.REJECTED)


# --- evidence suggestions ---------------------------------------------------------------------------


def evidence_suggest(*, claim, source, snapshot, passages, quote_check=None) -> list[Evidence]:
    """Attach passages of ``snapshot`` as suggested evidence (the system; stance unknown); return new rows.

    A passage already suggested for this claim (same source and offsets, also when it was discarded) is
    not added again; at most as many passages as given. ``quote_check`` (or None) is stored on the claim
    under the source's id. Nothing is written while the claim's evidence cannot change (published,
    dismissed, duplicate).
    """
    with transaction.atomic():
        claim = _lock(claim)
        if claim.status not in workflow.EVIDENCE_EDITABLE_STATUSES:
            return []
        if quote_check is not None and claim.quote_check.get(str(source.pk)) != quote_check:
            # Not an editorial change of the claim: no new version, no history row.
            claim.quote_check = {**claim.quote_check, str(source.pk): {**quote_check, "url": source.url}}
            Claim.objects.filter(pk=claim.pk).update(quote_check=claim.quote_check)
        seen = claim.evidence.filter(source=source, origin=Evidence.Origin.SUGGESTED)
        known = {(e.excerpt_start, e.excerpt_end, e.snapshot_id) for e in seen} | {e.excerpt for e in seen}
        new = [
            Evidence(
                claim=claim,
                source=source,
                snapshot=snapshot,
                excerpt=p.text,
                excerpt_start=p.start,
                excerpt_end=p.end,
                stance=Evidence.Stance.UNKNOWN,
                origin=Evidence.Origin.SUGGESTED,
                score=p.score,
                quantity_match=p.quantity_match,
            )
            for p in passages
            if (p.start, p.end, snapshot.pk) not in known and p.text not in known
        ]
        if not new:
            return []
        new = bulk_create_with_history(new, Evidence, default_change_reason="evidence_suggest")
        ClaimEvent.objects.create(
            claim=claim,
            action="evidence_suggest",
            from_status=claim.status,
            to_status=claim.status,
            data={"source_id": source.pk, "snapshot_id": snapshot.pk, "evidence": [e.pk for e in new]},
        )
    return new
