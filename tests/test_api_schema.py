"""Schemathesis: property-based requests generated from our OpenAPI schema, sent in-process (WSGI).

Every response must be a non-5xx answer whose status, content type, headers and body the schema declares.
"""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection

from tests import api_fixtures as fx

HIGH_RATES = {"anon": "100000/min", "user": "100000/min", "export": "100000/min"}


@pytest.fixture
def public_data(db):
    cache.clear()
    # Django's test client keeps the test's connection open across requests; plain WSGI calls would
    # close it at the end of each request (inside the test transaction), so do as the client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    old = fx.published_verdict()
    fx.correct(old)
    fx.published_verdict(text='A claim with <b>markup</b> & "quotes".', rating="misleading")
    fx.published_verdict(state="draft")
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded at collection (pytest-django has configured Django by then); the schema view needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@override_settings(API_THROTTLE_RATES=HIGH_RATES)
def test_api_answers_every_generated_request_without_server_errors_and_as_documented(case, public_data):
    # Not checked: that every out-of-schema request is refused. The API is lenient on purpose where
    # clients expect it: an empty filter (`?rating=`, as HTML forms send) means "no filter", and an
    # out-of-range page_size falls back to the default, as DRF's paginators do.
    case.call_and_validate(excluded_checks=[negative_data_rejection])
