from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from sources import pulling
from sources.diffing import snapshot_diff
from sources.models import Snapshot, Source
from sources.scheduling import retry_countdown
from sources.services import enqueue_due_sources, record_snapshot, request_pull, source_for_url, watch_sources
from sources.signals import snapshot_changed, source_gone
from sources.tasks import pull_source, refresh_due_sources
from tests.fixtures.sources.support import fixture_bytes

pytestmark = pytest.mark.django_db

V1 = "<html><head><title>Budget</title></head><body><article><p>{}</p></article></body></html>"
TEXT_A = "The council approved a budget of 48 million euros for the harbour bridge on Thursday evening."
TEXT_B = "The council approved a budget of 52 million euros for the harbour bridge on Thursday evening."


@pytest.fixture
def signals():
    seen = []

    def on_changed(sender, **kwargs):
        seen.append(("changed", kwargs["source_id"], kwargs["old_snapshot_id"], kwargs["new_snapshot_id"]))

    def on_gone(sender, **kwargs):
        seen.append(("gone", kwargs["source_id"], kwargs["reason"]))

    snapshot_changed.connect(on_changed)
    source_gone.connect(on_gone)
    yield seen
    snapshot_changed.disconnect(on_changed)
    source_gone.disconnect(on_gone)


def serve(web, path, text, **headers):
    web.clear()
    web.no_handler_status_code = 404
    web.expect_request(path).respond_with_data(V1.format(text), content_type="text/html", headers=headers)


def make_due(source):
    Source.objects.filter(pk=source.pk).update(next_pull_at=timezone.now())


def pull(source, attempt=0):
    return pulling.source_pull(source_id=source.pk, attempt=attempt)


def test_first_pull_stores_a_snapshot_and_announces_it(web, signals, django_capture_on_commit_callbacks):
    web.expect_request("/story").respond_with_data(fixture_bytes("article.html"), content_type="text/html")
    source = source_for_url(web.url_for("/story"))
    with django_capture_on_commit_callbacks(execute=True):
        assert pull(source) == "changed"
    source.refresh_from_db()
    snapshot = source.latest_snapshot
    assert source.state == Source.State.OK and source.last_error == ""
    assert snapshot.title.startswith("Harbour bridge repairs") and snapshot.byline == "Jane Doe"
    assert [link["url"] for link in snapshot.links][1] == "https://council.example/minutes/2024-04-02"
    assert snapshot.http_status == 200 and len(snapshot.sha256) == 64 and snapshot.raw_body
    assert source.next_pull_at > timezone.now() + timedelta(seconds=settings.SOURCES_PULL_INTERVAL * 0.8)
    assert signals == [("changed", source.pk, None, snapshot.pk)]


def test_unchanged_content_adds_no_snapshot_and_backs_off_the_next_pull(web, signals):
    serve(web, "/story", TEXT_A)
    source = source_for_url(web.url_for("/story"))
    pull(source)
    make_due(source)
    assert pull(source) == "unchanged"
    source.refresh_from_db()
    assert source.snapshots.count() == 1 and source.unchanged_pulls == 1
    assert source.next_pull_at > timezone.now() + timedelta(seconds=settings.SOURCES_PULL_INTERVAL * 1.6)


def test_a_304_records_a_check_not_a_snapshot(web):
    serve(web, "/story", TEXT_A, ETag='"a"')
    source = source_for_url(web.url_for("/story"))
    pull(source)
    web.clear()
    web.expect_request("/story", headers={"If-None-Match": '"a"'}).respond_with_data("", status=304)
    make_due(source)
    before = Source.objects.get(pk=source.pk).last_checked_at
    assert pull(source) == "not_modified"
    source.refresh_from_db()
    assert source.snapshots.count() == 1
    assert source.last_checked_at > before and source.etag == '"a"'


