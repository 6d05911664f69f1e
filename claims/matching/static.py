"""Static word-piece vectors distilled from all-MiniLM-L6-v2: semantic features for the lexical ranker.

Each of the model's 30,522 word pieces was run through the model alone ("[CLS] piece [SEP]", mean
pooled, as model2vec does); the vectors were centred, their first principal component (shared by every
piece) removed and the next 128 kept, stored as int8 with one scale per dimension in
``weights/static_minilm.npz`` (written by ``manage.py distil_matching_vectors``; loaded with
``allow_pickle=False``). A text is the IDF-weighted sum of its pieces' vectors, so "migrants" and
"immigrants", or "narcotics" and "heroin", come close without sharing a word. No torch at run time: the
tokenizer below is BERT's uncased WordPiece in pure Python.

all-MiniLM-L6-v2 is Apache-2.0 (sentence-transformers); the vectors are derived from its weights.
"""

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np

from claims.matching import text as textlib

VECTORS_PATH = Path(__file__).resolve().parent / "weights" / "static_minilm.npz"
_PIECES = re.compile(r"\w+|[^\w\s]", re.UNICODE)
MAX_WORD = 100  # BERT's tokenizer gives [UNK] for longer words


class StaticVectors:
    """WordPiece tokenizer and one unit vector per piece; pieces that carry no meaning are dropped."""

    def __init__(self, vocab: list[str], vectors: np.ndarray):
        if len(vocab) != len(vectors):
            raise ValueError("static vectors: vocabulary and vectors differ in length")
        self.vocab = vocab
        self._id = {piece: i for i, piece in enumerate(vocab)}
        self.vectors = vectors.astype(np.float32)
        norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
        self.unit = self.vectors / np.where(norms > 0, norms, 1.0)
        # Function words and punctuation: the same stop list as the BM25 side.
        dropped = {self._id[w] for w in textlib.STOPWORDS if w in self._id}
        dropped.update(i for i, piece in enumerate(vocab) if not any(ch.isalnum() for ch in piece))
        self._dropped = frozenset(dropped)
        self._unknown = self._id["[UNK]"]
        self._word_ids = lru_cache(maxsize=200_000)(self._word_pieces)

    @classmethod
    def load(cls, path: str | Path = VECTORS_PATH) -> "StaticVectors":
        """Read a file written by ``save``; raise ValueError on a file of another shape."""
        with np.load(path, allow_pickle=False) as data:
            vocab = str(data["vocab"]).split("\n")
            vectors = data["vectors"].astype(np.float32) * data["scale"].astype(np.float32)
        return cls(vocab, vectors)

    @staticmethod
    def save(path: str | Path, vocab: list[str], vectors: np.ndarray) -> None:
        """Write ``vectors`` as int8 with one scale per dimension, and the vocabulary as one string."""
        scale = np.abs(vectors).max(axis=0) / 127.0
        scale[scale == 0] = 1.0
        quantised = np.round(vectors / scale).astype(np.int8)
        np.savez_compressed(path, vocab=np.array("\n".join(vocab)), vectors=quantised, scale=scale)

    def ids(self, text: str) -> list[int]:
        """Word-piece ids of ``text`` (BERT uncased tokenisation), function words and punctuation dropped."""
        text = unicodedata.normalize("NFD", text.lower())
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
        out: list[int] = []
        for word in _PIECES.findall(text):
            out.extend(self._word_ids(word))
        return out

    def _word_pieces(self, word: str) -> tuple[int, ...]:
        if len(word) > MAX_WORD:
            return (self._unknown,)
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self._id:
                    pieces.append(self._id[piece])
                    break
                end -= 1
            if end == start:
                # As BERT does, a word the pieces cannot spell (an emoji, another script) is one [UNK].
                # Kept (cross-validated train MAP@5 0.8746 kept, 0.8740 dropped).
                return (self._unknown,)
            start = end
        return tuple(p for p in pieces if p not in self._dropped)


