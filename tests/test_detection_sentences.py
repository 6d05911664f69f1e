from pathlib import Path

from claims.detection.sentences import clean_text, glue_points, segment

FIXTURE = Path(__file__).parent / "fixtures" / "detection" / "wire-story.txt"


def pieces_of(text, **kwargs):
    return [(p.role, text[p.start : p.end]) for p in segment(text, **kwargs)]


def test_every_piece_is_an_exact_slice_of_the_text_in_order():
    text = FIXTURE.read_text()
    pieces = segment(text)
    assert pieces
    assert all(text[p.start : p.end] == text[p.start : p.end].strip() != "" for p in pieces)
    assert [p.start for p in pieces] == sorted(p.start for p in pieces)


def test_abbreviations_and_decimals_do_not_end_a_sentence():
    text = "Mr. Smith of the U.S. Army paid $1.5 billion on Jan. 5 to Dr. Jones. Then he left."
    assert pieces_of(text) == [
        ("body", "Mr. Smith of the U.S. Army paid $1.5 billion on Jan. 5 to Dr. Jones."),
        ("body", "Then he left."),
    ]


def test_a_quotation_ending_a_sentence_stays_with_it():
    text = '"It is a record," she said. "Prices fell." He agreed.'
    assert [t for _, t in pieces_of(text)] == ['"It is a record," she said.', '"Prices fell."', "He agreed."]


def test_headings_bylines_datelines_captions_and_credits_get_their_roles():
    text = FIXTURE.read_text()
    roles = pieces_of(text)
    assert roles[0] == ("heading", "Ministry says grain exports rose 12% in March")
    assert roles[1] == ("byline", "By Jane Doe and John Roe")
    assert roles[2] == ("dateline", "BRUSSELS (Reuters)")
    assert roles[3][0] == "body" and roles[3][1].startswith("Grain exports from the U.S. and Canada")
    assert ("caption", "A grain terminal in Antwerp on Monday") in roles
    assert ("credit", "John Smith / AFP") in roles
    assert ("heading", "What comes next?") in roles


def test_a_hard_wrapped_line_is_joined_to_its_paragraph():
    text = FIXTURE.read_text()
    assert ("body", "Exporters expect\nshipments to slow in the summer.") in pieces_of(text)


def test_a_date_glued_to_the_first_paragraph_is_split_off_as_a_dateline():
    text = " date 2025-05-07 Waving their flag, the guard marched in Moscow last week."
    assert pieces_of(text) == [
        ("dateline", "date 2025-05-07"),
        ("body", "Waving their flag, the guard marched in Moscow last week."),
    ]


def test_a_photo_credit_alone_on_its_line_is_a_credit_and_a_title_line_is_a_heading():
    text = "Troops on Red Square: what Xi wants\nPhoto: Yao Dawei / Xinhua\nThe parade was held on Friday."
    assert pieces_of(text, title="Troops on Red Square: what Xi wants") == [
        ("heading", "Troops on Red Square: what Xi wants"),
        ("credit", "Photo: Yao Dawei / Xinhua"),
        ("body", "The parade was held on Friday."),
    ]


def test_a_long_line_without_final_punctuation_stays_body():
    line = "Officials confirmed that the treaty signed last year covers troops artillery and drones there"
    assert pieces_of(line) == [("body", line)]


def test_words_glued_at_a_link_edge_are_separated_in_the_clean_text_only():
    text = "Support is well documentedexport of drones. It grew.Later it fell."
    link = (text.index("well"), text.index("export"))
    pieces = segment(text, link_spans=[link])
    assert text[pieces[0].start : pieces[0].end] == "Support is well documentedexport of drones."
    assert pieces[0].clean == "Support is well documented export of drones."


def test_offsets_survive_glue_points_inside_later_sentences():
    text = "The pipeline Power of Siberia 2Who would carry gas. It signed a treaty last yearwhich led to war."
    links = [(text.index("Power"), text.index("Who")), (text.index("treaty"), text.index("which"))]
    pieces = segment(text, link_spans=links)
    assert [text[p.start : p.end] for p in pieces] == [
        "The pipeline Power of Siberia 2Who would carry gas.",
        "It signed a treaty last yearwhich led to war.",
    ]
    assert pieces[1].clean == "It signed a treaty last year which led to war."


def test_glue_is_guessed_only_before_a_closed_list_of_capitalised_words():
    assert glue_points("an inverted Nixon scenarioWhere Moscow and YouTube LinkedIn") == [
        len("an inverted Nixon scenario")
    ]
    assert clean_text("scenarioWhere", 0, 13, [8]) == "scenario Where"


def test_blank_text_gives_no_pieces():
    assert segment("") == []
    assert segment(" \n\n \t\n") == []
