import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from claims.errors import InvalidInput
from claims.ingestion import Submission, submit_article
from claims.models import Article, Claim, Claimant
from sources.models import Source

DEMO = Path(__file__).resolve().parent.parent / "claims" / "demo" / "seed-article.html"
SEED_URL = "https://news.example/world/2025/05/07/xi-putin-red-square"

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_html() -> bytes:
    return DEMO.read_bytes()


def ingest_html(html: bytes, url: str = "") -> Article:
    article = submit_article(submission=Submission(html=html, url=url), run_now=True)
    article.refresh_from_db()
    return article


def claim_with(article: Article, fragment: str) -> Claim:
    return article.claims.get(text__contains=fragment)


def test_seed_article_becomes_claims_with_claimants_and_cited_links(seed_html):
    article = ingest_html(seed_html, SEED_URL)
    assert article.analysis_state == Article.AnalysisState.DONE
    assert article.title.startswith("Chinese troops on Red Square")
    meetings = claim_with(article, "met more than 40 times")
    assert meetings.status == Claim.Status.CANDIDATE
    assert list(meetings.cited_sources.values_list("url", flat=True)) == [
        "https://sources.example/xi-putin-meetings-count"
    ]
    text = article.snapshot.text
    assert text[meetings.span_start : meetings.span_end] == meetings.text
    weitz = next(s for s in article.sentences if "NATO in Ukraine" in text[s["start"] : s["end"]])
    assert weitz["claimant"] == "Richard Weitz"
    assert not weitz["is_candidate"]
    assert "gas" in claim_with(article, "a quarter of what it pays").text


def test_headings_captions_and_credits_produce_no_claims(seed_html):
    article = ingest_html(seed_html, SEED_URL)
    texts = list(article.claims.values_list("text", flat=True))
    assert not any("Xinhua" in t for t in texts)
    assert "Putin request" not in texts and "Xis red lines" not in texts


def test_claimants_are_shared_across_articles(seed_html):
    ingest_html(seed_html, SEED_URL)
    other = (
        b"<html><head><title>Talks end</title></head><body><article><h1>Talks end</h1>"
        b"<p>The Kremlin said that the two leaders signed 20 documents on Thursday.</p>"
        b"</article></body></html>"
    )
    ingest_html(other, "https://other.example/talks")
    kremlin = Claim.objects.filter(text__contains="Kremlin said").values_list("claimant", flat=True)
    assert len(kremlin) == 2 and len(set(kremlin)) == 1
    assert Claimant.objects.get(pk=kremlin[0]).kind == Claimant.Kind.ORGANIZATION


def test_cited_links_become_sources_to_pull(seed_html):
    ingest_html(seed_html, SEED_URL)
    source = Source.objects.get(url="https://sources.example/xi-putin-meetings-count")
    assert source.cited_by_claims.exists()


def test_ingesting_the_same_article_again_creates_nothing_new(seed_html):
    first = ingest_html(seed_html, SEED_URL)
    before = sorted(first.claims.values_list("id", flat=True))
    again = ingest_html(seed_html, SEED_URL)
    assert again.pk == first.pk
    assert sorted(again.claims.values_list("id", flat=True)) == before
    assert Article.objects.count() == 1


def test_the_same_text_without_a_url_is_the_same_article():
    text = "Russia exported 100 billion cubic metres of gas to Europe in 2021, the ministry said."
    first = submit_article(submission=Submission(text=text), run_now=True)
    second = submit_article(submission=Submission(text=text), run_now=True)
    assert first.pk == second.pk
    assert Claim.objects.count() == first.claims.count()


def test_an_edited_article_keeps_unchanged_claims_and_marks_changed_and_removed_ones(seed_html):
    article = ingest_html(seed_html, SEED_URL)
    meetings = claim_with(article, "met more than 40 times")
    gas = claim_with(article, "a quarter of what it pays")
    denied = claim_with(article, "Beijing denied")
    edited = (
        seed_html.replace(b"about a quarter of what it pays", b"about a third of what it pays")
        .replace(b"<p>Beijing denied that he is considering such a perspective.</p>", b"")
        .replace(
            b"</article>",
            b"<p>Russia and China signed 20 agreements on Thursday, the Kremlin said.</p></article>",
        )
    )
    article = ingest_html(edited, SEED_URL)
    meetings.refresh_from_db(), gas.refresh_from_db(), denied.refresh_from_db()
    assert meetings.in_article == Claim.InArticle.CURRENT
    assert meetings.snapshot_id == article.snapshot_id
    assert article.snapshot.text[meetings.span_start : meetings.span_end] == meetings.text
    assert gas.in_article == Claim.InArticle.CHANGED
    assert denied.in_article == Claim.InArticle.REMOVED
    assert article.claims.filter(text__contains="a third of what it pays").exists()
    assert article.claims.filter(text__contains="signed 20 agreements").exists()


