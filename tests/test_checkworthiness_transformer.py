"""The shipped fine-tuned transformer (int8 ONNX): loads on the base install, ranks and is deterministic."""

import sys

import pytest
from django.core.management import CommandError, call_command

import claims.checkworthiness as cw
from claims.checkworthiness.transformer import META_PATH, MODEL_PATH, TOKENIZER_PATH, TransformerScorer

from .test_checkworthiness import FACTUAL, NOT_CLAIMS, TINY


@pytest.fixture
def scorer():
    return cw.load_scorer("transformer")


def test_shipped_transformer_loads_without_torch_and_is_small(monkeypatch):
    # A None entry in sys.modules makes `import torch` fail exactly as on the base install.
    monkeypatch.setitem(sys.modules, "torch", None)
    loaded = TransformerScorer.load()
    assert loaded.name == "transformer"
    assert 0.0 < loaded.threshold < 1.0
    assert loaded.meta["recipe"]["export"].startswith("ONNX")
    assert MODEL_PATH.stat().st_size < 30 * 1024 * 1024
    assert TOKENIZER_PATH.exists() and META_PATH.exists()


def test_check_worthy_sentences_score_above_the_threshold_and_chatter_below(scorer):
    facts, others = scorer.score(FACTUAL), scorer.score(NOT_CLAIMS)
    assert all(score >= scorer.threshold for score in facts), facts
    assert all(score < scorer.threshold for score in others), others
    assert min(facts) > max(others)


def test_scores_are_deterministic_and_do_not_depend_on_the_batch(scorer):
    sentences = FACTUAL + NOT_CLAIMS
    batch = scorer.score(sentences)
    assert scorer.score(sentences) == batch
    one_by_one = [scorer.score([sentence])[0] for sentence in sentences]
    # Padding is masked out, but dynamic int8 quantisation takes its activation range per batch, so a
    # sentence's neighbours move its score by a few 1e-4 (measured up to 5e-4), never more than 1e-3.
    assert one_by_one == pytest.approx(batch, abs=1e-3)


def test_empty_and_very_long_input_give_probabilities(scorer):
    assert scorer.score([]) == []
    long_text = "The deficit rose by 3 percent in 2019 according to the budget office. " * 400
    scores = scorer.score(["", "   ", long_text])
    assert len(scores) == 3
    assert all(0.0 <= score <= 1.0 for score in scores)
    # Truncated to the first 64 tokens, the long text still reads as a factual claim.
    assert scores[2] >= scorer.threshold


def test_transformer_is_selected_by_the_setting(settings):
    settings.CHECKWORTHINESS_MODEL = "transformer"
    cw.get_scorer.cache_clear()
    try:
        assert cw.get_scorer().name == "transformer"
    finally:
        cw.get_scorer.cache_clear()


def test_training_the_transformer_without_torch_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(CommandError, match=r"factcheck\[transformer-train\]"):
        call_command(
            "train_checkworthiness", train=str(TINY), model="transformer", output=str(tmp_path / "m.onnx")
        )