def test_changed_content_adds_a_snapshot_signals_it_and_the_diff_shows_the_change(
    web, signals, django_capture_on_commit_callbacks
):
    serve(web, "/story", TEXT_A)
    source = source_for_url(web.url_for("/story"))
    pull(source)
    first = source.snapshots.get()
    serve(web, "/story", TEXT_B)
    make_due(source)
    with django_capture_on_commit_callbacks(execute=True):
        assert pull(source) == "changed"
    second = Source.objects.get(pk=source.pk).latest_snapshot
    assert second.pk != first.pk
    assert signals[-1] == ("changed", source.pk, first.pk, second.pk)
    diff = snapshot_diff(first, second)
    assert diff.added == [TEXT_B] and diff.removed == [TEXT_A]


def test_content_that_reverts_makes_the_earlier_snapshot_current_again_without_a_new_row(
    web, signals, django_capture_on_commit_callbacks
):
    source = source_for_url(web.url_for("/story"))
    for text in (TEXT_A, TEXT_B, TEXT_A):
        serve(web, "/story", text)
        make_due(source)
        with django_capture_on_commit_callbacks(execute=True):
            pull(source)
    source.refresh_from_db()
    first, second = source.snapshots.order_by("id")
    assert source.snapshots.count() == 2
    assert source.latest_snapshot == first
    assert signals[-1] == ("changed", source.pk, second.pk, first.pk)


def test_a_404_marks_the_source_gone_and_signals_once(web, signals, django_capture_on_commit_callbacks):
    source = source_for_url(web.url_for("/deleted"))
    with django_capture_on_commit_callbacks(execute=True):
        assert pull(source) == Source.State.GONE
        make_due(source)
        assert pull(source) == Source.State.GONE
    source.refresh_from_db()
    assert source.state == Source.State.GONE and "HTTP 404" in source.last_error
    assert signals == [("gone", source.pk, source.last_error)]
    assert source.next_pull_at > timezone.now() + timedelta(days=6)


def test_410_is_gone_too(web):
    web.expect_request("/removed").respond_with_data("", status=410)
    source = source_for_url(web.url_for("/removed"))
    assert pull(source) == Source.State.GONE


def test_429_schedules_a_retry_no_sooner_than_retry_after(web):
    web.expect_request("/busy").respond_with_data("", status=429, headers={"Retry-After": "90"})
    source = source_for_url(web.url_for("/busy"))
    with pytest.raises(pulling.RetryLater) as info:
        pull(source)
    assert info.value.countdown >= 90 and info.value.attempt == 1
    source.refresh_from_db()
    assert "HTTP 429" in source.last_error and source.consecutive_failures == 1
    assert source.next_pull_at >= timezone.now() + timedelta(seconds=85)
    assert source.lease_until is None


def test_transient_failures_are_retried_a_bounded_number_of_times_then_recorded(web):
    web.expect_request("/flaky").respond_with_data("", status=503)
    source = source_for_url(web.url_for("/flaky"))
    countdowns = []
    with override_settings(SOURCES_PULL_MAX_RETRIES=2):
        for attempt in range(2):
            with pytest.raises(pulling.RetryLater) as info:
                pull(source, attempt=attempt)
            countdowns.append(info.value.countdown)
            make_due(source)  # the retry message arrives when its countdown is over
        assert pull(source, attempt=2) == Source.State.FAILED
    source.refresh_from_db()
    assert 0 < countdowns[0] <= settings.SOURCES_RETRY_BASE_DELAY <= countdowns[1]
    assert [r.path for r, _ in web.log].count("/flaky") == 3
    assert source.state == Source.State.FAILED and "HTTP 503" in source.last_error
    assert source.consecutive_failures == 3
    assert source.next_pull_at > timezone.now() + timedelta(hours=1)


def test_every_retry_countdown_stays_below_the_visibility_timeout():
    for attempt in range(30):
        assert retry_countdown(attempt, retry_after=10**9) < settings.BROKER_VISIBILITY_TIMEOUT
    assert settings.SOURCES_RETRY_MAX_DELAY < settings.BROKER_VISIBILITY_TIMEOUT
    assert settings.SOURCES_PULL_LEASE < settings.BROKER_VISIBILITY_TIMEOUT