@pytest.mark.parametrize(
    ("submission", "message"),
    [
        (Submission(text="   \n "), "The text is empty."),
        (Submission(html=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"), "looks binary"),
        (Submission(), "Give a URL, an HTML document or plain text."),
        (Submission(url="ftp://example.org/a"), "Invalid URL"),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_stores_nothing(submission, message):
    with pytest.raises(InvalidInput, match=message):
        submit_article(submission=submission, run_now=True)
    assert Article.objects.count() == 0


def test_a_page_over_the_size_limit_is_refused(settings):
    settings.FETCH_MAX_BYTES = 1024 * 1024
    with pytest.raises(InvalidInput, match="too large"):
        submit_article(submission=Submission(html=b"<p>" + b"a" * (2 * 1024 * 1024)), run_now=True)


def test_a_page_with_no_sentences_fails_with_the_reason_on_the_article():
    article = submit_article(
        submission=Submission(html=b"<html><body><nav>Home</nav></body></html>"), run_now=True
    )
    article.refresh_from_db()
    assert article.analysis_state == Article.AnalysisState.FAILED
    assert article.analysis_error


def test_a_url_is_fetched_and_analysed(web, seed_html):
    web.expect_request("/world/xi").respond_with_data(seed_html, content_type="text/html; charset=utf-8")
    article = submit_article(submission=Submission(url=web.url_for("/world/xi")), run_now=True)
    article.refresh_from_db()
    assert article.analysis_state == Article.AnalysisState.DONE, article.analysis_error
    assert claim_with(article, "met more than 40 times").cited_sources.exists()


def test_an_unreachable_url_fails_with_the_reason(web):
    web.expect_request("/gone").respond_with_data("no", status=404)
    article = submit_article(submission=Submission(url=web.url_for("/gone")), run_now=True)
    article.refresh_from_db()
    assert article.analysis_state == Article.AnalysisState.FAILED
    assert article.analysis_error == "The site says the page does not exist (HTTP 404)."


def test_ingest_command_prints_claims_as_json(tmp_path, capsys):
    call_command("ingest", str(DEMO), "--json")
    [article] = json.loads(capsys.readouterr().out)
    claim = next(c for c in article["claims"] if "met more than 40 times" in c["text"])
    assert set(claim) == {
        "id",
        "text",
        "start",
        "end",
        "kind",
        "checkworthiness",
        "claimant",
        "cited_urls",
        "status",
    }
    assert claim["cited_urls"] == ["https://sources.example/xi-putin-meetings-count"]
    assert claim["status"] == "candidate"


def test_ingest_command_summarises_many_inputs_and_fails_on_a_bad_one(tmp_path, capsys):
    good = tmp_path / "note.txt"
    good.write_text("The budget grew by 12 percent in 2024, the finance minister said.")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(CommandError, match="1 of 3 inputs failed"):
        call_command("ingest", str(DEMO), str(good), str(empty))
    captured = capsys.readouterr()
    assert "2 articles" in captured.out
    assert "empty.txt: The text is empty." in captured.err


def test_ingest_command_refuses_a_missing_file():
    with pytest.raises(CommandError, match="no such file"):
        call_command("ingest", "/no/such/article.html")


@pytest.mark.services
def test_a_submitted_url_is_analysed_by_a_real_worker(celery_worker, web, seed_html):
    import time

    web.expect_request("/world/xi").respond_with_data(seed_html, content_type="text/html; charset=utf-8")
    article = submit_article(submission=Submission(url=web.url_for("/world/xi")))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        article.refresh_from_db()
        if article.analysis_state in {Article.AnalysisState.DONE, Article.AnalysisState.FAILED}:
            break
        time.sleep(0.5)
    assert article.analysis_state == Article.AnalysisState.DONE, article.analysis_error
    assert article.claims.filter(text__contains="met more than 40 times").exists()


def test_a_submitted_document_is_analysed_by_one_task(seed_html, django_capture_on_commit_callbacks):
    # Its own new snapshot must not queue the article a second time (the analysis ran twice).
    from celery.signals import task_prerun

    analyses = []

    def count(sender=None, **kwargs):
        if sender is not None and sender.name == "claims.analyse_article":
            analyses.append(kwargs["args"])

    task_prerun.connect(count, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            article = submit_article(submission=Submission(html=seed_html, url=SEED_URL))
    finally:
        task_prerun.disconnect(count)
    article.refresh_from_db()
    assert article.analysis_state == Article.AnalysisState.DONE
    assert len(analyses) == 1


def test_a_submission_racing_another_for_the_same_article_is_retried(seed_html, monkeypatch):
    # Another writer inserts the article between this submission's lookup and its insert: the unique
    # source of the article refuses the second row and the submission runs again, finding the article.
    from django.db import IntegrityError

    real_create = Article.objects.create
    calls = []

    def racing_create(**fields):
        calls.append(fields)
        if len(calls) == 1:
            raise IntegrityError("duplicate key value violates unique constraint on claims_article.source")
        return real_create(**fields)

    monkeypatch.setattr(Article.objects, "create", racing_create)
    article = ingest_html(seed_html, SEED_URL)
    assert len(calls) == 2
    assert article.analysis_state == Article.AnalysisState.DONE
    assert Article.objects.filter(source__url=SEED_URL).count() == 1
    assert article.claims.exists()
