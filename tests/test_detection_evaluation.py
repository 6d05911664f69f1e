import gzip
import io
import re
from dataclasses import replace

import pytest
from django.core.management import CommandError, call_command

from claims.detection import detect_claims
from claims.detection.evaluation import LabelRow, evaluate, name_key, project, read_labels, text_key
from sources.extraction import extract_html

PAGE = """<html><head><title>Grain exports rise</title></head><body><article>
<h1>Grain exports rise</h1>
<p>Grain exports rose 12% in March, the ministry said on Tuesday. The harvest could be better next year.</p>
<p>Ukraine shipped 4 million tonnes of wheat in 2024, according to Maria Lopez.</p>
<p>Subscribe now to our digital edition for the full story.</p>
</article></body></html>"""

HEADER = "split\tpage\tstart\tend\tsha1\tlabel\tclaimant\n"


def labelled(text, sentence, label, claimant="", split="dev", page="pages/grain.html"):
    start = text.index(sentence)
    end = start + len(sentence)
    return f"{split}\t{page}\t{start}\t{end}\t{text_key(sentence)}\t{label}\t{claimant}\n"


@pytest.fixture
def articles(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "grain.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "pages" / "grain2.html.gz").write_bytes(gzip.compress(PAGE.encode("utf-8")))
    return tmp_path


def write_labels(tmp_path, rows):
    path = tmp_path / "labels.tsv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def run(articles, labels, *extra):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "evaluate_detection", *extra, articles=str(articles), labels=str(labels), stdout=out, stderr=err
    )
    return out.getvalue(), err.getvalue()


def figure(output, name, line=0):
    return float(re.findall(rf"\b{name}=([\d.]+)", output)[line])


def test_the_command_prints_precision_recall_claimants_and_proposed_layout_lines(articles, tmp_path):
    text = extract_html(PAGE).text
    labels = write_labels(
        tmp_path,
        [
            labelled(text, "Grain exports rose 12% in March, the ministry said on Tuesday.", "1"),
            labelled(text, "The harvest could be better next year.", "0"),
            labelled(
                text,
                "Ukraine shipped 4 million tonnes of wheat in 2024, according to Maria Lopez.",
                "1",
                "Maria Lopez|M. Lopez",
            ),
            labelled(text, "Subscribe now to our digital edition for the full story.", "L"),
        ],
    )
    # The placeholder scorer proposes every sentence with a number or a reporting verb: both claims.
    output, _ = run(articles, labels, "--model", "placeholder", "--split", "dev")
    assert "claims=2 proposed=2" in output
    assert figure(output, "precision") == 1.0 and figure(output, "recall") == 1.0
    assert "claimant_accuracy=1.000 (1/1 named-source claims)" in output
    assert "layout_proposed=0" in output and "stale_labels=0" in output
    assert "seed model=placeholder" not in output  # this labels file has no seed rows


def test_a_proposed_layout_line_counts_as_a_false_positive_and_is_listed(articles, tmp_path):
    text = extract_html(PAGE).text
    rows = read_labels(
        write_labels(
            tmp_path,
            [
                labelled(text, "Grain exports rose 12% in March, the ministry said on Tuesday.", "1"),
                labelled(text, "Subscribe now to our digital edition for the full story.", "L"),
            ],
        )
    )

    def propose_everything(document):
        return [replace(s, is_candidate=True) for s in detect_claims(document)]

    figures = evaluate(rows, propose_everything, extract_html, articles, keep_errors=True)
    assert (figures.tp, figures.fp, figures.layout_proposed) == (1, 1, 1)
    assert figures.precision == 0.5
    # Pieces nobody labelled are counted apart, never as right or wrong.
    assert figures.unlabelled >= 2 and figures.unlabelled_proposed == figures.unlabelled
    assert [e[0] for e in figures.errors] == ["FP-layout"]


def test_a_label_whose_text_no_longer_matches_the_extraction_is_left_out_and_reported(articles, tmp_path):
    text = extract_html(PAGE).text
    good = labelled(text, "Grain exports rose 12% in March, the ministry said on Tuesday.", "1")
    start = text.index("Ukraine")
    stale = f"dev\tpages/grain.html\t{start}\t{start + 20}\t{'0' * 16}\t1\t\n"
    output, err = run(articles, write_labels(tmp_path, [good, stale]), "--model", "placeholder")
    assert "stale_labels=1" in output
    assert "claims=1" in output
    assert "no longer match" in err


def test_gzipped_pages_are_read_and_splits_are_kept_apart(articles, tmp_path):
    text = extract_html(PAGE).text
    rows = [
        labelled(text, "Grain exports rose 12% in March, the ministry said on Tuesday.", "1", split="dev"),
        labelled(
            text,
            "Ukraine shipped 4 million tonnes of wheat in 2024, according to Maria Lopez.",
            "1",
            split="test",
            page="pages/grain2.html.gz",
        ),
    ]
    labels = write_labels(tmp_path, rows)
    dev, _ = run(articles, labels, "--model", "placeholder", "--split", "dev")
    test, _ = run(articles, labels, "--model", "placeholder", "--split", "test")
    assert "pages=1" in dev and "claims=1" in dev
    assert "pages=1" in test and "claims=1" in test


