"""A paginator that never runs a full ``COUNT(*)`` over a large PostgreSQL table.

Counting a million claims costs a sequential scan (hundreds of milliseconds) on every changelist page. On
PostgreSQL the planner already knows roughly how many rows a query returns: ``pg_class.reltuples`` for the
whole table, the top plan node's ``Plan Rows`` for a filtered query. When that estimate is at least
``ADMIN_EXACT_COUNT_BELOW`` the estimate is used; smaller results, SQLite and anything that is not a
queryset are counted exactly.
"""

import json

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


class EstimatedCountPaginator(Paginator):
    """Count exactly below the threshold; above it use PostgreSQL's estimate (the last page may be short)."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet) or connections[queryset.db].vendor != "postgresql":
            return super().count
        estimate = planner_estimate(queryset)
        if estimate is None or estimate < settings.ADMIN_EXACT_COUNT_BELOW:
            return super().count
        self.is_estimate = True
        return estimate

    is_estimate = False


def planner_estimate(queryset: QuerySet) -> int | None:
    """Return PostgreSQL's row estimate for ``queryset``, or None when the table was never analysed."""
    with connections[queryset.db].cursor() as cursor:
        if not queryset.query.where and not queryset.query.distinct:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [queryset.model._meta.db_table],
            )
            row = cursor.fetchone()
            # reltuples is -1 (PostgreSQL 14+) or 0 before the first ANALYZE/VACUUM.
            return int(row[0]) if row and row[0] > 0 else None
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])
