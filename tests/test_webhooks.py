"""Webhooks: signed deliveries after commit, retries of transient failures, the delivery log,
auto-disable after repeated failures, and the address guard."""

import hashlib
import hmac
import json
import time
import uuid

import pytest
import redis
from django.conf import settings as django_settings
from django.db import transaction
from django.test import override_settings
from werkzeug import Response

from claims.models_api import WebhookDelivery, WebhookSubscription
from claims.webhooks import services
from claims.webhooks.admin import SubscriptionForm
from claims.webhooks.tasks import sweep_webhook_deliveries
from factcheck.celery import app as celery_app
from tests import api_fixtures as fx
from tests.test_foundation import run_manage
from tests.workers import start_worker, stop_worker

pytestmark = pytest.mark.django_db
SECRET = "s3cret-shared-with-the-consumer"
FAST_RETRIES = override_settings(WEBHOOK_RETRY_DELAYS=[0, 0, 0], WEBHOOK_TIMEOUT=0.5)


@pytest.fixture(autouse=True)
def _receiver_port_allowed(httpserver):
    """The receivers listen on 127.0.0.1 at a random port: let the address guard accept that port."""
    with override_settings(FETCH_ALLOW_LOOPBACK=True, FETCH_ALLOWED_PORTS=[80, 443, httpserver.port]):
        yield


def subscribe(url: str, events=("verdict.published",), **extra) -> WebhookSubscription:
    return WebhookSubscription.objects.create(
        name="partner", url=url, secret=SECRET, events=list(events), **extra
    )


def emit(django_capture_on_commit_callbacks, event="verdict.published", data=None):
    with django_capture_on_commit_callbacks(execute=True):
        return services.webhook_emit(event=event, data=data or {"id": 7, "summary": "It is false."})


