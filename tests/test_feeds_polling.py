import time
import uuid
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from claims.feeds.tasks import poll_due_feeds, poll_feed
from claims.models_feeds import ExternalReview, Feed, FeedItem
from factcheck.celery import app as celery_app
from sources.models import Source
from tests.feeds_support import base_url, fixture, make_feed, run
from tests.workers import start_worker, stop_worker

pytestmark = pytest.mark.django_db

ARTICLE = (
    b"<html><head><title>Story</title></head><body><article><p>Plain news story.</p></article></body></html>"
)


@pytest.fixture(autouse=True)
def _fast_retries(settings):
    settings.FEEDS_RETRY_BASE_SECONDS = 0


def serve_wire(web, *, etag='"wire-v1"', last_modified="Sat, 28 Nov 2026 09:20:00 GMT"):
    base = base_url(web)
    web.expect_request("/wire.rss").respond_with_data(
        fixture("wire.rss", base),
        content_type="application/rss+xml",
        headers={"ETag": etag, "Last-Modified": last_modified},
    )
    for page in ("/news/offshore-wind-share", "/news/rates-hold"):
        web.expect_request(page).respond_with_data(ARTICLE, content_type="text/html")


def requests_to(web, path: str) -> list:
    return [request for request, _response in web.log if request.path == path]


def test_new_items_are_recorded_once_and_their_pages_pulled_as_sources(web):
    serve_wire(web, etag="", last_modified="")
    feed = make_feed(web, "/wire.rss")

    run(poll_feed, feed.pk)
    run(poll_feed, feed.pk)

    items = FeedItem.objects.filter(feed=feed)
    assert sorted(items.values_list("guid", flat=True)) == ["wire-2026-11-28-0001", "wire-2026-11-28-0002"]
    assert all(item.source is not None for item in items)
    assert Source.objects.filter(url__endswith="/news/offshore-wind-share").count() == 1
    assert len(requests_to(web, "/news/offshore-wind-share")) == 1  # pulled once, on detection
    feed.refresh_from_db()
    assert (feed.last_status, feed.last_error, feed.consecutive_failures) == (200, "", 0)


def test_an_unchanged_feed_costs_a_304_and_adds_nothing(web):
    serve_wire(web)
    feed = make_feed(web, "/wire.rss")
    run(poll_feed, feed.pk)
    items_before = FeedItem.objects.count()
    web.clear()
    web.expect_request("/wire.rss").respond_with_data("", status=304)

    run(poll_feed, feed.pk)

    (request,) = requests_to(web, "/wire.rss")
    assert request.headers["If-None-Match"] == '"wire-v1"'
    assert request.headers["If-Modified-Since"] == "Sat, 28 Nov 2026 09:20:00 GMT"
    assert FeedItem.objects.count() == items_before
    assert len(web.log) == 1  # no item page pulled again
    feed.refresh_from_db()
    assert feed.last_status == 304 and feed.next_poll_at > timezone.now()


def test_a_malformed_feed_records_its_error_without_stopping_other_feeds(web):
    serve_wire(web)
    web.expect_request("/broken.rss").respond_with_data(fixture("malformed.rss"), content_type="text/html")
    broken = make_feed(web, "/broken.rss")
    good = make_feed(web, "/wire.rss")

    assert run(poll_due_feeds) == 2

    broken.refresh_from_db()
    assert "not an RSS or Atom feed" in broken.last_error
    assert broken.consecutive_failures == 1
    assert broken.next_poll_at > timezone.now() + timedelta(
        minutes=broken.poll_interval_minutes
    )  # backed off
    assert FeedItem.objects.filter(feed=good).count() == 2
    assert not FeedItem.objects.filter(feed=broken).exists()


def test_each_feed_is_polled_on_its_own_interval(web):
    serve_wire(web)
    hourly = make_feed(web, "/wire.rss", poll_interval_minutes=60)
    later = make_feed(web, "/not-due.rss", next_poll_at=timezone.now() + timedelta(minutes=5))
    make_feed(web, "/disabled.rss", enabled=False)

    assert run(poll_due_feeds) == 1

    hourly.refresh_from_db()
    assert timedelta(minutes=59) < hourly.next_poll_at - timezone.now() < timedelta(minutes=67)
    assert run(poll_due_feeds) == 0  # nothing due until the interval passes
    assert not requests_to(web, "/not-due.rss") and not requests_to(web, "/disabled.rss")
    later.refresh_from_db()
    assert later.last_polled_at is None


def test_transient_errors_are_retried_a_bounded_number_of_times_then_recorded(web, settings, monkeypatch):
    settings.FEEDS_POLL_RETRIES = 2
    web.expect_request("/flaky.rss").respond_with_data("busy", status=503)
    feed = make_feed(web, "/flaky.rss")

    # Celery runs eager retries inline only when errors are not propagated (as on a worker).
    celery_app.conf.task_eager_propagates = False
    try:
        poll_feed.apply(args=[feed.pk])
    finally:
        celery_app.conf.task_eager_propagates = True

    assert len(requests_to(web, "/flaky.rss")) == 3
    feed.refresh_from_db()
    assert "HTTP 503" in feed.last_error and feed.consecutive_failures == 1


def test_a_permanent_error_is_recorded_without_retrying(web):
    web.expect_request("/gone.rss").respond_with_data("gone", status=410)
    feed = make_feed(web, "/gone.rss")

    run(poll_feed, feed.pk)

    assert len(requests_to(web, "/gone.rss")) == 1
    feed.refresh_from_db()
    assert feed.last_error.startswith("HTTP 410") and feed.last_status is None


