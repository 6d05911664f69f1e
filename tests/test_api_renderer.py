"""The orjson renderer writes the same bytes as DRF's JSONRenderer (claims/api/renderers.py)."""

import datetime
import decimal
import uuid

import pytest
from django.test import override_settings
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer as DrfJSONRenderer

from claims.api.renderers import JSONRenderer
from claims.models import Evidence
from tests import api_fixtures as fx

AWKWARD = "".join(chr(i) for i in range(0x80)) + "é€\u2028\u2029😀\ufeff\u00a0/\\\"'<>&"


def test_awkward_values_render_to_the_same_bytes_as_drf():
    data = {
        "text": AWKWARD,
        1: [1, 2.5, 0.1, 1e15, -3, True, False, None, 5.0, 123456789.123],
        "utc": datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
        "offset": datetime.datetime(
            2024, 1, 1, 1, 2, 3, 4, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
        ),
        "naive": datetime.datetime(2024, 1, 1, 1, 2, 3),
        "date": datetime.date(2024, 2, 3),
        "time": datetime.time(1, 2, 3, 5),
        "duration": datetime.timedelta(seconds=5),
        "decimal": decimal.Decimal("1.50"),
        "uuid": uuid.uuid4(),
        "lazy": gettext_lazy("Not found."),
        "choice": Evidence.Stance.REFUTES,
        "tuple": (1, 2),
        "nested": {"a": [{"b": "c"}]},
    }
    assert JSONRenderer().render(data) == DrfJSONRenderer().render(data)
    indented = "application/json; indent=2"
    assert JSONRenderer().render(data, indented) == DrfJSONRenderer().render(data, indented)


@override_settings(API_PUBLIC_CACHE_SECONDS=0)
@pytest.mark.django_db
def test_public_pages_render_to_the_same_bytes_as_drf(client):
    verdict = fx.published_verdict(text=f"Claim with {AWKWARD[1:]}")  # PostgreSQL text holds no NUL
    fx.correct(fx.published_verdict())
    for path in ("/api/v1/verdicts/", f"/api/v1/verdicts/{verdict.pk}/", "/api/v1/verdicts/999999/"):
        response = client.get(path)
        assert response.content == DrfJSONRenderer().render(response.data), path
