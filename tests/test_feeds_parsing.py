from datetime import UTC, date, datetime

import pytest

from claims.feeds.claimreview_extract import extract, extract_from_html, extract_from_json
from claims.feeds.errors import FeedParseError
from claims.feeds.parsing import parse_feed, parse_sitemap
from claims.feeds.ratings import verdict_for
from tests.feeds_support import fixture

BASE = "https://wire.example.com"


def test_rss_entries_have_guid_link_title_plain_summary_and_date():
    entries = parse_feed(fixture("wire.rss", BASE))
    assert [e.guid for e in entries] == ["wire-2026-11-28-0001", "wire-2026-11-28-0002"]
    first = entries[0]
    assert first.url == f"{BASE}/news/offshore-wind-share"
    assert first.title.startswith("Offshore wind now supplies 40 percent")
    assert "<b>" not in first.summary and "offshore wind supplied 40 percent" in first.summary
    assert first.published_at == datetime(2026, 11, 28, 9, 15, tzinfo=UTC)


def test_atom_entries_use_their_id_as_guid():
    (entry,) = parse_feed(fixture("releases.atom", BASE))
    assert entry.guid == "tag:stats.example.org,2026:release/labour-market-2026-11"
    assert entry.url == f"{BASE}/releases/labour-market-2026-11"
    assert entry.summary == "The unemployment rate was estimated at 3.9%, down 0.2 percentage points."


def test_an_html_error_page_is_not_a_feed():
    with pytest.raises(FeedParseError, match="not an RSS or Atom feed"):
        parse_feed(fixture("malformed.rss"))


def test_sitemap_pages_come_newest_first_and_an_index_is_refused_with_its_children():
    entries = parse_sitemap(fixture("sitemap.xml", BASE))
    assert [e.url for e in entries] == [
        f"{BASE}/checks/offshore-wind-40-percent",
        f"{BASE}/checks/older-check",
    ]
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://x.example/s1.xml</loc></sitemap></sitemapindex>"""
    with pytest.raises(FeedParseError, match="s1.xml"):
        parse_sitemap(index)


def test_sitemap_with_an_entity_bomb_is_refused_without_expanding_it():
    bomb = b"""<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>
      <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&b;</loc></url></urlset>"""
    entries = parse_sitemap(bomb)
    assert all("aaaaaaaaaa" not in e.url for e in entries)


def test_claimreviews_are_read_from_a_graph_a_list_and_microdata_on_one_page():
    reviews = extract_from_html(
        fixture("factchecker-page.html"), base_url="https://checkers.example.org/checks/"
    )
    by_url = {r.url: r for r in reviews}
    assert set(by_url) == {
        "https://checkers.example.org/checks/offshore-wind-40-percent",
        "https://checkers.example.org/checks/bus-fares",
        "https://checkers.example.org/checks/school-meals",
    }
    wind = by_url["https://checkers.example.org/checks/offshore-wind-40-percent"]
    assert wind.publisher_name == "Example Checkers"  # resolved through the graph's @id reference
    assert wind.publisher_url == "https://checkers.example.org/"
    assert wind.claimant == "Jane Minister"
    assert wind.claim_date == date(2026, 11, 27)
    assert wind.review_date == date(2026, 11, 28)
    assert (wind.textual_rating, wind.rating_value, wind.best_rating, wind.verdict) == (
        "False",
        1.0,
        5.0,
        "false",
    )
    assert wind.language == "en-GB"
    assert by_url["https://checkers.example.org/checks/bus-fares"].verdict == "mixed"
    meals = by_url["https://checkers.example.org/checks/school-meals"]
    assert (meals.claimant, meals.textual_rating, meals.verdict) == ("County Council", "True", "true")


def test_a_json_list_of_claimreviews_is_read_and_a_non_json_file_is_refused():
    reviews = extract_from_json(fixture("claimreviews.json"))
    assert [r.claimant for r in reviews] == ["Sam Mayor", ""]
    assert reviews[0].rating_value == 2.0 and reviews[0].verdict == "false"
    with pytest.raises(FeedParseError, match="not valid JSON"):
        extract(b"{not json", content_type="application/json")


def test_several_claims_reviewed_under_one_url_keep_a_row_each():
    doc = {
        "@graph": [
            {"@type": "ClaimReview", "url": "https://c.example/p", "claimReviewed": "one"},
            {"@type": "ClaimReview", "url": "https://c.example/p", "claimReviewed": "two"},
        ]
    }
    import json

    reviews = extract_from_json(json.dumps(doc))
    assert [r.url for r in reviews] == ["https://c.example/p", "https://c.example/p#claim-2"]


@pytest.mark.parametrize(
    ("textual", "expected"),
    [
        ("False", "false"),
        ("Mostly False", "false"),
        ("Pants on Fire!", "false"),
        ("Not true", "false"),
        ("Falso", "false"),
        ("True", "true"),
        ("Mostly true", "true"),
        ("Correct", "true"),
        ("Half True", "mixed"),
        ("Misleading", "mixed"),
        ("Missing context", "mixed"),
        ("Spicy", "mixed"),
    ],
)
def test_textual_ratings_map_to_true_false_or_mixed(textual, expected):
    assert verdict_for(textual) == expected


def test_a_numeric_rating_counts_only_when_there_are_no_words():
    assert verdict_for("", value=1, best=5, worst=1) == "false"
    assert verdict_for("", value=5, best=5, worst=1) == "true"
    assert verdict_for("Half true", value=5, best=5, worst=1) == "mixed"
