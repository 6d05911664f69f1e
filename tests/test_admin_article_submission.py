import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.models import Article
from tests.factories import EditorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/claims/article/add/"
PAGE = (
    b"<html><head><title>Budget</title></head><body><article><h1>Budget</h1>"
    b"<p>The finance ministry said the deficit fell to 2.1 percent of GDP in 2024.</p>"
    b"</article></body></html>"
)


@pytest.fixture
def editor_client(client):
    client.force_login(EditorFactory())
    return client


def test_an_editor_submits_an_html_file_and_lands_on_the_analysed_article(
    editor_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            ADD,
            {
                "html_file": SimpleUploadedFile("budget.html", PAGE, "text/html"),
                "url": "https://news.example/b",
            },
        )
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/article/{article.pk}/change/")
    article.refresh_from_db()
    assert article.analysis_state == Article.AnalysisState.DONE
    assert article.claims.filter(text__contains="2.1 percent").exists()


def test_an_editor_pastes_text_with_a_title(editor_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            ADD, {"text": "Exports rose 12 percent in 2024, the ministry said.", "title": "Exports"}
        )
    article = Article.objects.get()
    assert article.title == "Exports"
    assert article.claims.exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Give a URL, an HTML page (a file or pasted) or plain text."),
        ({"text": "a", "html_file": SimpleUploadedFile("a.html", PAGE)}, "not several"),
        ({"url": "ftp://example.org/x"}, "Invalid URL"),
        ({"html_file": SimpleUploadedFile("junk.html", b"\x00\x01binary")}, "looks binary"),
    ],
)
def test_bad_submissions_are_form_errors_and_store_nothing(editor_client, data, error):
    response = editor_client.post(ADD, data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert Article.objects.count() == 0


def test_a_reviewer_cannot_submit_articles(client):
    client.force_login(ReviewerFactory())
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, {"text": "Exports rose 12 percent."}).status_code == 403
    assert Article.objects.count() == 0


def test_an_editor_pastes_html_with_a_publication_date_from_the_date_picker(
    editor_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            ADD,
            {
                "html": PAGE.decode(),
                "url": "https://news.example/pasted",
                "published_at_0": "2025-03-14",
                "published_at_1": "09:30:00",
            },
        )
    article = Article.objects.get()
    assert response.status_code == 302
    assert (
        article.input_kind == Article.InputKind.HTML and article.analysis_state == Article.AnalysisState.DONE
    )
    assert article.claims.filter(text__contains="2.1 percent").exists()
    assert f"{article.published_at:%Y-%m-%d %H:%M}" == "2025-03-14 09:30"


def test_the_add_form_is_laid_out_as_an_admin_form_with_a_date_picker(editor_client):
    body = editor_client.get(ADD).content.decode()
    assert body.count('<fieldset class="module aligned') == 3 and "Or the article itself" in body
    assert 'name="html"' in body and 'name="published_at_0"' in body and 'class="vDateField"' in body
    assert "admin/js/admin/DateTimeShortcuts.js" in body and "/admin/jsi18n/" in body
    assert "data-fc-submit-progress" in body and "claims/analysis-progress.js" in body
