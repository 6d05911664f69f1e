"""Article ingestion: from a URL, an HTML document or plain text to an analysed Article with claims.

Flow: ``submit_article`` records the input (for HTML/text, a Snapshot of the content right away; for a
URL, the Source) and queues ``claims.analyse_article`` after commit. The task pulls the URL if needed
(outside any transaction), then ``analyse_snapshot`` detects claims and writes them in one transaction.

Re-ingestion is idempotent: the same URL or the same content finds the same Article, and a snapshot that
was already analysed changes nothing. A changed version of the article (a new Snapshot) is reconciled
with the claims already proposed: claims whose sentence is unchanged keep their identity (their span
moves to the new version), claims whose sentence changed or disappeared are marked so (a stealth edit is
news for a fact-checker; a published one is flagged needs-update), and new sentences get new claims.
"""

import contextlib
import difflib
import functools
import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims import services
from claims.detection import DetectedSentence, detect_claims
from claims.detection.claimants import normalize_name
from claims.errors import ContentConflict, InvalidInput, NotPermitted
from claims.models import Article, Claim, Claimant
from claims.permissions import is_editor
from factcheck.durability import derived_writes
from factcheck.queueing import enqueue_on_commit
from sources import failures
from sources import services as source_services
from sources.documents import Document, Link
from sources.errors import InvalidURL
from sources.models import Snapshot, Source

logger = logging.getLogger(__name__)

# A reworded sentence still counts as "the same sentence, changed" down to this similarity.
CHANGED_SENTENCE_SIMILARITY = 0.6
_SPACES = re.compile(r"\s+")


class AnalysisFailed(Exception):
    """The article cannot be analysed; the message is shown to the editor."""


@dataclass(frozen=True)
class Submission:
    url: str = ""
    html: bytes | None = None
    text: str | None = None
    title: str = ""
    published_at: datetime | None = None


def _sentence_key(text: str) -> str:
    return _SPACES.sub(" ", text).strip().lower()


def _check_content(body: bytes, *, what: str) -> None:
    if not body.strip():
        raise InvalidInput(f"The {what} is empty.")
    if len(body) > settings.FETCH_MAX_BYTES:
        raise InvalidInput(
            f"The {what} is too large ({len(body):,} bytes; the limit is {settings.FETCH_MAX_BYTES:,})."
        )
    if b"\x00" in body[:65536]:
        raise InvalidInput(f"The {what} looks binary (it contains NUL bytes), not HTML or text.")


def _local_source(sha256: str) -> Source:
    """A Source for content submitted without a URL: identified by its hash and never pulled."""
    source, _ = Source.objects.get_or_create(
        url=f"urn:sha256:{sha256}",
        defaults={"domain": "", "state": Source.State.OK, "next_pull_at": None},
    )
    return source


def _source_for(url: str) -> Source:
    try:
        return source_services.source_for_url(url)
    except InvalidURL as exc:
        raise InvalidInput(f"Invalid URL: {exc}") from exc


def submit_article(*, submission: Submission, actor=None, run_now: bool = False) -> Article:
    """Record an article for analysis and queue it (or run it in-process with ``run_now``).

    Raises InvalidInput for an empty, binary or oversized document, a malformed URL, or no input;
    ContentConflict when a caller without the editor role sends a document for a URL whose stored
    content (or article) came from someone else. ``actor`` None is the operator or the system.
    """
    if submission.html is None and submission.text is None:
        if not submission.url:
            raise InvalidInput("Give a URL, an HTML document or plain text.")
        article, snapshot = _submit_url(submission, actor=actor, run_now=run_now), None
    else:
        article, snapshot = _submit_document(submission, actor=actor, run_now=run_now)
    if run_now and article.analysis_state == Article.AnalysisState.QUEUED:
        if snapshot is not None:
            return _analyse_submitted(article, snapshot)
        return run_analysis(article_id=article.pk)
    return article


