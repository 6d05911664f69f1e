from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim
from tests import admin_fixtures as fx

pytestmark = pytest.mark.django_db
URL = reverse("admin:claims_claim_changelist")


@pytest.fixture
def editor_client(client):
    client.force_login(fx.user("ed", role="editor"))
    return client


def _populate(n: int):
    art = fx.article("A long article text. " * 5)
    reviewer = fx.user(f"rev{n}", role="reviewer")
    person = fx.claimant(f"Claimant {n}")
    rating = fx.rating()
    for i in range(n):
        cl = fx.claim(
            art=art,
            claimant=person,
            assignee=reviewer,
            status=Claim.Status.RESEARCHING,
            due_date=timezone.localdate() + timedelta(days=i - 2),
            checkworthiness=0.5,
        )
        fx.evidence(cl)
        fx.verdict(cl, reviewer, rating=rating, summary="s")


def _queries_for_page(client, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_changelist_costs_the_same_number_of_queries_for_5_and_50_rows(editor_client):
    _populate(5)
    few = _queries_for_page(editor_client)
    _populate(45)
    many = _queries_for_page(editor_client)
    assert editor_client.get(URL).context["cl"].result_count == 50
    assert few == many


def test_filtered_and_searched_changelist_query_count_does_not_grow_with_rows(editor_client):
    _populate(5)
    params = {"status__exact": "researching", "has_evidence": "yes", "overdue": "no", "q": "Claim"}
    few = _queries_for_page(editor_client, **params)
    _populate(45)
    assert _queries_for_page(editor_client, **params) == few


def test_overdue_claims_are_highlighted_and_filterable(editor_client):
    late = fx.claim(
        "Late claim 1", status=Claim.Status.RESEARCHING, due_date=timezone.localdate() - timedelta(days=3)
    )
    fx.claim(
        "On time claim", status=Claim.Status.RESEARCHING, due_date=timezone.localdate() + timedelta(days=3)
    )
    fx.claim("Done claim", status=Claim.Status.PUBLISHED, due_date=timezone.localdate() - timedelta(days=3))
    page = editor_client.get(URL).content.decode()
    assert page.count("fc-overdue") == 1
    overdue = editor_client.get(URL, {"overdue": "yes"}).context["cl"].result_list
    assert [c.pk for c in overdue] == [late.pk]


def test_status_is_shown_as_a_badge(editor_client):
    fx.claim("In review claim", status=Claim.Status.IN_REVIEW)
    assert 'class="fc-badge fc-status-in_review">In review<' in editor_client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"has_evidence": "yes"}, {"with evidence"}),
        ({"has_evidence": "no"}, {"plain", "rated"}),
        ({"rating": "false"}, {"rated"}),
        ({"kind__exact": "numeric"}, {"plain"}),
        ({"assignee": "none"}, {"with evidence", "plain"}),
    ],
)
def test_filters_select_the_matching_claims(editor_client, params, expected):
    reviewer = fx.user("rv", role="reviewer")
    fx.evidence(fx.claim("with evidence"))
    fx.claim("plain", kind=Claim.Kind.NUMERIC)
    fx.verdict(fx.claim("rated", assignee=reviewer), reviewer, rating=fx.rating("False"))
    shown = {c.text for c in editor_client.get(URL, params).context["cl"].result_list}
    assert shown == expected


def test_claimant_and_article_filters_show_only_the_selected_one(editor_client):
    person = fx.claimant("Ada Speaker")
    art = fx.article("Some text here.", title="The Daily Story")
    mine = fx.claim("by Ada", claimant=person, art=art)
    fx.claim("by nobody")
    response = editor_client.get(URL, {"claimant": person.pk})
    assert [c.pk for c in response.context["cl"].result_list] == [mine.pk]
    assert "Ada Speaker" in response.content.decode()
    response = editor_client.get(URL, {"article": art.pk})
    assert [c.pk for c in response.context["cl"].result_list] == [mine.pk]


def test_search_matches_claim_text_claimant_name_and_article_url(editor_client):
    person = fx.claimant("Boris Quoted")
    art = fx.article("Text.")
    art.source.url = "https://paper.example.com/economy/inflation-story"
    art.source.save()
    by_text = fx.claim("Inflation reached twelve percent last winter")
    by_person = fx.claim("Something else entirely", claimant=person)
    by_article = fx.claim("Another thing", art=art)
    fx.claim("Unrelated sentence")

    def found(term):
        return {c.pk for c in editor_client.get(URL, {"q": term}).context["cl"].result_list}

    assert found("inflation") == {by_text.pk, by_article.pk}
    assert found("Boris") == {by_person.pk}
    assert found("paper.example.com/economy") == {by_article.pk}


