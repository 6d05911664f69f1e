"""factory_boy factories for the whole suite: users with roles, sources, articles, claims, verdicts, evidence.

Factories write rows directly (fast, any state). To get a claim into a status the way the product does,
with its audit trail and history, use :func:`claim_in_status`, which drives the real services.
"""

import hashlib
import itertools

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from claims import services
from claims.models import Article, Claim, Claimant, Evidence, Rating, Tag, Verdict
from claims.permissions import EDITOR_GROUP, REVIEWER_GROUP
from claims.roles import sync_role_groups
from claims.scale import DEFAULT_SCALE
from sources.models import Snapshot, Source

_claim_numbers = itertools.count(1)
_SCALE = {
    slug: (label, value, colour, description, order)
    for order, (slug, label, value, colour, description) in enumerate(DEFAULT_SCALE, start=1)
}


def role_group(name: str) -> Group:
    """The migrated role group; recreated when a transactional test has flushed the database."""
    group = Group.objects.filter(name=name).first()
    if group is None:
        sync_role_groups()
        group = Group.objects.get(name=name)
    return group


class UserFactory(DjangoModelFactory):
    """A user with no role (sees no claims, may do nothing in the workflow)."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


def _joins(group_name: str):
    def add_to_group(user, create, extracted, **kwargs):
        if create:
            user.groups.add(role_group(group_name))

    return factory.PostGeneration(add_to_group)


class EditorFactory(UserFactory):
    """A staff member of group Editor."""

    username = factory.Sequence(lambda n: f"editor{n}")
    is_staff = True
    role = _joins(EDITOR_GROUP)


class ReviewerFactory(UserFactory):
    """A staff member of group Reviewer."""

    username = factory.Sequence(lambda n: f"reviewer{n}")
    is_staff = True
    role = _joins(REVIEWER_GROUP)


class SuperuserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    is_staff = True
    is_superuser = True


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("url",)

    url = factory.Sequence(lambda n: f"https://news.example.org/story-{n}")
    domain = factory.LazyAttribute(lambda s: s.url.split("/")[2])


class SnapshotFactory(DjangoModelFactory):
    class Meta:
        model = Snapshot

    source = factory.SubFactory(SourceFactory)
    fetched_at = factory.LazyFunction(timezone.now)
    http_status = 200
    final_url = factory.SelfAttribute("source.url")
    content_type = "text/html"
    text = "Unemployment fell to 3.9 per cent in March, the lowest level since 1974, the minister said."
    sha256 = factory.LazyAttribute(lambda s: hashlib.sha256(f"{s.source.url}\n{s.text}".encode()).hexdigest())
    title = "Unemployment falls"


class ArticleFactory(DjangoModelFactory):
    class Meta:
        model = Article

    source = factory.SubFactory(SourceFactory)
    snapshot = factory.SubFactory(SnapshotFactory, source=factory.SelfAttribute("..source"))
    title = factory.Sequence(lambda n: f"Article {n}")
    publisher = "Example News"
    language = "en"
    analysis_state = Article.AnalysisState.DONE


class ClaimantFactory(DjangoModelFactory):
    class Meta:
        model = Claimant

    name = factory.Sequence(lambda n: f"Claimant {n}")
    normalized_name = factory.LazyAttribute(lambda c: c.name.lower())
    description = "Minister for Work"


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag-{n}")


class RatingFactory(DjangoModelFactory):
    """A rating of the migrated default scale by slug (default "false"); other slugs make new ratings."""

    class Meta:
        model = Rating
        django_get_or_create = ("slug",)

    slug = "false"
    label = factory.LazyAttribute(lambda r: _SCALE[r.slug][0] if r.slug in _SCALE else r.slug.title())
    value = factory.LazyAttribute(lambda r: _SCALE[r.slug][1] if r.slug in _SCALE else None)
    colour = factory.LazyAttribute(lambda r: _SCALE[r.slug][2] if r.slug in _SCALE else "#777777")
    description = factory.LazyAttribute(lambda r: _SCALE[r.slug][3] if r.slug in _SCALE else "")
    order = factory.LazyAttribute(lambda r: _SCALE[r.slug][4] if r.slug in _SCALE else 100)


class ClaimFactory(DjangoModelFactory):
    """A claim entered directly (no article), status candidate unless given."""

    class Meta:
        model = Claim
        skip_postgeneration_save = True

    text = factory.Sequence(lambda n: f"Unemployment fell to {n % 10}.9 per cent in March.")
    kind = Claim.Kind.NUMERIC
    checkworthiness = 0.8
    status = Claim.Status.CANDIDATE

    @factory.post_generation
    def cited_sources(self, create, extracted, **kwargs):
        if create and extracted:
            self.cited_sources.add(*extracted)


class VerdictFactory(DjangoModelFactory):
    """A draft verdict by a reviewer; ``VerdictFactory(published=True)`` makes an approved, public one."""

    class Meta:
        model = Verdict

    class Params:
        published = factory.Trait(
            state=Verdict.State.PUBLISHED,
            approver=factory.SubFactory(EditorFactory),
            published_at=factory.LazyFunction(timezone.now),
        )

    claim = factory.SubFactory(ClaimFactory)
    rating = factory.SubFactory(RatingFactory)
    summary = "The rate fell to 4.2 per cent, not 3.9."
    explanation = "The statistics office's March release puts unemployment at 4.2 per cent."
    author = factory.SubFactory(ReviewerFactory)
    state = Verdict.State.DRAFT


class EvidenceFactory(DjangoModelFactory):
    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    excerpt = "Unemployment rate: 4.2 per cent (March)."
    stance = Evidence.Stance.REFUTES
    origin = Evidence.Origin.ADDED


def claim_in_status(status: str, *, editor=None, reviewer=None, **claim_kwargs) -> Claim:
    """A claim brought to ``status`` through the real services (with events and history).

    ``editor`` triages, assigns and approves; ``reviewer`` is assigned and proposes (both created when
    not given), and a claimant is made up unless given. A duplicate is merged into a new open claim;
    a published claim's verdict rates it false.
    """
    editor = editor or EditorFactory()
    reviewer = reviewer or ReviewerFactory()
    claim_kwargs.setdefault("text", f"Claim {next(_claim_numbers)}: unemployment fell to 3.9 per cent.")
    if "claimant" not in claim_kwargs:
        # ClaimReview names the claimant, so a claim without one cannot be published.
        claim_kwargs["claimant"] = ClaimantFactory()
    claim = services.claim_create(actor=editor, **claim_kwargs)
    if status == Claim.Status.CANDIDATE:
        return claim
    if status == Claim.Status.DISMISSED:
        return services.claim_triage(claim=claim, actor=editor, accept=False, reason="Opinion, not a fact.")
    claim = services.claim_triage(claim=claim, actor=editor, accept=True)
    if status == Claim.Status.OPEN:
        return claim
    if status == Claim.Status.DUPLICATE:
        keep = services.claim_create(actor=editor, text=claim.text + " (kept)", status=Claim.Status.OPEN)
        return services.claim_merge(duplicate=claim, keep=keep, actor=editor)
    claim = services.claim_assign(claim=claim, actor=editor, assignee=reviewer)
    if status == Claim.Status.RESEARCHING:
        return claim
    services.verdict_propose(
        claim=claim,
        actor=reviewer,
        rating=RatingFactory(slug="false"),
        summary="The rate fell to 4.2 per cent, not 3.9.",
        explanation="The statistics office's March release puts unemployment at 4.2 per cent.",
    )
    claim.refresh_from_db()
    if status == Claim.Status.IN_REVIEW:
        return claim
    services.verdict_approve(claim=claim, actor=editor)
    claim.refresh_from_db()
    if status == Claim.Status.PUBLISHED:
        return claim
    if status == Claim.Status.NEEDS_UPDATE:
        return services.claim_flag_needs_update(claim=claim, reason="A cited source changed.")
    raise ValueError(f"unknown status {status!r}")
