from datetime import UTC, datetime, timedelta, timezone

import trafilatura

from sources.extraction import extract_html, extract_text, guess_language
from tests.fixtures.sources.support import fixture_bytes

PAGE_URL = "https://news.example/local/2025/03/14/harbour-bridge"


def test_article_text_is_the_main_text_without_navigation_or_sidebars():
    document = extract_html(fixture_bytes("article.html"), url=PAGE_URL)
    assert "repairs to the harbour bridge will cost 48 million euros" in document.text
    assert "Residents have until the end of April" in document.text
    for boilerplate in ("Subscribe now", "Derby ends in a draw", "Privacy policy"):
        assert boilerplate not in document.text


def test_text_is_exactly_what_plain_trafilatura_extracts():
    html = fixture_bytes("article.html")
    baseline = trafilatura.extract(
        html, include_comments=False, include_tables=True, include_formatting=False
    )
    assert extract_html(html, url=PAGE_URL).text == baseline


def test_links_in_the_main_text_carry_absolute_urls_and_the_offsets_of_their_anchor_text():
    document = extract_html(fixture_bytes("article.html"), url=PAGE_URL)
    found = [(link.url, link.text, document.text[link.start : link.end]) for link in document.links]
    assert found == [
        ("https://news.example/docs/budget-2025.pdf", "the revised budget", "the revised budget"),
        (
            "https://council.example/minutes/2024-04-02",
            "the minutes of the April meeting",
            "the minutes of the April meeting",
        ),
        (
            "https://stats.example/traffic?bridge=harbour&year=2025",
            "the regional traffic office",
            "the regional traffic office",
        ),
    ]


def test_metadata_title_byline_timezone_aware_date_and_language():
    document = extract_html(fixture_bytes("article.html"), url=PAGE_URL)
    assert document.title == "Harbour bridge repairs to cost twice the estimate, council admits"
    assert document.byline == "Jane Doe"
    assert document.published_at == datetime(2025, 3, 14, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    assert document.published_at.utcoffset() is not None
    assert document.language == "en"


def test_a_page_without_main_text_gives_an_empty_document_not_an_error():
    document = extract_html("<html><head><title>x</title></head><body></body></html>", url=PAGE_URL)
    assert document.text == "" and document.links == []


def test_plain_text_becomes_a_document_without_links():
    document = extract_text(
        "Le conseil a voté le budget.\r\nLa dépense est de 48 millions pour le pont et les routes de la "
        "ville, selon le maire qui a présenté les chiffres dans une lettre aux habitants et aux commerçants.",
        title="Budget",
        published_at=datetime(2025, 3, 14, 8, 0),
    )
    assert document.text.startswith("Le conseil a voté le budget.\nLa dépense")
    assert document.links == []
    assert document.title == "Budget"
    assert document.published_at == datetime(2025, 3, 14, 8, 0, tzinfo=UTC)
    assert document.language == "fr"


def test_language_is_left_empty_when_the_text_is_too_short_to_tell():
    assert guess_language("Budget 2025") == ""


def test_a_page_with_an_xml_declaration_keeps_its_links():
    # lxml refuses a str with an encoding declaration; such pages once lost all their cited links.
    plain = fixture_bytes("article.html").decode("utf-8")
    declared = '<?xml version="1.0" encoding="utf-8"?>\n' + plain
    assert extract_html(declared, url=PAGE_URL).links == extract_html(plain, url=PAGE_URL).links != []


def test_without_a_published_time_tag_the_date_is_found_in_the_page():
    html = (
        "<html><head><title>Port strike</title></head><body><article><h1>Port strike ends</h1>"
        '<p class="date">Published 2 May 2024</p>'
        "<p>Dock workers voted to end the strike after the operator raised its pay offer by 7 percent, "
        "the union said on Thursday evening after a ballot of its members.</p></article></body></html>"
    )
    document = extract_html(html, url="https://news.example/port-strike")
    assert document.published_at == datetime(2024, 5, 2, tzinfo=UTC)


def test_a_bare_year_in_the_text_is_not_taken_for_the_publication_date():
    html = (
        "<html><head><title>Jobs report</title></head><body><article><h1>Jobs report</h1>"
        "<p>Unemployment fell to 3.5% in May, the ministry said on Tuesday.</p>"
        "<p>Wages rose by 4.2% over the year, the fastest pace since 2008.</p></article></body></html>"
    )
    # htmldate alone reads "since 2008" as 1 January 2008.
    assert extract_html(html).published_at is None


BYLINE_PAGES = [  # markup next to an article paragraph, each reaching another branch of the author search
    '<div class="byline">By <time>today</time> Jane Roe</div>',
    '<span class="author-name">Jane Roe</span><div class="sidebar"><a rel="author">Bob Side</a></div>',
    '<div class="sidebar"><a rel="author">Bob Side</a></div><p class="writer">Ann Writer</p>',
    '<author>Al Author</author><figure><span class="author">Fig Man</span></figure>',
    '<h3 id="zuozhe">Li Wei</h3><div data-component="Byline">Z</div>',
    '<div itemprop="author"><span>Mary</span> <span>Major</span></div>',
    '<div class="quote"><span class="author">Quoted Person</span></div><em class="Byline">Real Person</em>',
    "<p>No byline here.</p>",
]


def test_bylines_are_the_ones_trafilatura_finds_in_the_page():
    # The author search runs without trafilatura's copy of the tree (see sources/extraction.py); elements
    # it prunes (sidebars, quotes, figures, times) must still be left out, and their text too.
    from trafilatura.metadata import extract_author
    from trafilatura.utils import load_html

    body = (
        "<p>" + "The council approved the budget on Monday after a long debate in the chamber. " * 4 + "</p>"
    )
    for markup in BYLINE_PAGES:
        html = (
            f"<html><head><title>Budget</title></head><body><article>{markup}{body}</article></body></html>"
        )
        assert extract_html(html).byline == (extract_author(load_html(html)) or ""), markup
    assert extract_html(f"<html><body>{BYLINE_PAGES[0]}{body}</body></html>").byline == "Jane Roe"