@pytest.mark.usefixtures("fetch_settings")
def test_a_source_at_a_private_address_is_blocked_and_never_pulled_automatically():
    source = source_for_url("http://10.20.30.40/admin")
    assert pull(source) == Source.State.BLOCKED
    source.refresh_from_db()
    assert "private address" in source.last_error and source.next_pull_at is None


def test_robots_disallow_blocks_the_source_with_the_reason(web):
    web.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /\n", content_type="text/plain"
    )
    source = source_for_url(web.url_for("/story"))
    assert pull(source) == Source.State.BLOCKED
    assert "robots.txt" in Source.objects.get(pk=source.pk).last_error


def test_a_pdf_is_recorded_as_unsupported(web):
    web.expect_request("/report.pdf").respond_with_data(b"%PDF-1.7", content_type="application/pdf")
    source = source_for_url(web.url_for("/report.pdf"))
    assert pull(source) == Source.State.UNSUPPORTED
    assert "PDF" in Source.objects.get(pk=source.pk).last_error


def test_a_duplicate_pull_message_does_nothing(web):
    serve(web, "/story", TEXT_A)
    source = source_for_url(web.url_for("/story"))
    pull_source.delay(source.pk)
    pull_source.delay(source.pk)
    assert [r.path for r, _ in web.log].count("/story") == 1
    assert source.snapshots.count() == 1