def _submit_document(submission: Submission, *, actor, run_now: bool) -> tuple[Article, Snapshot | None]:
    if submission.html is not None:
        body, content_type, kind = submission.html, "text/html; charset=utf-8", Article.InputKind.HTML
        _check_content(body, what="HTML document")
    else:
        body, content_type, kind = (
            submission.text.encode("utf-8"),
            "text/plain; charset=utf-8",
            Article.InputKind.TEXT,
        )
        _check_content(body, what="text")
    return _submit_content(
        submission, body=body, content_type=content_type, kind=kind, actor=actor, run_now=run_now
    )


def _queue_analysis(article_id: int, *, run_now: bool) -> None:
    from claims.tasks import analyse_article

    if not run_now:
        enqueue_on_commit(analyse_article, article_id)


def _submit_url(submission: Submission, *, actor, run_now: bool) -> Article:
    source = _source_for(submission.url)
    with transaction.atomic():
        article, _ = Article.objects.get_or_create(
            source=source, defaults={"input_kind": Article.InputKind.URL, "submitted_by": actor}
        )
        _record_submitter(article, actor)
        Article.objects.filter(pk=article.pk).update(
            analysis_state=Article.AnalysisState.QUEUED, analysis_error=""
        )
        _queue_analysis(article.pk, run_now=run_now)
    article.refresh_from_db()
    return article


def _submit_content(
    submission: Submission, *, body: bytes, content_type: str, kind: str, actor, run_now: bool
) -> tuple[Article, Snapshot | None]:
    """Store the document and its article; return the article and, if the content is new, its snapshot.

    The new snapshot is returned as written (text, links and all), so an in-process analysis does not
    read it back.
    """
    store = functools.partial(
        _store_submission,
        submission,
        body=body,
        content_type=content_type,
        kind=kind,
        sha256=hashlib.sha256(body).hexdigest(),
        actor=actor,
        run_now=run_now,
    )
    try:
        return store()
    except IntegrityError:
        # A concurrent submission of the same source inserted its article first: this time it is found.
        return store()


def _store_submission(
    submission: Submission, *, body: bytes, content_type: str, kind: str, sha256: str, actor, run_now: bool
) -> tuple[Article, Snapshot | None]:
    # One transaction (one commit) for the source, its snapshot and the article.
    with transaction.atomic():
        source = _source_for(submission.url) if submission.url else _local_source(sha256)
        trusted = actor is None or is_editor(actor)
        if submission.url and not trusted:
            # Before the snapshot is recorded: a new snapshot of a source is what evidence pins and what
            # flags published claims needs-update, so refusing afterwards would already be too late.
            _refuse_replacement(source, sha256=sha256, actor=actor)
        snapshot, snapshot_created = source_services.record_snapshot(
            source=source, body=body, content_type=content_type, final_url=submission.url
        )
        snapshot.source = source
        # Not get_or_create: its savepoint (two more round trips) only serves the rare race of two first
        # submissions of one source, which _submit_content retries instead.
        article = Article.objects.select_for_update().filter(source=source).first()
        created = article is None
        if created:
            article = Article.objects.create(
                source=source,
                input_kind=kind,
                submitted_by=actor,
                content_sha256=sha256,
                title=submission.title,
                published_at=submission.published_at,
            )
        _record_submitter(article, actor)
        if article.snapshot_id == snapshot.pk and article.analysis_state == Article.AnalysisState.DONE:
            return article, None  # the same content again: nothing to do
        if not created:  # a new article was just inserted queued, with these values
            article.content_sha256 = sha256
            if trusted:  # the public verdict page shows them: only editors change another's title
                article.title = submission.title or article.title
                article.published_at = submission.published_at or article.published_at
            article.analysis_state = Article.AnalysisState.QUEUED
            article.analysis_error = ""
            article.save()
        _queue_analysis(article.pk, run_now=run_now)
    return article, (snapshot if snapshot_created else None)


def _record_submitter(article: Article, actor) -> None:
    # Who may follow the article through the API (docs/api.md): everyone who submitted it.
    if actor is not None:
        article.submitters.add(actor)