def test_claimreview_in_a_pulled_item_page_is_stored_as_an_external_review(web):
    base = base_url(web)
    web.expect_request("/sitemap.xml").respond_with_data(
        fixture("sitemap.xml", base), content_type="application/xml"
    )
    web.expect_request("/checks/offshore-wind-40-percent").respond_with_data(
        fixture("wind-check.html", base), content_type="text/html"
    )
    web.expect_request("/checks/older-check").respond_with_data(ARTICLE, content_type="text/html")
    feed = make_feed(web, "/sitemap.xml", kind=Feed.Kind.SITEMAP)

    run(poll_feed, feed.pk)

    (review,) = ExternalReview.objects.all()
    item = FeedItem.objects.get(guid=f"{base}/checks/offshore-wind-40-percent")
    assert (review.url, review.publisher_name, review.textual_rating) == (item.url, "Wire Checks", "False")
    assert review.feed_item == item and review.source == item.source and review.origin == "feed"
    assert item.processed_at is not None


def test_a_claimreview_page_feed_stores_its_reviews_and_updates_them_in_place(web):
    page = fixture("factchecker-page.html")
    web.expect_request("/checks/").respond_with_data(page, content_type="text/html")
    feed = make_feed(web, "/checks/", kind=Feed.Kind.CLAIMREVIEW_PAGE)
    run(poll_feed, feed.pk)
    assert ExternalReview.objects.count() == 3 and FeedItem.objects.filter(feed=feed).count() == 3

    web.clear()
    changed = page.replace(b'"alternateName": "Half true"', b'"alternateName": "Mostly true"')
    web.expect_request("/checks/").respond_with_data(changed, content_type="text/html")
    run(poll_feed, feed.pk)

    assert ExternalReview.objects.count() == 3 and FeedItem.objects.filter(feed=feed).count() == 3
    bus = ExternalReview.objects.get(url="https://checkers.example.org/checks/bus-fares")
    assert (bus.textual_rating, bus.verdict) == ("Mostly true", "true")


def test_an_atom_feed_with_only_last_modified_is_polled_conditionally_on_that_date(web):
    base = base_url(web)
    web.expect_request("/releases.atom").respond_with_data(
        fixture("releases.atom", base),
        content_type="application/atom+xml",
        headers={"Last-Modified": "Fri, 27 Nov 2026 09:30:00 GMT"},
    )
    web.expect_request("/releases/labour-market-2026-11").respond_with_data(ARTICLE, content_type="text/html")
    feed = make_feed(web, "/releases.atom")
    run(poll_feed, feed.pk)
    web.clear()
    web.expect_request(
        "/releases.atom", headers={"If-Modified-Since": "Fri, 27 Nov 2026 09:30:00 GMT"}
    ).respond_with_data("", status=304)

    run(poll_feed, feed.pk)

    (request,) = requests_to(web, "/releases.atom")
    assert "If-None-Match" not in request.headers
    (item,) = FeedItem.objects.filter(feed=feed)
    assert item.title == "Unemployment rate falls to 3.9% in the three months to September"
    feed.refresh_from_db()
    assert feed.last_status == 304


@pytest.mark.services
def test_beat_polls_feeds_through_the_real_broker_and_worker(transactional_db, web, tmp_path):
    serve_wire(web)
    web.expect_request("/broken.rss").respond_with_data(fixture("malformed.rss"), content_type="text/html")
    good = make_feed(web, "/wire.rss")
    broken = make_feed(web, "/broken.rss")
    queue = f"io-feeds-{uuid.uuid4().hex[:8]}"
    worker = start_worker(
        queues=f"{queue},default",
        log_path=tmp_path / "worker.log",
        FETCH_ALLOWED_PORTS=f"80,443,{web.port}",
        FETCH_HOST_DELAY="0",
        FEEDS_POLL_QUEUE=queue,
        SOURCES_PULL_QUEUE=queue,
    )
    celery_app.conf.task_always_eager = False
    try:
        with override_settings(FEEDS_POLL_QUEUE=queue, SOURCES_PULL_QUEUE=queue):
            poll_due_feeds.delay()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                broken.refresh_from_db()
                pulled = Source.objects.filter(feed_items__feed=good, state=Source.State.OK).count()
                if pulled == 2 and broken.last_error:
                    break
                time.sleep(0.2)
    finally:
        celery_app.conf.task_always_eager = True
        stop_worker(worker)
        redis.Redis.from_url(settings.REDIS_URL).delete(queue)
    assert FeedItem.objects.filter(feed=good).count() == 2, (tmp_path / "worker.log").read_text()[-3000:]
    assert Source.objects.filter(feed_items__feed=good, state=Source.State.OK).count() == 2
    assert "not an RSS or Atom feed" in broken.last_error


def test_a_large_sitemap_is_taken_in_batches_newest_first(web, settings):
    settings.FEEDS_MAX_NEW_ITEMS_PER_POLL = 1
    base = base_url(web)
    web.expect_request("/sitemap.xml").respond_with_data(
        fixture("sitemap.xml", base), content_type="application/xml", headers={"ETag": '"s1"'}
    )
    for page in ("/checks/offshore-wind-40-percent", "/checks/older-check"):
        web.expect_request(page).respond_with_data(ARTICLE, content_type="text/html")
    feed = make_feed(web, "/sitemap.xml", kind=Feed.Kind.SITEMAP)

    run(poll_feed, feed.pk)
    assert list(FeedItem.objects.values_list("url", flat=True)) == [f"{base}/checks/offshore-wind-40-percent"]
    run(poll_feed, feed.pk)
    run(poll_feed, feed.pk)

    assert FeedItem.objects.filter(feed=feed).count() == 2
    conditional = [r for r in requests_to(web, "/sitemap.xml") if "If-None-Match" in r.headers]
    assert len(conditional) == 1  # validators kept only once the backlog was taken
