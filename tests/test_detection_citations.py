from claims.detection.citations import cited_urls
from sources.documents import Link


def link(url, text, anchor):
    start = text.index(anchor)
    return Link(url=url, text=anchor, start=start, end=start + len(anchor))


TEXT = "Both met 40 times. They signed a treaty. (source) Trade rose."
SPANS = [(0, 18), (19, 40), (50, 61)]


def test_a_link_inside_a_sentence_is_cited_by_that_sentence_only():
    assert cited_urls(SPANS, [link("https://a.example/", TEXT, "met 40 times")], len(TEXT)) == [
        ["https://a.example/"],
        [],
        [],
    ]


def test_a_link_in_the_gap_right_after_a_sentence_is_cited_by_it():
    assert cited_urls(SPANS, [link("https://b.example/", TEXT, "(source)")], len(TEXT))[1] == [
        "https://b.example/"
    ]


def test_a_link_across_two_sentences_is_cited_by_both_and_urls_are_not_repeated():
    links = [link("https://c.example/", TEXT, "times. They"), link("https://c.example/", TEXT, "signed")]
    assert cited_urls(SPANS, links, len(TEXT))[:2] == [["https://c.example/"], ["https://c.example/"]]


def test_links_with_offsets_outside_the_text_or_far_from_any_sentence_are_ignored():
    links = [Link("https://d.example/", "x", 500, 510), Link("https://e.example/", "x", 44, 46)]
    assert cited_urls(SPANS, links, len(TEXT)) == [[], [], []]