def _refuse_replacement(source: Source, *, sha256: str, actor) -> None:
    """ContentConflict when the document would replace content or an article another caller stored."""
    current = source.current_snapshot_id and Snapshot.objects.filter(pk=source.current_snapshot_id).first()
    article = Article.objects.filter(source=source).first()
    foreign_article = (
        article is not None and article.submitted_by_id != actor.pk and article.content_sha256 != sha256
    )
    if (current and current.sha256 != sha256) or foreign_article:
        raise ContentConflict(
            "This URL already has stored content that differs from the document sent; only an editor "
            "may replace it. Send the URL alone to have it fetched again from the site.",
            field="url",
        )


def _set_state(article_id: int, state: str, error: str = "") -> None:
    # updated_at doubles as the lease of a running analysis (see stale_article_ids). Losing the mark
    # "analysing" in a crash leaves the article queued, which the sweeper queues again: no disk wait.
    relaxed = state == Article.AnalysisState.ANALYSING
    with derived_writes() if relaxed else contextlib.nullcontext():  # else one autocommit statement
        Article.objects.filter(pk=article_id).update(
            analysis_state=state, analysis_error=error, updated_at=timezone.now()
        )


PENDING_STATES = (
    Article.AnalysisState.QUEUED,
    Article.AnalysisState.FETCHING,
    Article.AnalysisState.ANALYSING,
)


def stale_article_ids() -> list[int]:
    """Articles whose analysis has not moved for CLAIMS_ANALYSIS_STALE_AFTER seconds."""
    cutoff = timezone.now() - timedelta(seconds=settings.CLAIMS_ANALYSIS_STALE_AFTER)
    stale = Article.objects.filter(analysis_state__in=PENDING_STATES, updated_at__lt=cutoff)
    ids = list(stale.values_list("pk", flat=True)[:500])
    # Renewing the lease first means a second sweep does not queue the same articles again meanwhile.
    Article.objects.filter(pk__in=ids).update(updated_at=timezone.now())
    return ids


def run_analysis(*, article_id: int, pull: bool = True) -> Article:
    """Pull the article if it came as a URL, then analyse its current snapshot; record failures on it.

    A transient fetch failure leaves the article "fetching" while the sources pipeline retries the pull:
    the ``snapshot_changed`` receiver analyses the article when its content arrives, and the
    ``source_failed`` receiver ends it as failed when the retries are spent (``articles_fail_fetch``).
    Without a worker to retry (``make run``), a failed fetch fails the analysis at once.
    """
    article = Article.objects.select_related("source").get(pk=article_id)
    try:
        if article.input_kind == Article.InputKind.URL and pull:
            _set_state(article.pk, Article.AnalysisState.FETCHING)
            _pull_now(article.source)
            article.source.refresh_from_db()
        snapshot_id = _latest_snapshot_id(article.source)
        if snapshot_id is None:
            _no_content(article)
        else:
            _set_state(article.pk, Article.AnalysisState.ANALYSING)
            return analyse_snapshot(article_id=article.pk, snapshot_id=snapshot_id)
    except AnalysisFailed as exc:
        _set_state(article.pk, Article.AnalysisState.FAILED, str(exc))
    article.refresh_from_db()
    return article


def _analyse_submitted(article: Article, snapshot: Snapshot) -> Article:
    """``run_analysis`` for a document just submitted in-process: its snapshot is at hand, no pull."""
    try:
        _set_state(article.pk, Article.AnalysisState.ANALYSING)
        return analyse_snapshot(article_id=article.pk, snapshot_id=snapshot.pk, snapshot=snapshot)
    except AnalysisFailed as exc:
        _set_state(article.pk, Article.AnalysisState.FAILED, str(exc))
    article.refresh_from_db()
    return article


def _latest_snapshot_id(source: Source) -> int | None:
    # The current snapshot's id is on the source row: no need to load the snapshot (and its raw body).
    if source.current_snapshot_id:
        return source.current_snapshot_id
    latest = source.latest_snapshot
    return latest.pk if latest else None