def test_held_in_measures_dev_dev2_and_dev3_together_and_leaves_test_out(articles, tmp_path):
    text = extract_html(PAGE).text
    claim = "Grain exports rose 12% in March, the ministry said on Tuesday."
    rows = [
        labelled(text, claim, "1", split="dev"),
        labelled(text, claim, "1", split="dev2", page="pages/grain2.html.gz"),
        labelled(text, claim, "1", split="dev3", page="pages/grain4.html"),
        labelled(text, claim, "1", split="test", page="pages/grain3.html"),
    ]
    labels = write_labels(tmp_path, rows)
    (articles / "pages" / "grain3.html").write_text(PAGE, encoding="utf-8")
    (articles / "pages" / "grain4.html").write_text(PAGE, encoding="utf-8")
    dev2, _ = run(articles, labels, "--model", "placeholder", "--split", "dev2")
    dev3, _ = run(articles, labels, "--model", "placeholder", "--split", "dev3")
    held_in, _ = run(articles, labels, "--model", "placeholder", "--split", "held-in")
    everything, _ = run(articles, labels, "--model", "placeholder", "--split", "all")
    assert "pages=1" in dev2 and "pages=1" in dev3
    assert "pages=3" in held_in and "claims=3" in held_in
    assert "pages=4" in everything


def test_a_detected_piece_takes_the_label_of_most_of_its_labelled_characters():
    rows = [LabelRow("dev", "p", 0, 10, "x", "0"), LabelRow("dev", "p", 10, 100, "x", "1", ("Ana Diaz",))]
    # A splitter that glues the short non-claim to the claim: mostly claim characters.
    assert project(rows, 0, 100) == ("1", ("Ana Diaz",))
    # A splitter that cuts the claim in two: each half lies inside the claim.
    assert project(rows, 10, 50) == ("1", ("Ana Diaz",))
    assert project(rows, 0, 9) == ("0", ())
    assert project(rows, 200, 210) == (None, ())
    layout = [LabelRow("dev", "p", 0, 30, "x", "L"), LabelRow("dev", "p", 30, 40, "x", "0")]
    assert project(layout, 0, 40) == ("L", ())


def test_a_malformed_labels_file_stops_with_the_line_at_fault(articles, tmp_path):
    labels = write_labels(tmp_path, ["dev\tpages/grain.html\t10\t5\tabc\t1\t\n"])
    with pytest.raises(CommandError, match=r"labels.tsv:2: start must be before end"):
        run(articles, labels)
    bad_label = write_labels(tmp_path, ["dev\tpages/grain.html\t0\t5\tabc\tyes\t\n"])
    with pytest.raises(CommandError, match=r":2: bad split, label or offsets"):
        run(articles, bad_label)


def test_a_missing_page_an_unknown_model_or_a_missing_directory_is_a_clear_error(articles, tmp_path):
    labels = write_labels(tmp_path, ["dev\tpages/gone.html\t0\t5\tabc\t1\t\n"])
    with pytest.raises(CommandError, match="cannot read page"):
        run(articles, labels, "--model", "placeholder")
    with pytest.raises(CommandError, match="unknown check-worthiness model 'nope'"):
        run(articles, labels, "--model", "nope")
    with pytest.raises(CommandError, match="is not a directory"):
        run(tmp_path / "absent", labels)


def test_the_repository_labels_file_is_well_formed_and_holds_no_article_text():
    rows = read_labels()
    assert {row.split for row in rows} == {"dev", "dev2", "dev3", "test", "seed"}
    dev_pages = {row.page for row in rows if row.split == "dev"}
    dev2_pages = {row.page for row in rows if row.split == "dev2"}
    dev3_pages = {row.page for row in rows if row.split == "dev3"}
    test_pages = {row.page for row in rows if row.split == "test"}
    assert len(dev_pages) >= 10 and len(dev2_pages) >= 10 and len(test_pages) >= 10
    assert len(dev3_pages) >= 8
    assert not dev_pages & test_pages and not dev2_pages & (dev_pages | test_pages)
    assert not dev3_pages & (dev_pages | dev2_pages | test_pages)
    assert all(re.fullmatch(r"[0-9a-f]{16}", row.sha1) for row in rows)


def test_claimant_names_compare_without_case_accents_possessives_or_a_courtesy_title():
    assert name_key("Cmdr. Sean Robertson") == name_key("sean robertson")
    assert name_key("José Álvarez") == name_key("Jose Alvarez")
    assert name_key("China's commerce ministry") == name_key("China commerce ministry")
    assert name_key("The Kremlin") == name_key("Kremlin")
    # A role word glued to the name is a wrong claimant, not a spelling.
    assert name_key("Executive Satya Nadella") != name_key("Satya Nadella")
