from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from claims.matching.evaluation import average_precision

FIXTURES = Path(__file__).parent / "fixtures" / "matching"


def run(**files):
    paths = {name: str(FIXTURES / f"{name}.tsv") for name in ("vclaims", "queries", "qrels")}
    paths.update(files)
    out = StringIO()
    call_command("evaluate_matching", stdout=out, ranker="lexical", **paths)
    return out.getvalue()


def test_the_evaluation_prints_the_hand_computed_checkthat_figures():
    # q1: relevant claim first. q2: relevant claim not retrieved. q3: two relevant, one found first
    # (AP = 1/2). q4: relevant claim second (AP@5 = 1/2, AP@1 = 0). q5 has no gold pair: not scored.
    output = run()

    assert "4 queries judged" in output
    assert "MAP@1     0.3750" in output
    assert "MAP@5     0.5000" in output
    assert "Recall@5  0.6250" in output
    assert "MRR       0.6250" in output


def test_average_precision_divides_by_all_relevant_claims():
    assert average_precision(["a", "x", "b"], {"a", "b"}, 5) == pytest.approx((1 / 1 + 2 / 3) / 2)
    assert average_precision(["x", "a"], {"a"}, 1) == 0.0
    assert average_precision([], {"a"}, 5) == 0.0


def test_a_missing_file_is_a_command_error_naming_it(tmp_path):
    with pytest.raises(CommandError, match="nope.tsv: no such file"):
        run(queries=str(tmp_path / "nope.tsv"))


def test_a_file_without_the_expected_columns_is_a_command_error(tmp_path):
    bad = tmp_path / "qrels.tsv"
    bad.write_text("qid\tdocid\nq1\t1\n")

    with pytest.raises(CommandError, match="missing column\\(s\\) query_id, vclaim_id, label"):
        run(qrels=str(bad))


def test_qrels_from_another_split_are_a_command_error(tmp_path):
    other = tmp_path / "qrels.tsv"
    other.write_text("query_id\tvclaim_id\tlabel\nz9\t1\t1\n")

    with pytest.raises(CommandError, match="absent from the queries file, e.g. z9"):
        run(qrels=str(other))


def test_qrels_naming_an_unknown_claim_are_a_command_error(tmp_path):
    other = tmp_path / "qrels.tsv"
    other.write_text("query_id\tvclaim_id\tlabel\nq1\t404\t1\n")

    with pytest.raises(CommandError, match="absent from the claims file, e.g. 404"):
        run(qrels=str(other))


def test_an_empty_file_and_a_non_numeric_label_are_command_errors(tmp_path):
    empty = tmp_path / "vclaims.tsv"
    empty.write_text("id\ttext\ttitle\n")
    label = tmp_path / "qrels.tsv"
    label.write_text("query_id\tvclaim_id\tlabel\nq1\t1\tyes\n")

    with pytest.raises(CommandError, match="no rows below the header"):
        run(vclaims=str(empty))
    with pytest.raises(CommandError, match="label 'yes' is not a number"):
        run(qrels=str(label))


def test_an_unknown_ranker_is_refused_by_the_command():
    with pytest.raises(CommandError, match="invalid choice: 'fuzzy'"):
        call_command("evaluate_matching", "--vclaims=a", "--queries=b", "--qrels=c", "--ranker=fuzzy")