def _no_content(article: Article) -> None:
    source = article.source
    retried = source.state == Source.State.RETRYING and not failures.pulls_need_worker()
    if source.state == Source.State.PENDING or retried:
        _set_state(article.pk, Article.AnalysisState.FETCHING, _waiting_reason(source))
        return
    raise AnalysisFailed(fetch_failure_reason(source))


def _waiting_reason(source: Source) -> str:
    if source.state != Source.State.RETRYING:
        return ""
    retry_at = failures.when(source.next_pull_at)
    return f"The page could not be fetched yet: {failures.plain_reason(source)} Retrying at {retry_at}."


def fetch_failure_reason(source: Source) -> str:
    """Why the article's page could not be fetched, in words an editor understands (no raw detail)."""
    reason = failures.plain_reason(source) or f"The page could not be fetched ({source.get_state_display()})."
    if source.state == Source.State.RETRYING:  # only without a worker: nothing would run the retry
        reason += " Pulls are retried only by a worker (celery -A factcheck worker -B): retry it by hand."
    return reason


def _pull_now(source: Source) -> None:
    """Pull the page in-process, unless a retry of a failed pull is already scheduled for later.

    Pulling again here (the stale-analysis sweeper comes back every few minutes) would start the series
    of retries over each time, and a page that never answers would never be given up on.
    """
    from sources.tasks import pull_source

    retry_at = source.next_pull_at
    if source.state == Source.State.RETRYING and retry_at and retry_at > timezone.now():
        return
    source_services.make_due([source.pk])
    # The task's own body: a transient failure queues its retry with backoff, as for a queued pull.
    pull_source.run(source.pk)


def articles_fail_fetch(*, source_id: int) -> int:
    """End as failed the analyses waiting for this source's page once its pull failed for good.

    Returns how many articles were failed; none when the source is no longer failed (a later pull
    succeeded, or a person asked for a retry meanwhile). One transaction, the articles locked.
    """
    with transaction.atomic():
        source = Source.objects.filter(pk=source_id).first()
        if source is None or source.state not in failures.TERMINAL_STATES:
            return 0
        waiting = Article.objects.select_for_update().filter(
            source_id=source_id, analysis_state=Article.AnalysisState.FETCHING
        )
        ids = list(waiting.values_list("pk", flat=True))
        Article.objects.filter(pk__in=ids).update(
            analysis_state=Article.AnalysisState.FAILED,
            analysis_error=fetch_failure_reason(source),
            updated_at=timezone.now(),
        )
    return len(ids)


RETRYABLE_STATES = (Article.AnalysisState.FAILED, Article.AnalysisState.FETCHING)


def article_retry(*, article_id: int, actor) -> Article:
    """Analyse a failed article again, fetching its page afresh (even when a retry is scheduled later).

    Raises NotPermitted unless ``actor`` is an editor, InvalidInput unless the analysis failed or is
    waiting for its page. The article is queued and its source made due in one transaction.
    """
    if not is_editor(actor):
        raise NotPermitted("Only editors may retry an article's analysis.")
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        if article.analysis_state not in RETRYABLE_STATES:
            raise InvalidInput(
                f"Only a failed analysis can be retried; this one is {article.get_analysis_state_display()}."
            )
        if article.input_kind == Article.InputKind.URL:
            source_services.make_due([article.source_id])
        article.analysis_state, article.analysis_error = Article.AnalysisState.QUEUED, ""
        article.save(update_fields=["analysis_state", "analysis_error", "updated_at"])
        _queue_analysis(article.pk, run_now=False)
    article.refresh_from_db()
    return article


def document_from_snapshot(snapshot: Snapshot) -> Document:
    return Document(
        text=snapshot.text,
        title=snapshot.title,
        byline=snapshot.byline,
        published_at=snapshot.published_at,
        language=snapshot.language,
        links=[Link(**link) for link in snapshot.links or []],
    )


