"""The permission table (``tests/permission_table.py``): it covers the whole surface, and every cell holds.

To add a row: see "Permissions" in docs/api.md.
"""

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.test import override_settings

from tests.permission_table import (
    ADMIN_MODELS,
    ALL_ROWS,
    admin_action_surface,
    admin_url_surface,
    run_cell,
    site_surface,
)
from tests.permission_world import PRINCIPALS, world_fixture  # noqa: F401 - fixture world


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


def test_the_table_covers_the_whole_surface():
    site_rows = {r.key for r in ALL_ROWS if r.kind == "api"}
    admin_rows = {r.key[0] for r in ALL_ROWS if r.kind == "admin"}
    action_rows = {r.key for r in ALL_ROWS if r.kind == "action"}
    registered = {model._meta.label for model in admin.site._registry}

    assert sorted(site_surface() - site_rows) == [], "endpoints without a row in API_ROWS"
    assert sorted(site_rows - site_surface()) == [], "rows of endpoints that no longer exist"
    assert sorted(registered ^ set(ADMIN_MODELS)) == [], "ADMIN_MODELS must name every registered model"
    assert sorted(admin_url_surface() - admin_rows) == [], "admin URLs without a row in ADMIN_PAGE_ROWS"
    assert sorted(admin_rows - admin_url_surface()) == [], "rows of admin URLs that no longer exist"
    assert sorted(admin_action_surface() - action_rows) == [], "admin actions without a row in ACTION_ROWS"
    assert sorted(action_rows - admin_action_surface()) == [], "rows of admin actions that no longer exist"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "principal"),
    [
        pytest.param(
            row,
            p,
            id=f"{row.id} {p}",
            marks=[pytest.mark.xfail(strict=True, reason=why) for who, why in row.known_bugs if who == p],
        )
        for row in ALL_ROWS
        for p in PRINCIPALS
    ],
)
def test_each_cell_of_the_permission_table(world, row, principal):
    with override_settings(**dict(row.settings)):
        assert run_cell(world, row, principal) == row.expect[principal]