def test_a_source_leased_by_a_running_pull_is_skipped_until_the_lease_expires(web):
    serve(web, "/story", TEXT_A)
    source = source_for_url(web.url_for("/story"))
    Source.objects.filter(pk=source.pk).update(lease_until=timezone.now() + timedelta(minutes=5))
    assert pull(source) == "skipped"
    Source.objects.filter(pk=source.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert pull(source) == "changed"


def test_request_pull_queues_pulls_after_commit_even_for_sources_not_due(
    web, django_capture_on_commit_callbacks
):
    serve(web, "/story", TEXT_A)
    source = source_for_url(web.url_for("/story"))
    Source.objects.filter(pk=source.pk).update(next_pull_at=timezone.now() + timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request_pull([source.pk])
    assert source.snapshots.count() == 0 and len(callbacks) == 1
    callbacks[0]()
    assert source.snapshots.count() == 1


def test_an_articles_cited_sources_are_pulled_by_one_message_each_with_its_own_lease_and_retry(
    web, django_capture_on_commit_callbacks
):
    for i in range(3):
        web.expect_request(f"/story/{i}").respond_with_data(
            V1.format(f"{TEXT_A} ({i})"), content_type="text/html"
        )
    web.expect_request("/flaky").respond_with_data("", status=503)
    ok = [source_for_url(web.url_for(f"/story/{i}")) for i in range(3)]
    flaky = source_for_url(web.url_for("/flaky"))
    Source.objects.filter(pk=ok[2].pk).update(lease_until=timezone.now() + timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request_pull([*(s.pk for s in ok), flaky.pk])
    assert len(callbacks) == 1  # one message for the four sources
    callbacks[0]()
    assert [s.snapshots.count() for s in ok] == [1, 1, 0]  # the third is being pulled elsewhere
    flaky.refresh_from_db()
    # Its retry went out as its own message (run at once here, where it found the source not yet due).
    assert "HTTP 503" in flaky.last_error and flaky.consecutive_failures == 1
    assert flaky.next_pull_at > timezone.now() and flaky.lease_until is None
    assert [r.path for r, _ in web.log].count("/flaky") == 1


def test_refresh_queues_due_sources_once_and_again_after_the_grace_period(django_capture_on_commit_callbacks):
    due = Source.objects.create(url="https://a.example/1", domain="a.example", next_pull_at=timezone.now())
    Source.objects.create(
        url="https://a.example/2", domain="a.example", next_pull_at=timezone.now() + timedelta(1)
    )
    Source.objects.create(
        url="https://a.example/3",
        domain="a.example",
        next_pull_at=timezone.now(),
        lease_until=timezone.now() + timedelta(minutes=1),
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert enqueue_due_sources() == 1
        assert enqueue_due_sources() == 0
    assert len(callbacks) == 1
    later = timezone.now() + timedelta(seconds=settings.SOURCES_REQUEUE_AFTER + 1)
    with django_capture_on_commit_callbacks(execute=False):
        assert enqueue_due_sources(now=later) == 2  # the lease of /3 has expired by then too
    assert Source.objects.get(pk=due.pk).queued_at is not None


def test_refresh_task_pulls_the_due_sources(web, django_capture_on_commit_callbacks):
    serve(web, "/story", TEXT_A)
    source = source_for_url(web.url_for("/story"))
    with django_capture_on_commit_callbacks(execute=True):
        assert refresh_due_sources.delay().get() == 1
    assert source.snapshots.count() == 1


def test_watched_sources_are_pulled_again_sooner(web):
    serve(web, "/story", TEXT_A)
    source = source_for_url(web.url_for("/story"))
    pull(source)
    watch_sources([source.pk], until=timezone.now() + timedelta(days=2))
    source.refresh_from_db()
    assert source.next_pull_at <= timezone.now() + timedelta(seconds=settings.SOURCES_WATCH_INTERVAL)
    make_due(source)
    pull(source)
    source.refresh_from_db()
    assert source.next_pull_at <= timezone.now() + timedelta(seconds=settings.SOURCES_WATCH_INTERVAL * 1.2)


def test_record_snapshot_stores_supplied_html_once(signals, django_capture_on_commit_callbacks):
    source = source_for_url("https://news.example/local/2025/03/14/harbour-bridge")
    body = fixture_bytes("article.html")
    with django_capture_on_commit_callbacks(execute=True):
        snapshot, created = record_snapshot(source=source, body=body, content_type="text/html; charset=utf-8")
        again, created_again = record_snapshot(source=source, body=body, content_type="text/html")
    assert created and not created_again and again.pk == snapshot.pk
    assert Snapshot.objects.filter(source=source).count() == 1
    assert snapshot.links[0]["url"] == "https://news.example/docs/budget-2025.pdf"
    assert signals == [("changed", source.pk, None, snapshot.pk)]
    assert Source.objects.get(pk=source.pk).state == Source.State.PENDING


def test_record_snapshot_accepts_plain_text():
    source = source_for_url("https://news.example/plain")
    snapshot, created = record_snapshot(source=source, body=TEXT_A.encode(), content_type="text/plain")
    assert created and snapshot.text == TEXT_A and snapshot.links == []


def _prepared_statements():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        return cursor.fetchone()[0]


@pytest.mark.skipif(not settings.IS_POSTGRES, reason="prepared statements are PostgreSQL's")
def test_pulls_prepare_their_statements_once_per_connection_and_not_at_all_when_switched_off(web):
    serve(web, "/one", TEXT_A)
    web.expect_request("/two").respond_with_data(V1.format(TEXT_B), content_type="text/html")
    first, second = source_for_url(web.url_for("/one")), source_for_url(web.url_for("/two"))
    with override_settings(API_PREPARED_QUERIES=False):  # the pooler switch (PgBouncer < 1.21)
        before = _prepared_statements()
        assert pull(first) == "changed"
        assert _prepared_statements() == before
    make_due(first)
    serve(web, "/one", TEXT_B)
    web.expect_request("/two").respond_with_data(V1.format(TEXT_A), content_type="text/html")
    assert pull(first) == "changed"
    prepared = _prepared_statements()
    assert prepared > before
    assert pull(second) == "changed"
    assert _prepared_statements() == prepared  # the same statements again, not new ones
