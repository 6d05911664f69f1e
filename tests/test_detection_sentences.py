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


def roles_of(text, **kwargs):
    return {text[p.start : p.end]: p.role for p in segment(text, **kwargs)}


def test_site_furniture_lines_are_boilerplate_not_body():
    lines = [
        "© 2024 The Daily Planet. All rights reserved.",
        "This material is the copyrighted property of Planet Media and may not be republished.",
        "Our Standards: The Thomson Reuters Trust Principles.",
        "Additional reporting by Ana Diaz in Madrid; Editing by Tom Lee",
        "Contact: 624-6456 or 225-8452.",
        "Or by Email: newsroom@planet.example",
        "MORE: Black-led group strikes deal to revitalize the stadium site, could bring $5B",
        "Submit a letter to the editor and we will consider it for publication.",
        "Nature 574, 16-17 (2019)",
        "Science 366, 1234 (2019).",
        "https://t.co/XPxUJuyIAC",
        "— Robert Roe (@robertroe) November 18, 2019",
        "This article was originally published by Futurism.",
        "Kaieteur News – The only president since Independence was David Granger.... more",
        "Hong Kong 'threatened with Chinese military intervention' [REACTION]",
        "The governor's office didn't immediately respond to The Hill's request for comment.",
        "Associated Press writers Alan Fram and Zeke Miller contributed to this report.",
    ]
    text = "The ministry said exports rose 12% in March.\n" + "\n".join(lines)
    roles = roles_of(text)
    assert roles["The ministry said exports rose 12% in March."] == "body"
    assert {line: roles.get(line) for line in lines} == dict.fromkeys(lines, "boilerplate")


def test_look_alike_unicode_letters_do_not_hide_a_contact_or_copyright_line():
    # Cyrillic "о" and "а", Greek "Ο", and a full-width colon: folded before the line is read.
    furniture = "Cоntаct: 624-6456.\nCΟPYRIGHTED PROPERTY OF Planet Media\uff1a no copies."
    text = "Exports rose 12% in March.\n" + furniture
    roles = roles_of(text)
    assert roles["Cоntаct: 624-6456."] == "boilerplate"
    assert roles["CΟPYRIGHTED PROPERTY OF Planet Media\uff1a no copies."] == "boilerplate"


def test_everything_after_a_paywall_line_is_boilerplate():
    text = (
        "Mekhi Gbedey, 20, was diagnosed with muscular dystrophy.\n"
        "To view the full story, please subscribe to The Times.\n"
        "We have been at this for 20 years and pride ourselves on our journalism.\n"
        "— Local news from our communities"
    )
    roles = roles_of(text)
    assert roles["Mekhi Gbedey, 20, was diagnosed with muscular dystrophy."] == "body"
    assert roles["We have been at this for 20 years and pride ourselves on our journalism."] == "boilerplate"
    assert roles["— Local news from our communities"] == "boilerplate"


def test_a_list_of_other_stories_run_into_the_last_paragraph_is_boilerplate_to_the_end():
    text = (
        "The ministry said 120 protesters were killed in three days.\n"
        "Witnesses said snipers fired into the crowds. \u00a0Top stories The House voted on Tuesday to "
        "recognise the genocide. A French actor died on 19 September at the age of 96, Figaro reports.\n"
        "Partner news | Armenia was the most popular spot for Russian travellers in 2019."
    )
    roles = roles_of(text)
    assert roles["The ministry said 120 protesters were killed in three days."] == "body"
    assert roles["Witnesses said snipers fired into the crowds."] == "body"
    assert roles["Top stories The House voted on Tuesday to recognise the genocide."] == "boilerplate"
    assert roles["A French actor died on 19 September at the age of 96, Figaro reports."] == "boilerplate"
    assert all(role == "boilerplate" for piece, role in roles.items() if piece.startswith("Partner news"))


def test_top_stories_inside_a_sentence_of_reporting_is_not_a_heading():
    roles = roles_of("The top stories of the year were chosen by 1,200 readers, the paper said.")
    assert set(roles.values()) == {"body"}


def test_a_byline_or_sign_off_inside_a_paragraph_is_split_off_as_a_byline():
    text = (
        "Agents found 475 pounds of cocaine in Fajardo on Sunday, officials said. By U.S. CUSTOMS AND BORDER "
        "PROTECTION\nThe cold snap should peak on Wednesday, forecasters said. Max Lee, KBS World Radio News."
    )
    roles = roles_of(text)
    assert roles["By U.S. CUSTOMS AND BORDER PROTECTION"] == "byline"
    assert roles["Max Lee, KBS World Radio News."] == "byline"
    assert roles["Agents found 475 pounds of cocaine in Fajardo on Sunday, officials said."] == "body"


