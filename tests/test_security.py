import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from factcheck.celery import app as celery_app
from factcheck.request_id import _current

pytestmark = pytest.mark.django_db


def test_pages_carry_the_security_headers(client):
    response = client.get("/admin/login/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_is_sent_over_tls(client):
    assert "max-age=31536000" in client.get("/healthz", secure=True)["Strict-Transport-Security"]


def test_every_response_names_its_request_id(client):
    generated = client.get("/healthz")["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="proxy-id-12345")["X-Request-ID"] == "proxy-id-12345"


def test_a_request_id_that_could_forge_log_lines_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc\nFAKE LOG LINE level=ERROR")
    assert "\n" not in response["X-Request-ID"] and "FAKE" not in response["X-Request-ID"]


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_admin_login_is_refused_after_repeated_failures_even_with_the_right_password(client):
    get_user_model().objects.create_user("editor", password="the-right-password-42", is_staff=True)
    for _ in range(3):
        client.post("/admin/login/", {"username": "editor", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "editor", "password": "the-right-password-42"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(AXES_ENABLED=True)
def test_a_correct_login_succeeds_when_not_locked_out(client):
    get_user_model().objects.create_user("editor", password="the-right-password-42", is_staff=True)
    response = client.post("/admin/login/", {"username": "editor", "password": "the-right-password-42"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


@pytest.mark.services
def test_the_request_id_travels_with_a_task_to_the_worker(celery_worker):
    token = _current.set("req-0123456789")
    try:
        result = celery_app.send_task("factcheck.trace")
    finally:
        _current.reset(token)
    assert result.get(timeout=20) == "req-0123456789"
