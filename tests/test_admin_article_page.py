import re

import pytest
from django.urls import reverse

from claims.admin.highlighting import Mark, highlight
from claims.models import Claim
from tests import admin_fixtures as fx

pytestmark = pytest.mark.django_db

TEXT = "The minister said unemployment fell to 3 percent. Critics disagree, see the report."


@pytest.fixture
def editor_client(client):
    client.force_login(fx.user("ed", role="editor"))
    return client


def _page(client, art) -> str:
    response = client.get(reverse("admin:claims_article_change", args=[art.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _text_block(page: str) -> str:
    return re.search(r'<div id="fc-article-text"[^>]*>(.*?)</div>', page, re.S).group(1)


def test_each_claim_is_highlighted_at_its_span_coloured_by_status_and_linking_to_it(editor_client):
    art = fx.article(
        TEXT, links=[{"url": "https://stats.example.org/r", "text": "the report", "start": 72, "end": 82}]
    )
    first = fx.claim(art=art, span=(18, 50), status=Claim.Status.OPEN)
    second = fx.claim(art=art, span=(51, 66), status=Claim.Status.PUBLISHED)
    block = _text_block(_page(editor_client, art))
    for cl, status in ((first, "open"), (second, "published")):
        href = reverse("admin:claims_claim_change", args=[cl.pk])
        match = re.search(rf'<a class="fc-claim fc-status-{status}" href="{href}"[^>]*>(.*?)</a>', block)
        assert match and match.group(1) == TEXT[cl.span_start : cl.span_end]
    assert '<span class="fc-cited" title="Cited: https://stats.example.org/r">the report</span>' in block


def test_highlighted_text_keeps_the_snapshot_text_exactly(editor_client):
    art = fx.article(TEXT)
    fx.claim(art=art, span=(0, 49))
    fx.claim(art=art, span=(18, 30))  # overlapping claims
    plain = re.sub(r"<[^>]+>", "", _text_block(_page(editor_client, art)))
    assert plain == TEXT


def test_fetched_html_in_snapshot_text_is_escaped_never_rendered():
    text = 'Hello <script>alert(1)</script> <img src=x onerror="alert(2)"> & "quotes"'
    html = highlight(text, [Mark(start=6, end=31, claim_id=1, status="open", title='<b onmouseover="x">')])
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'title="&lt;b onmouseover=&quot;x&quot;&gt;"' in html


def test_a_javascript_link_in_a_snapshot_is_listed_but_not_clickable(editor_client):
    art = fx.article(
        TEXT, links=[{"url": "javascript:alert(1)", "text": "the report", "start": 72, "end": 82}]
    )
    page = _page(editor_client, art)
    assert 'href="javascript:' not in page
    assert "<code>javascript:alert(1)</code>" in page


def test_spans_outside_the_text_are_ignored_rather_than_breaking_the_page(editor_client):
    art = fx.article("Short text.")
    fx.claim("Out of range", art=art, span=(5, 500))
    assert _text_block(_page(editor_client, art)) == "Short text."


def test_editor_sees_the_create_claim_from_selection_form_reviewer_does_not(client, editor_client):
    art = fx.article(TEXT)
    assert 'id="fc-span-form"' in _page(editor_client, art)
    client.force_login(fx.user("rv", role="reviewer"))
    assert 'id="fc-span-form"' not in _page(client, art)


def _create_from_span(client, art, **data):
    url = reverse("admin:claims_article_claim_from_span", args=[art.pk])
    return client.post(url, data, follow=True)


def test_editor_creates_a_claim_from_a_selected_span_cut_from_the_stored_text(editor_client):
    art = fx.article(TEXT)
    response = _create_from_span(editor_client, art, span_start=17, span_end=50, kind="numeric", accept="1")
    claim = Claim.objects.get()
    assert claim.text == "unemployment fell to 3 percent."  # leading and trailing spaces trimmed
    assert (claim.span_start, claim.span_end, claim.snapshot_id) == (18, 49, art.snapshot_id)
    assert (claim.status, claim.kind) == ("open", "numeric")
    assert response.redirect_chain[-1][0] == reverse("admin:claims_claim_change", args=[claim.pk])
    # Accepted without a claimant: the editor hears now, not when publishing is refused.
    shown = [str(m) for m in response.context["messages"]]
    assert f"This claim has no claimant: set one before it can be published (#{claim.pk})." in shown


def test_a_span_kept_as_a_candidate_brings_no_claimant_warning_yet(editor_client):
    art = fx.article(TEXT)
    response = _create_from_span(editor_client, art, span_start=17, span_end=50, kind="numeric")
    assert not any("no claimant" in str(m) for m in response.context["messages"])


def test_invalid_span_offsets_create_nothing_and_say_so(editor_client):
    art = fx.article(TEXT)
    for data in ({"span_start": 5, "span_end": 5000}, {"span_start": "x", "span_end": 3}, {}):
        response = _create_from_span(editor_client, art, **data)
        assert "Select a part of the article text first" in response.content.decode()
    assert not Claim.objects.exists()


def test_reviewer_cannot_create_claims_from_the_article_page(client):
    art = fx.article(TEXT)
    client.force_login(fx.user("rv", role="reviewer"))
    assert _create_from_span(client, art, span_start=0, span_end=10).status_code == 403
    assert not Claim.objects.exists()