def consumer_accepts(body: bytes, header: str, secret: str, *, now: float | None = None) -> bool:
    """What a consumer writes with only the secret (the recipe in docs/api.md)."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    timestamp = int(fields["t"])
    if abs((now or time.time()) - timestamp) > 300:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


def test_delivery_is_signed_so_a_consumer_with_only_the_secret_can_verify_it(
    httpserver, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    subscribe(httpserver.url_for("/hook"))

    emit(django_capture_on_commit_callbacks, data={"id": 7, "summary": "It is false."})

    ((request, _),) = httpserver.log
    header = request.headers["X-Factcheck-Signature"]
    assert consumer_accepts(request.get_data(), header, SECRET)
    assert not consumer_accepts(request.get_data(), header, "another-secret")
    assert not consumer_accepts(request.get_data() + b" ", header, SECRET)
    assert not consumer_accepts(request.get_data(), header, SECRET, now=time.time() + 3600)  # a replay later
    body = json.loads(request.get_data())
    assert body["event"] == "verdict.published" and body["data"] == {"id": 7, "summary": "It is false."}
    assert request.headers["X-Factcheck-Event"] == "verdict.published"


@FAST_RETRIES
def test_a_receiver_failing_twice_then_succeeding_gets_exactly_one_accepted_delivery(
    httpserver, django_capture_on_commit_callbacks
):
    for status in (503, 500):
        httpserver.expect_ordered_request("/hook", method="POST").respond_with_data("busy", status=status)
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_data("ok", status=200)
    subscribe(httpserver.url_for("/hook"))

    (delivery_id,) = emit(django_capture_on_commit_callbacks)

    statuses = [response.status_code for _, response in httpserver.log]
    assert statuses == [503, 500, 200]
    assert len({json.loads(req.get_data())["id"] for req, _ in httpserver.log}) == 1  # one event id
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 3, 200)
    sweep_webhook_deliveries()  # nothing left to send
    assert len(httpserver.log) == 3


@FAST_RETRIES
def test_a_timeout_is_retried(httpserver, django_capture_on_commit_callbacks):
    calls = []

    def slow_then_fast(request):
        calls.append(time.monotonic())
        if len(calls) == 1:
            time.sleep(1.0)
        return Response("ok")

    httpserver.expect_request("/hook").respond_with_handler(slow_then_fast)
    subscribe(httpserver.url_for("/hook"))

    (delivery_id,) = emit(django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.status == "succeeded" and delivery.attempts == 2 and len(calls) == 2


@FAST_RETRIES
def test_a_client_error_is_not_retried_and_is_logged(httpserver, django_capture_on_commit_callbacks):
    httpserver.expect_request("/hook").respond_with_data("no such hook", status=404)
    subscription = subscribe(httpserver.url_for("/hook"))

    (delivery_id,) = emit(django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("failed", 1, 404)
    assert len(httpserver.log) == 1
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 1 and subscription.is_active


@FAST_RETRIES
def test_retries_stop_after_the_configured_number_and_the_delivery_fails(
    httpserver, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/hook").respond_with_data("down", status=503)
    subscribe(httpserver.url_for("/hook"))

    (delivery_id,) = emit(django_capture_on_commit_callbacks)

    assert len(httpserver.log) == 4  # the first try and 3 retries (WEBHOOK_RETRY_DELAYS has 3 entries)
    assert WebhookDelivery.objects.get(pk=delivery_id).status == "failed"


@override_settings(WEBHOOK_RETRY_DELAYS=[], WEBHOOK_DISABLE_AFTER_FAILURES=2)
def test_subscription_is_disabled_after_consecutive_failures_and_gets_nothing_more(
    httpserver, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/hook").respond_with_data("down", status=500)
    subscription = subscribe(httpserver.url_for("/hook"))

    emit(django_capture_on_commit_callbacks)
    emit(django_capture_on_commit_callbacks)
    emit(django_capture_on_commit_callbacks)

    subscription.refresh_from_db()
    assert not subscription.is_active and subscription.disabled_at is not None
    assert "2 failed deliveries in a row" in subscription.disabled_reason
    assert len(httpserver.log) == 2
    services.subscription_enable(subscription=subscription)
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.consecutive_failures == 0


@override_settings(WEBHOOK_RETRY_DELAYS=[], WEBHOOK_DISABLE_AFTER_FAILURES=2)
def test_a_success_resets_the_failure_count(httpserver, django_capture_on_commit_callbacks):
    httpserver.expect_ordered_request("/hook").respond_with_data("down", status=500)
    httpserver.expect_ordered_request("/hook").respond_with_data("ok")
    httpserver.expect_ordered_request("/hook").respond_with_data("down", status=500)
    subscription = subscribe(httpserver.url_for("/hook"))

    for _ in range(3):
        emit(django_capture_on_commit_callbacks)

    subscription.refresh_from_db()
    assert subscription.is_active and subscription.consecutive_failures == 1


def test_redirects_are_never_followed(httpserver, django_capture_on_commit_callbacks):
    httpserver.expect_request("/hook").respond_with_response(
        Response("", status=302, headers={"Location": httpserver.url_for("/elsewhere")})
    )
    httpserver.expect_request("/elsewhere").respond_with_data("ok")
    subscribe(httpserver.url_for("/hook"))

    (delivery_id,) = emit(django_capture_on_commit_callbacks)

    assert [req.path for req, _ in httpserver.log] == ["/hook"]
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.status == "failed" and "redirect" in delivery.last_error


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.7/hook", "ftp://example.org/hook"]
)
def test_delivery_to_a_forbidden_address_is_refused_without_a_request(
    url, django_capture_on_commit_callbacks
):
    subscribe(url)

    (delivery_id,) = emit(django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.status == "failed" and "address guard" in delivery.last_error
    assert delivery.last_status_code is None


@override_settings(FETCH_ALLOW_LOOPBACK=False)
def test_loopback_receivers_are_refused_unless_the_setting_allows_them(
    httpserver, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/hook").respond_with_data("ok")
    subscribe(httpserver.url_for("/hook"))

    (delivery_id,) = emit(django_capture_on_commit_callbacks)

    assert httpserver.log == []
    assert WebhookDelivery.objects.get(pk=delivery_id).status == "failed"


def test_admin_form_refuses_an_internal_address_and_proposes_a_random_secret():
    form = SubscriptionForm(
        data={
            "name": "x",
            "url": "http://192.168.1.10/hook",
            "secret": SECRET,
            "events": ["verdict.published"],
        }
    )
    assert not form.is_valid() and "cannot receive webhooks" in form.errors["url"][0]
    assert len(SubscriptionForm().fields["secret"].initial) >= 32


def test_only_subscribers_of_the_event_get_it_and_nothing_is_sent_for_a_rolled_back_write(
    httpserver, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/a").respond_with_data("ok")
    httpserver.expect_request("/b").respond_with_data("ok")
    subscribe(httpserver.url_for("/a"), events=["verdict.corrected"])
    subscribe(httpserver.url_for("/b"), events=["verdict.published", "verdict.corrected"])
    subscribe(httpserver.url_for("/b"), events=["verdict.published"], is_active=False)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.webhook_emit(event="verdict.published", data={})
        raise RuntimeError("the publishing write failed")
    assert httpserver.log == [] and not WebhookDelivery.objects.exists()

    emit(django_capture_on_commit_callbacks, event="verdict.published")
    assert [req.path for req, _ in httpserver.log] == ["/b"]


def test_the_sweeper_sends_deliveries_whose_task_was_lost(httpserver):
    httpserver.expect_request("/hook").respond_with_data("ok")
    subscription = subscribe(httpserver.url_for("/hook"))
    # Queued while the broker was down: the row exists, its task never ran.
    lost = WebhookDelivery.objects.create(
        subscription=subscription,
        event="verdict.published",
        payload={"id": "x", "event": "verdict.published", "data": {}},
        next_attempt_at=fx.BASE_TIME,
    )

    assert sweep_webhook_deliveries() == 1

    lost.refresh_from_db()
    assert lost.status == "succeeded" and len(httpserver.log) == 1


def test_verdict_event_payload_is_the_public_verdict_json():
    from claims.webhooks.events import verdict_data, withdrawn_data

    verdict = fx.published_verdict(evidence_note="NOTE-NOT-PUBLIC")
    data = verdict_data(verdict.pk)
    assert data["id"] == verdict.pk and data["rating"]["slug"] == "false"
    assert "NOTE-NOT-PUBLIC" not in json.dumps(data)
    draft = fx.published_verdict(state="draft")
    assert verdict_data(draft.pk) is None
    assert set(withdrawn_data(draft.pk)) == {"id", "url", "claim_id", "state"}


@pytest.mark.services
def test_a_real_worker_delivers_after_commit_and_retries_a_failure(httpserver, transactional_db, tmp_path):
    httpserver.expect_ordered_request("/hook").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/hook").respond_with_data("ok")
    subscribe(httpserver.url_for("/hook"))
    queue = f"webhooks-test-{uuid.uuid4().hex[:8]}"  # no other worker of the session takes these
    worker = start_worker(
        queues=queue,
        concurrency=2,
        log_path=tmp_path / "worker.log",
        FETCH_ALLOWED_PORTS=f"80,443,{httpserver.port}",
        WEBHOOK_QUEUE=queue,
        WEBHOOK_RETRY_DELAYS="1",
    )
    celery_app.conf.task_always_eager = False
    try:
        with override_settings(WEBHOOK_QUEUE=queue):
            (delivery_id,) = services.webhook_emit(event="verdict.published", data={"id": 1})
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            delivery = WebhookDelivery.objects.get(pk=delivery_id)
            if delivery.status == "succeeded":
                break
            time.sleep(0.2)
    finally:
        celery_app.conf.task_always_eager = True
        stop_worker(worker)
        redis.Redis.from_url(django_settings.REDIS_URL).delete(queue)
    assert (delivery.status, delivery.attempts) == ("succeeded", 2), (tmp_path / "worker.log").read_text()[
        -3000:
    ]
    assert [resp.status_code for _, resp in httpserver.log] == [503, 200]


def test_every_webhook_retry_delay_with_its_jitter_stays_below_the_visibility_timeout(settings):
    for attempt in range(1, len(settings.WEBHOOK_RETRY_DELAYS) + 1):
        assert services.retry_delay(attempt) < settings.BROKER_VISIBILITY_TIMEOUT
    assert services.retry_delay(len(settings.WEBHOOK_RETRY_DELAYS) + 1) is None  # then the delivery fails


def test_a_retry_delay_beyond_the_visibility_timeout_stops_start_up():
    result = run_manage(
        "check", DEBUG="true", CELERY_VISIBILITY_TIMEOUT="3600", WEBHOOK_RETRY_DELAYS="5,3000"
    )
    assert result.returncode != 0 and "WEBHOOK_RETRY_DELAYS" in result.stderr
