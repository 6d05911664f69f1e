"""`python manage.py ingest PATH_OR_URL [...] [--json]`: ingest articles and show their claims."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from claims.errors import InvalidInput
from claims.ingestion import Submission, submit_article
from claims.models import Article

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


def submission_for(value: str) -> Submission:
    """Turn a command-line argument into a submission: an http(s) URL, an HTML file or a text file."""
    if value.startswith(("http://", "https://")):
        return Submission(url=value)
    path = Path(value)
    if not path.is_file():
        raise CommandError(f"{value}: not an http(s) URL and no such file")
    if path.suffix.lower() in HTML_SUFFIXES:
        return Submission(html=path.read_bytes())
    data = path.read_bytes()
    try:
        return Submission(text=data.decode("utf-8"), title=path.stem)
    except UnicodeDecodeError:
        raise CommandError(f"{value}: not UTF-8 text (give HTML files a .html suffix)") from None


def article_json(article: Article) -> dict:
    claims = (
        article.claims.select_related("claimant")
        .prefetch_related("cited_sources")
        .order_by("span_start", "id")
    )
    return {
        "id": article.pk,
        "url": article.public_url,
        "title": article.title,
        "analysis_state": article.analysis_state,
        "analysis_error": article.analysis_error,
        "claims": [
            {
                "id": claim.pk,
                "text": claim.text,
                "start": claim.span_start,
                "end": claim.span_end,
                "kind": claim.kind,
                "checkworthiness": claim.checkworthiness,
                "claimant": claim.claimant.name if claim.claimant else None,
                "cited_urls": sorted(source.url for source in claim.cited_sources.all()),
                "status": claim.status,
            }
            for claim in claims
        ],
    }


class Command(BaseCommand):
    help = "Ingest articles (URLs, HTML files or text files), detect their claims and print a summary."

    def add_arguments(self, parser):
        parser.add_argument("inputs", nargs="+", metavar="PATH_OR_URL")
        parser.add_argument("--json", action="store_true", help="print each article and its claims as JSON")

    def handle(self, *args, inputs, **options):
        as_json = options["json"]
        submissions = [(value, submission_for(value)) for value in inputs]
        results, failures = [], []
        progress = tqdm(
            submissions, desc="ingesting", unit="article", disable=as_json or len(submissions) < 2
        )
        for value, submission in progress:
            try:
                article = submit_article(submission=submission, run_now=True)
            except InvalidInput as exc:
                failures.append((value, exc.message))
                continue
            article.refresh_from_db()
            if article.analysis_state == Article.AnalysisState.FAILED:
                failures.append((value, article.analysis_error))
            results.append((value, article))
        if as_json:
            self.stdout.write(self._dumps([article_json(article) for _, article in results]))
        else:
            self._summary(results)
        for value, reason in failures:
            self.stderr.write(f"{value}: {reason}")
        if failures:
            raise CommandError(f"{len(failures)} of {len(inputs)} inputs failed")

    @staticmethod
    def _dumps(data) -> str:
        return json.dumps(data, indent=2, ensure_ascii=False)

    def _summary(self, results) -> None:
        for value, article in results:
            claims = article.claims.count()
            self.stdout.write(f"{value}: article #{article.pk} {article.analysis_state}, {claims} claims")
        total = sum(article.claims.count() for _, article in results)
        self.stdout.write(self.style.SUCCESS(f"{len(results)} articles, {total} claims"))