def test_search_finds_a_number_whatever_thousands_separators_the_article_used(editor_client):
    with_commas = fx.claim("Russia exported 467,000 barrels a day to China")
    without = fx.claim("About 1250000 tonnes of grain were shipped")
    fx.claim("Only 467 barrels were lost and 000 recovered")

    def found(term):
        return {c.pk for c in editor_client.get(URL, {"q": term}).context["cl"].result_list}

    assert found("467000") == {with_commas.pk}
    assert found("467,000 barrels") == {with_commas.pk}
    assert found("1,250,000") == {without.pk}
    assert found("1250000 grain") == {without.pk}


def test_search_input_with_sql_and_like_metacharacters_is_just_text(editor_client):
    fx.claim("Growth was 50% in 2020")
    response = editor_client.get(URL, {"q": "'); DROP TABLE claims_claim; --"})
    assert response.status_code == 200
    assert Claim.objects.count() == 1


def test_checkworthiness_column_sorts_the_list(editor_client):
    low = fx.claim("low", checkworthiness=0.1)
    high = fx.claim("high", checkworthiness=0.9)
    cl = editor_client.get(URL, {"o": "3"}).context["cl"]  # 3rd column: check-worthiness, ascending
    assert [c.pk for c in cl.result_list] == [low.pk, high.pk]
    cl = editor_client.get(URL, {"o": "-3"}).context["cl"]
    assert [c.pk for c in cl.result_list] == [high.pk, low.pk]


def _worklist(client, **params) -> list[str]:
    return [c.text for c in client.get(URL, params).context["cl"].result_list]


def test_list_is_ordered_by_status_in_workflow_order_then_check_worthiness_then_newest(editor_client):
    fx.claim("published", status=Claim.Status.PUBLISHED, checkworthiness=0.99)
    fx.claim("open, older, 0.5", status=Claim.Status.OPEN, checkworthiness=0.5)
    fx.claim("candidate, unscored", status=Claim.Status.CANDIDATE, checkworthiness=None)
    fx.claim("open, 0.9", status=Claim.Status.OPEN, checkworthiness=0.9)
    fx.claim("candidate, 0.2", status=Claim.Status.CANDIDATE, checkworthiness=0.2)
    fx.claim("open, newer, 0.5", status=Claim.Status.OPEN, checkworthiness=0.5)
    fx.claim("in review", status=Claim.Status.IN_REVIEW, checkworthiness=0.1)

    assert _worklist(editor_client) == [
        "candidate, 0.2",
        "candidate, unscored",
        "open, 0.9",
        "open, newer, 0.5",
        "open, older, 0.5",
        "in review",
        "published",
    ]
    assert _worklist(editor_client, status__exact="open") == [
        "open, 0.9",
        "open, newer, 0.5",
        "open, older, 0.5",
    ]


def test_status_column_sorts_in_workflow_order_not_alphabetically(editor_client):
    for status in (Claim.Status.DISMISSED, Claim.Status.RESEARCHING, Claim.Status.CANDIDATE):
        fx.claim(status, status=status)
    assert _worklist(editor_client, o="-2") == ["dismissed", "researching", "candidate"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the index is built on PostgreSQL only (migration 0016)"
)
@pytest.mark.parametrize("params", [{}, {"status__exact": "open"}])
def test_default_order_is_read_from_the_worklist_index_without_sorting(editor_client, params):
    fx.claim("open", status=Claim.Status.OPEN)
    queryset = editor_client.get(URL, params).context["cl"].queryset
    with connection.cursor() as cursor:
        # Like a large table: a scan of the whole table is never the cheaper plan.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset[:50].explain()
    assert "claim_worklist_idx" in plan
    assert "Sort" not in plan


def test_assignee_overdue_and_rating_filters_keep_the_workflow_order(editor_client):
    reviewer = fx.user("rv2", role="reviewer")
    late = timezone.localdate() - timedelta(days=1)
    rating = fx.rating("False")
    for text, status, score in [
        ("in review", Claim.Status.IN_REVIEW, 0.9),
        ("researching, 0.3", Claim.Status.RESEARCHING, 0.3),
        ("researching, 0.8", Claim.Status.RESEARCHING, 0.8),
    ]:
        claim = fx.claim(text, status=status, checkworthiness=score, assignee=reviewer, due_date=late)
        fx.verdict(claim, reviewer, rating=rating, summary="s")
    expected = ["researching, 0.8", "researching, 0.3", "in review"]

    assert _worklist(editor_client, assignee=str(reviewer.pk)) == expected
    assert _worklist(editor_client, overdue="yes") == expected
    assert _worklist(editor_client, rating="false") == expected
