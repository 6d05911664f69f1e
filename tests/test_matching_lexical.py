import json
from pathlib import Path

import pytest

from claims.matching import get_ranker
from claims.matching.lexical import LexicalRanker

FIXTURES = json.loads((Path(__file__).parent / "fixtures" / "matching" / "claims.json").read_text())
SAME_CLAIM = [pytest.param(text, key, id=key) for text, key in FIXTURES["same_claim"]]


@pytest.fixture
def ranker():
    ranker = get_ranker("lexical")
    ranker.index(FIXTURES["stored"].items())
    return ranker


@pytest.mark.parametrize(("text", "key"), SAME_CLAIM)
def test_the_same_claim_in_other_words_ranks_first_above_the_suggest_threshold(ranker, text, key):
    best_key, score = ranker.rank(text, k=3)[0]

    assert best_key == key
    assert score >= ranker.suggest_threshold


@pytest.mark.parametrize("text", FIXTURES["unrelated"])
def test_unrelated_claims_score_below_the_suggest_threshold(ranker, text):
    assert all(score < ranker.suggest_threshold for _, score in ranker.rank(text, k=5))


def test_a_claim_repeated_word_for_word_scores_above_the_confirm_threshold(ranker):
    for key, text in FIXTURES["stored"].items():
        assert ranker.rank(text, k=1) == [(key, pytest.approx(1.0, abs=1e-3))]
    assert ranker.suggest_threshold < ranker.confirm_threshold <= 1.0


def test_rank_returns_at_most_k_results_best_first(ranker):
    results = ranker.rank("vaccines microchips autism children", k=2)

    assert len(results) == 2
    assert results[0][1] >= results[1][1]
    assert {key for key, _ in results} == {"c2", "c12"}


def test_the_default_ranker_is_lexical(settings):
    settings.MATCHING_RANKER = "lexical"

    assert isinstance(get_ranker(), LexicalRanker)


def test_an_unknown_ranker_name_is_refused():
    with pytest.raises(ValueError, match="unknown matching ranker 'fuzzy'"):
        get_ranker("fuzzy")


def test_a_removed_claim_is_no_longer_ranked_and_an_added_one_is(ranker):
    ranker.remove("c2")
    assert "c2" not in [key for key, _ in ranker.rank("Bill Gates microchips vaccines", k=5)]

    ranker.add("c99", "Bill Gates hides tracking microchips inside vaccines.")

    assert ranker.rank("Bill Gates microchips vaccines", k=1)[0][0] == "c99"
    assert len(ranker) == len(FIXTURES["stored"])


def test_adding_an_existing_key_replaces_its_text(ranker):
    ranker.add("c6", "The moon is made of cheese.")

    assert "c6" not in [key for key, _ in ranker.rank("Barack Obama was born in Kenya", k=5)]
    assert ranker.rank("the moon is made of cheese", k=1)[0][0] == "c6"


def test_removing_an_unknown_key_changes_nothing(ranker):
    before = ranker.rank("5G spreads COVID-19", k=3)

    ranker.remove("never-indexed")

    assert ranker.rank("5G spreads COVID-19", k=3) == before


def test_incremental_updates_rank_like_a_fresh_index():
    stored = dict(FIXTURES["stored"])
    incremental = LexicalRanker()
    incremental.index(stored.items())
    for key in ("c1", "c5", "c9"):
        incremental.remove(key)
        del stored[key]
    incremental.add("c20", "Hot water kills the coronavirus, says a viral post.")
    stored["c20"] = "Hot water kills the coronavirus, says a viral post."
    fresh = LexicalRanker()
    fresh.index(stored.items())

    for query in ["hot water coronavirus", "unemployment September 2019", "coffee liver cancer risk"]:
        got, expected = incremental.rank(query, k=5), fresh.rank(query, k=5)
        assert [key for key, _ in got] == [key for key, _ in expected]
        assert [score for _, score in got] == pytest.approx([score for _, score in expected])


def test_many_replacements_keep_the_index_consistent():
    ranker = LexicalRanker()
    for round_ in range(3):
        for i in range(800):
            ranker.add(i, f"claim number {i} about topic{i % 7} in round{round_}")

    assert len(ranker) == 800
    assert ranker.rank("claim number 5 topic5 round2", k=1)[0][0] == 5
    assert ranker.rank("round0", k=1) == []


def test_index_replaces_everything_indexed_before(ranker):
    ranker.index([("n1", "A new claim about tax cuts.")])

    assert ranker.rank("Barack Obama was born in Kenya", k=5) == []
    assert ranker.rank("tax cuts", k=5)[0][0] == "n1"


def test_the_title_counts_when_a_claim_has_one():
    ranker = LexicalRanker()
    ranker.index(
        [
            (
                "with-title",
                {"text": "A video shows a missile strike.", "title": "Soleimani drone strike footage"},
            ),
            ("without-title", {"text": "A video shows a missile strike."}),
        ]
    )

    assert ranker.rank("Soleimani strike video", k=1)[0][0] == "with-title"


def test_a_claim_indexed_twice_under_two_keys_ranks_the_first_key_first():
    ranker = LexicalRanker()
    ranker.index(
        [
            ("original", "Olive Garden funds the re-election campaign."),
            ("copy", "Olive Garden funds the re-election campaign."),
        ]
    )

    assert [key for key, _ in ranker.rank("Olive Garden re-election", k=2)] == ["original", "copy"]


def test_an_empty_index_or_an_empty_query_ranks_nothing(ranker):
    assert LexicalRanker().rank("anything", k=5) == []
    assert ranker.rank("", k=5) == []
    assert ranker.rank("the of and", k=5) == []


def test_text_that_is_neither_a_string_nor_a_mapping_is_refused():
    with pytest.raises(TypeError, match="string or a mapping"):
        LexicalRanker().add("k", 42)
