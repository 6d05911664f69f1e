"""Create the demo editor and reviewer (passwords printed once) and load the demo content.

The demo content is the seed article with its proposed claims, and one claim taken through the whole
workflow (accepted, assigned, proposed by the reviewer, approved by the editor), so that `/`, the public
page, ClaimReview and the feeds have something to show. Its verdict says plainly that it is a demonstration.
Safe to run again: existing users keep their passwords and existing data is kept.
"""

import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_ARTICLE = Path(__file__).resolve().parents[3] / "claims" / "demo" / "seed-article.html"
DEMO_URL = "https://news.example/world/2025/05/07/xi-putin-red-square"

DEMO_CLAIM_OPENING = "The Kremlin said"
DEMO_VERDICT = {
    "rating": "unproven",
    "summary": "Demonstration verdict: this claim was not checked.",
    "explanation": (
        "`manage.py demo_setup` published this verdict to show what a published check looks like (the "
        "public page, its ClaimReview JSON-LD, the feeds and the API). It is not a fact check: nobody "
        "researched the claim."
    ),
}

DEMO_USERS = (
    # username, group, is_superuser. The editor is not a superuser, so the demo shows what a real editor
    # sees (no Axes, Groups, Users or Tokens pages); `admin` is the operator's account for those.
    ("editor", "Editor", False),
    ("reviewer", "Reviewer", False),
    ("admin", None, True),
)


class Command(BaseCommand):
    help = "Create demo users (an editor, a reviewer and an admin) and load demo content; safe to re-run."

    def handle(self, *args, **options):
        for username, group_name, is_superuser in DEMO_USERS:
            self._ensure_user(username, group_name, is_superuser)
        self._load_demo_article()

    def _load_demo_article(self) -> None:
        from claims.ingestion import Submission, submit_article
        from claims.models import Article
        from sources.services import pulls_deferred

        if Article.objects.filter(source__url=DEMO_URL).exists():
            self.stdout.write("Demo article already loaded.")
            return
        # The demo's cited links point at an unreachable example domain. Pulling them here would run in
        # the foreground (no worker in `make run`), a politeness interval apart: about 11 s of waiting
        # for nothing. They stay due; a worker (or `refresh_due_sources`) pulls them later.
        with pulls_deferred():
            article = submit_article(
                submission=Submission(html=DEMO_ARTICLE.read_bytes(), url=DEMO_URL), run_now=True
            )
        article.refresh_from_db()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the demo article #{article.pk}: {article.claims.count()} claims proposed."
            )
        )
        verdict = self._publish_demo_check(article)
        if verdict is not None:
            self.stdout.write(self.style.SUCCESS(f"Published a demonstration check: /checks/{verdict.pk}/"))

    def _publish_demo_check(self, article):
        """Walk one attributed claim through the workflow as the demo editor and reviewer would."""
        from claims import services
        from claims.models import Claim, Rating

        users = get_user_model().objects
        editor, reviewer = users.filter(username="editor").first(), users.filter(username="reviewer").first()
        rating = Rating.objects.filter(slug=DEMO_VERDICT["rating"]).first()
        candidates = article.claims.filter(status=Claim.Status.CANDIDATE, claimant__isnull=False)
        # A claim that reads on its own ("The Kremlin said that talks would focus on ..."), else the most
        # check-worthy attributed one.
        claim = (
            candidates.filter(text__startswith=DEMO_CLAIM_OPENING).first()
            or candidates.order_by("-checkworthiness", "pk").first()
        )
        if None in (editor, reviewer, rating, claim):
            return None
        with transaction.atomic():
            claim = services.claim_triage(claim=claim, actor=editor, accept=True)
            claim = services.claim_assign(claim=claim, actor=editor, assignee=reviewer)
            services.verdict_propose(
                claim=claim,
                actor=reviewer,
                rating=rating,
                summary=DEMO_VERDICT["summary"],
                explanation=DEMO_VERDICT["explanation"],
            )
            return services.verdict_approve(claim=claim, actor=editor)

    @transaction.atomic
    def _ensure_user(self, username: str, group_name: str | None, is_superuser: bool) -> None:
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        if user is not None:
            self.stdout.write(
                f"User {username!r} exists (password unchanged; reset it with "
                f"`python manage.py changepassword {username}`)."
            )
            return
        password = secrets.token_urlsafe(12)
        user = user_model.objects.create_user(
            username=username,
            email=f"{username}@example.org",
            password=password,
            is_staff=True,
            is_superuser=is_superuser,
        )
        group = Group.objects.filter(name=group_name).first() if group_name else None
        if group is not None:
            user.groups.add(group)
        role = group_name.lower() if group_name else "superuser"
        self.stdout.write(self.style.SUCCESS(f"Created {role} {username!r} with password: {password}"))