def analyse_snapshot(*, article_id: int, snapshot_id: int, snapshot: Snapshot | None = None) -> Article:
    """Detect claims in a snapshot of the article and reconcile them with those already proposed.

    ``snapshot``, if given, is that snapshot as just stored (with its text, links and source), not read
    again. Raises AnalysisFailed when the snapshot has no text or no sentence.
    """
    if snapshot is None:
        snapshot = Snapshot.objects.select_related("source").defer("raw_body").get(pk=snapshot_id)
    document = document_from_snapshot(snapshot)
    if not document.text.strip():
        raise AnalysisFailed("No text could be extracted from the page.")
    if document.published_at is None:
        # A pasted text has its date on the article only; restatements pin "this year" to it.
        document.published_at = (
            Article.objects.filter(pk=article_id).values_list("published_at", flat=True).first()
        )
    detected = detect_claims(document)
    body = [sentence for sentence in detected if sentence.role == "body"]
    if not body:
        raise AnalysisFailed("The text has no sentences to analyse.")
    # Everything written here is derived from the stored snapshot, and an analysis lost in a crash leaves
    # the article pending for the sweeper: the commit does not wait for the disk (factcheck/durability.py).
    with derived_writes():
        # A mailto: or malformed link cited in the article is not a source to archive: left out.
        cited = source_services.sources_for_urls({url for sentence in body for url in sentence.cited_urls})
        article = Article.objects.select_for_update().get(pk=article_id)
        if article.snapshot_id == snapshot.pk and article.analysis_state == Article.AnalysisState.DONE:
            return article
        first_version = article.snapshot_id is None
        new_claims = _reconcile(article, snapshot, body, cited)
        article.snapshot = snapshot
        article.sentences = [_sentence_record(sentence) for sentence in detected]
        article.title = (
            article.title
            if article.input_kind == Article.InputKind.TEXT and article.title
            else (snapshot.title or article.title)
        )
        article.published_at = article.published_at or snapshot.published_at
        article.language = snapshot.language or article.language
        article.publisher = article.publisher or snapshot.site_name or snapshot.source.domain
        article.canonical_url = snapshot.canonical_url or article.canonical_url
        article.analysis_state = Article.AnalysisState.DONE
        article.analysis_error = ""
        article.save(update_fields=_ANALYSED_FIELDS)
        # The cited sources are pulled once this transaction commits (and not at all if it rolls back).
        source_services.request_pull({source.pk for source in cited.values()})
    logger.info(
        "article %s analysed (%s): %d sentences, %d new claims",
        article_id,
        "first version" if first_version else "new version",
        len(body),
        len(new_claims),
    )
    return article


# What an analysis writes on the article (the other columns are the submission's).
_ANALYSED_FIELDS = [
    "snapshot",
    "sentences",
    "title",
    "published_at",
    "language",
    "publisher",
    "canonical_url",
    "analysis_state",
    "analysis_error",
    "updated_at",
]


def _sentence_record(sentence: DetectedSentence) -> dict:
    """What the article page shows for every sentence, claim or not (opinions keep their claimant)."""
    return {
        "start": sentence.start,
        "end": sentence.end,
        "role": sentence.role,
        "kind": sentence.kind,
        "checkworthiness": round(sentence.checkworthiness, 4),
        "is_candidate": sentence.is_candidate,
        "claimant": sentence.claimant.name if sentence.claimant else None,
        "cited_urls": list(sentence.cited_urls),
    }


def _reconcile(
    article: Article, snapshot: Snapshot, body: list[DetectedSentence], cited: dict
) -> list[Claim]:
    by_key = {_sentence_key(sentence.text): sentence for sentence in body}
    kept_keys: set[str] = set()
    for claim in article.claims.select_for_update().filter(in_article=Claim.InArticle.CURRENT):
        key = _sentence_key(claim.text)
        sentence = by_key.get(key)
        if sentence is not None:
            kept_keys.add(key)
            _relocate(claim, snapshot, sentence)
        else:
            _mark_edited(claim, snapshot, body)
    new = [s for key, s in by_key.items() if key not in kept_keys and s.is_candidate]
    # The article's speakers already known across articles, read in one query.
    names = {normalize_name(s.claimant.name) for s in new if s.claimant is not None}
    known = {c.normalized_name: c for c in Claimant.objects.filter(normalized_name__in=names)}
    claimants: dict[str, Claimant | None] = {}
    items, kinds = [], set(Claim.Kind.values)
    for sentence in new:
        mention = sentence.claimant
        if mention is not None and mention.name not in claimants:
            claimants[mention.name] = resolve_claimant(mention, known=known)
        items.append(
            {
                "text": sentence.text,
                "span": (sentence.start, sentence.end),
                "kind": sentence.kind if sentence.kind in kinds else Claim.Kind.OTHER,
                "checkworthiness": round(min(max(sentence.checkworthiness, 0.0), 1.0), 4),
                "claimant": claimants[mention.name] if mention is not None else None,
                "cited_sources": [cited[url] for url in sentence.cited_urls if url in cited],
                "restatement": sentence.restatement,
            }
        )
    return services.claims_create_detected(article=article, snapshot=snapshot, detected=items)


