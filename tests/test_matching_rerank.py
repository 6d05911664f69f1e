import json
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from claims.matching import rerank
from claims.matching.lexical import FEATURE_SIGNS, LEXICAL_FEATURES, LexicalRanker

FIXTURES = Path(__file__).parent / "fixtures" / "matching"
CLAIMS = json.loads((FIXTURES / "claims.json").read_text())


def fixture_files(**extra):
    return {name: str(FIXTURES / f"{name}.tsv") for name in ("vclaims", "queries", "qrels")} | extra


def test_saved_weights_load_back_and_pick_their_columns_by_name(tmp_path):
    model = rerank.LinearModel(["b", "a"], mean=[1.0, 0.0], scale=[2.0, 1.0], coef=[1.0, -1.0], intercept=0.5)
    model.save(tmp_path / "w.json", ranker="test")

    loaded = rerank.LinearModel.load(tmp_path / "w.json")
    rows = np.array([[0.0, 3.0, 9.0], [2.0, 1.0, 9.0]])  # columns a, b, unused

    expected = 1 / (1 + np.exp(-np.array([(3 - 1) / 2 - 0 + 0.5, (1 - 1) / 2 - 2 + 0.5])))
    assert loaded.predict(rows, ("a", "b", "unused")) == pytest.approx(expected)


def test_a_model_needing_a_feature_the_ranker_lacks_is_refused():
    model = rerank.LinearModel(["missing"], mean=[0.0], scale=[1.0], coef=[1.0], intercept=0.0)

    with pytest.raises(ValueError):
        model.predict(np.zeros((1, 1)), ("bm25",))


def test_weights_of_another_shape_are_refused(tmp_path):
    path = tmp_path / "w.json"
    weights = {"features": ["a", "b"], "mean": [0], "scale": [1], "coef": [1], "intercept": 0}
    path.write_text(json.dumps(weights))

    with pytest.raises(ValueError, match="differ in length"):
        rerank.LinearModel.load(path)


@pytest.mark.parametrize("name", ["lexical", "combined"])
def test_the_bundled_models_only_reward_overlap(name):
    model = rerank.bundled(name)

    for feature, weight in zip(model.features, model.coef, strict=True):
        sign = FEATURE_SIGNS.get(feature, 1)
        assert weight * sign >= 0 or sign == 0, feature
    assert set(model.features) <= set(LEXICAL_FEATURES) | set(_combined_features())


def _combined_features():
    from claims.matching.combined import SEMANTIC_FEATURES

    return SEMANTIC_FEATURES


def test_more_of_a_stored_claims_words_never_lowers_its_score():
    ranker = LexicalRanker()
    ranker.index(CLAIMS["stored"].items())
    words = CLAIMS["stored"]["c7"].rstrip(".").split(" ")

    scores = [dict(ranker.rank(" ".join(words[:n]), k=12)).get("c7", 0.0) for n in range(3, len(words) + 1)]

    assert scores == sorted(scores)
    assert scores[-1] > ranker.confirm_threshold


def test_without_a_reranker_the_score_is_the_bm25_share_of_the_query_self_score():
    plain = LexicalRanker(reranker=None)
    plain.index(CLAIMS["stored"].items())

    assert plain.rank(CLAIMS["stored"]["c6"], k=1) == [("c6", pytest.approx(1.0, abs=1e-3))]
    (key, score), *_ = plain.rank("Barack Obama was actually born in Kenya, new documents show", k=3)
    assert key == "c6" and 0.3 < score < 1.0


def test_the_training_command_writes_weights_the_ranker_uses(tmp_path):
    pytest.importorskip("sklearn")
    out = StringIO()
    weights = tmp_path / "rerank.json"

    files = fixture_files()
    call_command("train_matching_reranker", stdout=out, ranker="lexical", output=str(weights), **files)

    assert "4 queries" in out.getvalue() and f"weights written to {weights}" in out.getvalue()
    saved = json.loads(weights.read_text())
    assert saved["ranker"] == "lexical" and saved["trained_on"] == "queries.tsv (4 queries)"
    assert "reciprocal_rank" not in saved["features"]  # relative features stay out of the lexical model
    ranker = LexicalRanker(reranker=rerank.LinearModel.load(weights))
    ranker.index([("1", {"text": "The Eiffel Tower will be dismantled in 2025."}), ("3", "The moon landing")])
    assert ranker.rank("Is the Eiffel Tower really being dismantled in 2025?", k=1)[0][0] == "1"


def test_training_on_mismatched_files_is_a_command_error(tmp_path):
    pytest.importorskip("sklearn")
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("query_id\tvclaim_id\tlabel\nq9\t1\t1\n")

    with pytest.raises(CommandError, match="absent from the queries file"):
        call_command("train_matching_reranker", ranker="lexical", **fixture_files(qrels=str(qrels)))
