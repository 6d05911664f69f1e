"""Create the demo editor and reviewer (passwords printed once) and load the demo content.

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
