"""``import_claimreviews FILE_OR_URL [...]``: load ClaimReview JSON/JSON-LD or pages as external reviews."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.feeds import interim
from claims.feeds.claimreview_extract import extract
from claims.feeds.errors import FeedParseError
from claims.feeds.matching import match_external_review
from claims.feeds.reviews import external_review_upsert


class Command(BaseCommand):
    help = (
        "Load ClaimReview markup (a JSON/JSON-LD file with one object, a list or a @graph, or an HTML "
        "page carrying JSON-LD or microdata) from files or URLs as external reviews. Idempotent: a "
        "review already stored (same URL) is updated, never duplicated. New reviews are matched to claims."
    )

    def add_arguments(self, parser):
        parser.add_argument("inputs", nargs="+", metavar="FILE_OR_URL")
        parser.add_argument("--no-match", action="store_true", help="store without matching to claims")

    def _read(self, name: str) -> tuple[bytes, str, str]:
        if name.startswith(("http://", "https://")):
            try:
                response = interim.http_get(name)
            except interim.FetchFailed as exc:
                raise CommandError(f"{name}: fetch failed: {exc}") from exc
            return response.body, response.final_url or name, response.content_type
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"{name}: no such file (and not an http(s) URL)")
        return path.read_bytes(), "", "application/json" if path.suffix in (".json", ".jsonld") else ""

    def handle(self, *args, inputs, no_match, **options):
        created = updated = unchanged = 0
        for name in inputs:
            body, base_url, content_type = self._read(name)
            try:
                reviews = extract(body, base_url=base_url, content_type=content_type)
            except FeedParseError as exc:
                raise CommandError(f"{name}: {exc.message}") from exc
            if not reviews:
                self.stderr.write(f"{name}: no ClaimReview found")
            for data in reviews:
                result = external_review_upsert(data=data, origin="import")
                created += result.created
                updated += result.changed and not result.created
                unchanged += not result.changed
                if result.changed and not no_match:
                    match_external_review(review_id=result.review.pk)
        self.stdout.write(f"{created} created, {updated} updated, {unchanged} unchanged")