def _relocate(claim: Claim, snapshot: Snapshot, sentence: DetectedSentence) -> None:
    if claim.snapshot_id == snapshot.pk and claim.span_start == sentence.start:
        return
    claim.snapshot = snapshot
    claim.span_start, claim.span_end = sentence.start, sentence.end
    claim.version += 1
    claim._change_reason = "Article re-analysed: the sentence is unchanged in the new version"
    claim.save(update_fields=["snapshot", "span_start", "span_end", "version", "updated_at"])


def _mark_edited(claim: Claim, snapshot: Snapshot, body: list[DetectedSentence]) -> None:
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(_sentence_key(claim.text))
    best, best_ratio = None, 0.0
    for sentence in body:
        matcher.set_seq1(_sentence_key(sentence.text))
        if matcher.real_quick_ratio() >= CHANGED_SENTENCE_SIMILARITY and matcher.ratio() > best_ratio:
            best, best_ratio = sentence, matcher.ratio()
    changed = best is not None and best_ratio >= CHANGED_SENTENCE_SIMILARITY
    claim.in_article = Claim.InArticle.CHANGED if changed else Claim.InArticle.REMOVED
    claim.version += 1
    what = f"now reads: {best.text!r}" if changed else "is no longer in the article"
    claim._change_reason = f"Article edited (snapshot {snapshot.pk}): the sentence {what}"
    claim.save(update_fields=["in_article", "version", "updated_at"])
    claim.refresh_from_db()
    if claim.status == Claim.Status.PUBLISHED:
        services.claim_flag_needs_update(
            claim=claim,
            reason=f"The article was edited after publication: the claimed sentence {what}",
            data={"snapshot_id": snapshot.pk},
        )


def resolve_claimant(mention, *, known: dict[str, Claimant] | None = None) -> Claimant | None:
    """Find the claimant by normalized name or alias across articles, or create it.

    ``known`` maps normalized names to claimants already read (those of the article at hand): a name
    absent from it is looked up by alias only; a claimant created here is added to it.
    """
    if mention is None or not mention.name.strip():
        return None
    key = normalize_name(mention.name)
    claimant = Claimant.objects.filter(normalized_name=key).first() if known is None else known.get(key)
    if claimant is None:
        last = key.rsplit(" ", 1)[-1]
        for candidate in Claimant.objects.filter(normalized_name__endswith=last)[:50]:
            if key in {normalize_name(alias) for alias in candidate.aliases}:
                claimant = candidate
                break
    if claimant is None:
        claimant = Claimant.objects.create(
            name=mention.name,
            normalized_name=key,
            kind=_claimant_kind(mention),
            description=mention.role,
            aliases=sorted(set(mention.aliases) - {mention.name}),
        )
        if known is not None:
            known[key] = claimant
        return claimant
    new_aliases = set(mention.aliases) - set(claimant.aliases) - {claimant.name}
    if new_aliases or (not claimant.description and mention.role):
        claimant.aliases = sorted(set(claimant.aliases) | new_aliases)
        claimant.description = claimant.description or mention.role
        claimant.save(update_fields=["aliases", "description", "updated_at"])
    return claimant


def _claimant_kind(mention) -> str:
    return Claimant.Kind.PERSON if mention.person else Claimant.Kind.ORGANIZATION