def test_a_quotation_used_as_a_subheading_is_a_heading():
    text = (
        "The base was attacked in 2018, officials said.\n“U.S.-controlled bandit formations”\nMore followed."
    )
    assert roles_of(text)["“U.S.-controlled bandit formations”"] == "heading"


def test_a_hyphenated_title_does_not_end_the_sentence():
    text = "The bill was backed by then-Rep. Anna Eshoo in 2019. It passed. Ex-Gov. John Roe voted no."
    assert [t for _, t in pieces_of(text)] == [
        "The bill was backed by then-Rep. Anna Eshoo in 2019.",
        "It passed.",
        "Ex-Gov. John Roe voted no.",
    ]


def test_a_figure_glued_to_the_next_word_is_separated_in_the_clean_text():
    text = "Turnout rose to 33%of registered voters in 2020."
    (piece,) = segment(text)
    assert text[piece.start : piece.end] == text
    assert piece.clean == "Turnout rose to 33% of registered voters in 2020."


def test_a_multi_sentence_quotation_is_cut_into_its_sentences():
    text = (
        "“In the electricity sector we had a banner year, with the largest fall in coal use on record. "
        "But in the other 75 percent of the economy, emissions remain stubbornly flat,” said Trevor Houser."
    )
    assert [t for _, t in pieces_of(text)] == [
        "“In the electricity sector we had a banner year, with the largest fall in coal use on record.",
        "But in the other 75 percent of the economy, emissions remain stubbornly flat,” said Trevor Houser.",
    ]


def test_a_quotation_is_not_cut_after_an_initial_or_into_scraps_of_a_few_words():
    text = (
        "“Residents may not cross, but Jordanian-U.S. joint patrols provide some protection. "
        "We are here to Get. It. OUT,” Simpson said."
    )
    assert [t for _, t in pieces_of(text)] == [
        "“Residents may not cross, but Jordanian-U.S. joint patrols provide some protection.",
        "We are here to Get. It. OUT,” Simpson said.",
    ]


def test_related_article_bullets_and_reference_lines_are_boilerplate_but_reporting_bullets_stay_body():
    text = (
        "Astronomers mapped the galaxy in 2019.\n"
        "- 15 Amazing Images of Stars\n"
        "- The 11 Biggest Unanswered Questions About Dark Matter\n"
        "- Exports rose 12% in March, the ministry said\n"
        "Pandemic has exposed Britain's reality (The Guardian)\n"
        "2015; 28: 685-690.\n"
        "[2] Joint Commission National Patient Safety Goal: Alarm Management\n"
        "13."
    )
    roles = roles_of(text)
    assert roles["- Exports rose 12% in March, the ministry said"] == "body"
    assert roles["Astronomers mapped the galaxy in 2019."] == "body"
    furniture = [line for line in text.splitlines()[1:] if not line.startswith("- Exports")]
    assert {line: roles[line] for line in furniture} == dict.fromkeys(furniture, "boilerplate")


def test_bullets_run_together_on_one_line_are_separate_pieces():
    text = "• Turnout rose to 33%of voters • Prices fell 2% in May • Exports doubled in 2020"
    pieces = segment(text)
    assert [text[p.start : p.end] for p in pieces] == [
        "• Turnout rose to 33%of voters",
        "• Prices fell 2% in May",
        "• Exports doubled in 2020",
    ]
    assert pieces[0].clean == "• Turnout rose to 33% of voters"


def test_reporting_that_mentions_subscriptions_quotes_or_parentheses_stays_body():
    lines = [
        "The monthly subscription rate for the service gives players 4K streaming at 60 frames per second.",
        "Netflix added 5 million new subscribers in the third quarter, the company said.",
        "“I alone, when all is said and done, wanted to carry out the deed….”",
        "My business provides a comfortable living for our family (and I can work at home)",
    ]
    roles = roles_of("\n".join(lines))
    assert {line: roles[line] for line in lines} == dict.fromkeys(lines, "body")


def test_a_headline_glued_to_its_time_stamp_is_boilerplate_but_the_story_after_it_is_not():
    roles = roles_of(
        "Over 100 protesters killed in unrest November 20, 2019 - 11:28 AMT NewsDesk. "
        "Amnesty International said at least 106 protesters were killed in 21 cities."
    )
    assert (
        roles["Over 100 protesters killed in unrest November 20, 2019 - 11:28 AMT NewsDesk."] == "boilerplate"
    )
    assert roles["Amnesty International said at least 106 protesters were killed in 21 cities."] == "body"
