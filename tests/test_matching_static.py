import numpy as np
import pytest

from claims.matching import static
from claims.matching.lexical import LEXICAL_FEATURES, LexicalRanker


@pytest.fixture(scope="module")
def vectors():
    return static.bundled()


def pieces(vectors, text):
    return [vectors.vocab[i] for i in vectors.ids(text)]


def test_text_is_split_into_bert_word_pieces_without_accents_function_words_or_punctuation(vectors):
    assert pieces(vectors, "The naïve café's owner, in 2019!") == ["naive", "cafe", "owner", "2019"]
    assert pieces(vectors, "Unaffable") == ["una", "##ffa", "##ble"]


def test_a_word_the_pieces_cannot_spell_is_one_unknown_piece(vectors):
    assert pieces(vectors, "koalas 🐨") == ["ko", "##ala", "##s", "[UNK]"]


def test_a_reworded_claim_sharing_no_word_is_closer_than_an_unrelated_one(vectors):
    idf = np.ones_like
    query = vectors.ids("Dozens of migrants run off their boat onto a beach")
    segments = [
        np.array(vectors.ids(text))
        for text in (
            "Immigrants invaded a seaside, shocking sunbathers.",
            "Coffee raises the risk of cancer.",
        )
    ]

    cosines, coverage = static.segment_features(vectors, query, segments, idf)

    assert cosines[0] > cosines[1] + 0.1
    assert coverage[0] > coverage[1]


def test_an_empty_query_or_claim_has_no_similarity(vectors):
    idf = np.ones_like
    some = np.array(vectors.ids("a vaccine"))

    for query, segments in (([], [some]), (vectors.ids("vaccine"), [np.array([], dtype=np.int32), some])):
        cosines, coverage = static.segment_features(vectors, query, segments, idf)
        assert cosines[0] == 0.0 and coverage[0] == 0.0


def test_saved_vectors_load_back_within_int8_precision(tmp_path):
    vocab = ["[UNK]", "alpha", "beta"]
    values = np.array([[0.0, 0.0], [1.0, -0.5], [0.25, 2.0]], dtype=np.float32)

    static.StaticVectors.save(tmp_path / "v.npz", vocab, values)
    loaded = static.StaticVectors.load(tmp_path / "v.npz")

    assert loaded.vocab == vocab
    assert loaded.vectors == pytest.approx(values, abs=2.0 / 127)


def test_copies_of_a_claim_anywhere_in_the_candidates_get_exactly_the_same_features():
    # Ties go to the claim indexed first only if two copies score exactly alike, whatever their position.
    ranker = LexicalRanker(reranker=None)
    copy = "Migrants were seen storming a beach in southern Spain."
    ranker.index(
        [*((f"filler{i}", f"A beach in Spain number {i} was closed") for i in range(40)), ("first", copy)]
    )
    for i in range(40, 45):
        ranker.add(f"filler{i}", f"Spain closed beach number {i} to boats")
    ranker.add("second", copy)

    keys, features = ranker.candidates("Dozens of migrants storm a beach in Spain")

    same = [i for i, name in enumerate(LEXICAL_FEATURES) if name != "reciprocal_rank"]
    assert features[keys.index("first"), same].tolist() == features[keys.index("second"), same].tolist()


def test_removed_claims_no_longer_count_in_the_piece_frequencies():
    incremental, fresh = LexicalRanker(reranker=None), LexicalRanker(reranker=None)
    incremental.index([("a", "Koalas are functionally extinct."), ("b", "Bushfires killed many koalas.")])
    incremental.remove("b")
    incremental.add("c", "A vaccine causes autism.")
    fresh.index([("a", "Koalas are functionally extinct."), ("c", "A vaccine causes autism.")])

    query = "Koalas are extinct after the bushfires"
    assert incremental.candidates(query)[1].tolist() == fresh.candidates(query)[1].tolist()