@lru_cache(maxsize=1)
def bundled() -> StaticVectors:
    """The vectors shipped with the package (loaded once per process)."""
    return StaticVectors.load()


def segment_features(
    model: StaticVectors, query: list[int], segments: list[np.ndarray], idf
) -> tuple[np.ndarray, np.ndarray]:
    """Return, per segment of piece ids, (cosine of the IDF-weighted mean vectors, soft coverage).

    Soft coverage: the IDF-weighted mean, over the segment's pieces, of each piece's best cosine with a
    query piece (BERTScore-style recall with static vectors). An empty query or segment scores 0.
    ``idf(ids)`` returns the weight of each piece id in an array.
    """
    count = len(segments)
    cosines, coverage = np.zeros(count), np.zeros(count)
    if not query or not count:
        return cosines, coverage
    query_ids = np.asarray(query, dtype=np.int64)
    query_vector = (model.vectors[query_ids] * idf(query_ids)[:, None]).sum(axis=0)
    query_norm = np.linalg.norm(query_vector)
    lengths = np.array([len(s) for s in segments])
    if query_norm == 0 or not lengths.sum():
        return cosines, coverage
    pieces = np.concatenate(segments).astype(np.int64)
    # Segments are contiguous: reduceat sums each one in order (np.add.at is several times slower), and
    # an empty segment, which reduceat would mistake for its neighbour's first row, is left at zero.
    filled = lengths > 0
    starts = (np.cumsum(lengths) - lengths)[filled]
    weights = idf(pieces).astype(np.float32)
    sums = np.zeros((count, model.vectors.shape[1]), dtype=np.float32)
    sums[filled] = np.add.reduceat(model.vectors[pieces] * weights[:, None], starts, axis=0)
    # Row-wise reductions, not a matrix product: BLAS may round the same row differently at another
    # position, and two copies of one claim must score exactly alike (ties go to the first indexed).
    norms = np.sqrt((sums * sums).sum(axis=1))
    cosines = np.divide((sums * query_vector).sum(axis=1), norms * query_norm, out=cosines, where=norms > 0)
    distinct, position = np.unique(pieces, return_inverse=True)
    best = (model.unit[distinct] @ model.unit[np.unique(query_ids)].T).max(axis=1)[position]
    mass, found = np.zeros(count, dtype=np.float32), np.zeros(count, dtype=np.float32)
    mass[filled] = np.add.reduceat(weights, starts)
    found[filled] = np.add.reduceat(best * weights, starts)
    coverage = np.divide(found, mass, out=coverage, where=mass > 0)
    return cosines, coverage


def distil(model, dims: int = 128, batch: int = 1024) -> tuple[list[str], np.ndarray]:
    """Return (vocabulary, vectors) distilled from a SentenceTransformer (needs torch: the semantic extra).

    Every piece alone goes through the model; the mean-pooled outputs are centred, the first principal
    component is removed (it is shared by all pieces and swamps cosines) and the next ``dims`` are kept.
    """
    import torch

    tokenizer = model.tokenizer
    vocab = [piece for piece, _ in sorted(tokenizer.get_vocab().items(), key=lambda item: item[1])]
    bert = model[0].auto_model
    raw = np.zeros((len(vocab), bert.config.hidden_size), dtype=np.float32)
    with torch.no_grad():
        for start in range(0, len(vocab), batch):
            ids = torch.arange(start, min(start + batch, len(vocab)))
            inputs = torch.stack(
                [
                    torch.full_like(ids, tokenizer.cls_token_id),
                    ids,
                    torch.full_like(ids, tokenizer.sep_token_id),
                ],
                dim=1,
            )
            hidden = bert(input_ids=inputs, attention_mask=torch.ones_like(inputs)).last_hidden_state
            raw[start : start + len(ids)] = hidden.mean(dim=1).numpy()
    centred = raw - raw.mean(axis=0)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    return vocab, (centred @ components[1 : dims + 1].T).astype(np.float32)
