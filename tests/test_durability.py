"""Which commits wait for the disk: the user's input does, the analysis derived from it does not."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from claims.ingestion import Submission, submit_article
from claims.models import Article
from factcheck.durability import derived_writes

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="synchronous_commit is a PostgreSQL setting"
)
ASYNC = "SET LOCAL synchronous_commit TO OFF"
PAGE = (
    b"<html><head><title>Exports</title></head><body><article><h1>Exports</h1>"
    b"<p>The ministry said exports rose 12 percent in 2024, to 41 billion dollars.</p>"
    b"<p>Imports fell by a third over the same period, the customs office reported.</p>"
    b"</article></body></html>"
)


def synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_derived_writes_skip_the_disk_wait_for_their_own_transaction_only():
    default = synchronous_commit()
    with derived_writes():
        assert connection.in_atomic_block
        assert synchronous_commit() == "off"
    assert synchronous_commit() == default
    with transaction.atomic(), derived_writes():  # an outer transaction keeps its own durability
        assert synchronous_commit() == default


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_submission_is_committed_durably_and_only_its_analysis_is_not():
    with CaptureQueriesContext(connection) as queries:
        article = submit_article(
            submission=Submission(html=PAGE, url="https://news.example/exports"), run_now=True
        )
    statements = [query["sql"] or "" for query in queries.captured_queries]
    first_async = statements.index(ASYNC)

    def first(prefix):
        return next(i for i, sql in enumerate(statements) if sql.startswith(prefix))

    article_insert, claims_insert = first('INSERT INTO "claims_article"'), first('INSERT INTO "claims_claim"')
    # The article as submitted (its page stored in the same transaction) is committed before any relaxed
    # commit; the claims after one.
    assert article_insert < first_async < claims_insert
    assert statements.count(ASYNC) == 2  # the "analysing" mark and the analysis
    article.refresh_from_db()
    assert article.analysis_state == Article.AnalysisState.DONE
    assert article.claims.count() == 2
