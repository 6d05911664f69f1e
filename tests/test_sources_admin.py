import pytest
from django.urls import reverse
from django.utils import timezone

from sources.models import Snapshot, Source
from sources.services import record_snapshot, source_for_url

pytestmark = pytest.mark.django_db

PAGE = "<html><head><title>Budget</title></head><body><article><p>{}</p></article></body></html>"


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "admin@example.org", "pw-for-tests-only")
    client.force_login(user)
    return client


def test_source_list_filters_by_state_and_shows_the_last_error(editor):
    Source.objects.create(
        url="https://a.example/gone", domain="a.example", state="gone", last_error="HTTP 404 for x"
    )
    Source.objects.create(url="https://a.example/ok", domain="a.example", state="ok")
    response = editor.get(reverse("admin:sources_source_changelist"), {"state__exact": "gone"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "https://a.example/gone" in body and "HTTP 404 for x" in body
    assert "https://a.example/ok" not in body


def test_pull_now_action_pulls_the_selected_sources(editor, web, django_capture_on_commit_callbacks):
    web.expect_request("/story").respond_with_data(
        PAGE.format("The bridge will cost 48 million euros."), content_type="text/html"
    )
    source = source_for_url(web.url_for("/story"))
    Source.objects.filter(pk=source.pk).update(next_pull_at=timezone.now() + timezone.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            reverse("admin:sources_source_changelist"),
            {"action": "pull_now", "_selected_action": [source.pk]},
            follow=True,
        )
    assert "Queued a pull of 1 source(s)." in response.content.decode()
    assert Snapshot.objects.filter(source=source).count() == 1


def test_snapshot_text_view_escapes_fetched_markup(editor):
    source = source_for_url("https://evil.example/page")
    snapshot, _ = record_snapshot(
        source=source, body=b"<script>alert(1)</script> & <b>bold</b>", content_type="text/plain"
    )
    response = editor.get(reverse("admin:sources_snapshot_text", args=[snapshot.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in body
    assert "<script>alert(1)</script>" not in body


def test_snapshot_diff_view_shows_added_and_removed_lines(editor):
    source = source_for_url("https://news.example/story")
    old, _ = record_snapshot(
        source=source, body=b"Line kept.\nThe bridge costs 48 million.", content_type="text/plain"
    )
    new, _ = record_snapshot(
        source=source, body=b"Line kept.\nThe bridge costs 52 million.", content_type="text/plain"
    )
    response = editor.get(reverse("admin:sources_snapshot_diff", args=[new.pk]))
    body = response.content.decode()
    assert "- The bridge costs 48 million." in body
    assert "+ The bridge costs 52 million." in body
    assert "Line kept." not in body.split("Removed")[1]
    assert editor.get(reverse("admin:sources_snapshot_diff", args=[old.pk])).status_code == 200


def test_snapshot_views_require_staff(client):
    source = source_for_url("https://news.example/story")
    snapshot, _ = record_snapshot(source=source, body=b"text", content_type="text/plain")
    response = client.get(reverse("admin:sources_snapshot_text", args=[snapshot.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]
