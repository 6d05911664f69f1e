"""Hashed word and character n-gram features shared, bit for bit, by training and inference.

The same function turns a sentence into bucket ids when the model is trained (scikit-learn sees a sparse
matrix built from them) and when it scores (numpy looks the buckets up), so the two can never drift apart.
CRC-32 is used because Python's own ``hash()`` is salted per process.
"""

import re
import zlib
from functools import lru_cache

import numpy as np

BITS = 20
BUCKETS = 1 << BITS
_MASK = BUCKETS - 1
_TOKEN = re.compile(r"\w+|[^\w\s]")
_DIGIT = re.compile(r"\d")
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)


def word_grams(text: str) -> list[str]:
    """Return word uni- and bigrams of the lower-cased text; every digit becomes 0 ("$4.5" ~ "$1.2")."""
    # Digits and "0" are both word characters, so replacing them before tokenizing gives the same tokens.
    tokens = _TOKEN.findall(_DIGIT.sub("0", text.lower()))
    grams = []
    for n in range(WORD_NGRAMS[0], WORD_NGRAMS[1] + 1):
        grams.extend("w" + " ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


def char_grams(text: str) -> list[str]:
    """Return character n-grams inside each space-padded word (like scikit-learn's ``char_wb``)."""
    grams = []
    for word in text.lower().split():
        grams.extend(_word_char_grams(word))
    return grams


def _word_char_grams(word: str) -> list[str]:
    padded = f" {word} "
    grams = []
    for n in range(CHAR_NGRAMS[0], CHAR_NGRAMS[1] + 1):
        grams.extend("c" + padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


# CRC-32 runs on: crc32(prefix + gram) == crc32(gram, crc32(prefix)), so the "c"/"w" prefixes of the
# grams are hashed once here instead of being glued to every gram.
_CHAR_PREFIX = zlib.crc32(b"c")
_WORD_PREFIX = zlib.crc32(b"w")


@lru_cache(maxsize=200_000)
def _word_char_ids(word: str) -> tuple[int, ...]:
    # Words repeat across sentences, so hashing each word's n-grams once halves the cost of scoring.
    padded = f" {word} "
    if padded.isascii():
        # One byte per character: byte slices are the character n-grams already encoded.
        data, crc, prefix = padded.encode(), zlib.crc32, _CHAR_PREFIX
        size = len(data)
        return tuple(
            crc(data[i : i + n], prefix) & _MASK
            for n in range(CHAR_NGRAMS[0], CHAR_NGRAMS[1] + 1)
            for i in range(size - n + 1)
        )
    return tuple(zlib.crc32(gram[1:].encode(), _CHAR_PREFIX) & _MASK for gram in _word_char_grams(word))


def buckets(grams: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return the sorted distinct bucket ids of ``grams`` and, per id, the sublinear tf 1 + log(count)."""
    return _counted(
        np.fromiter((zlib.crc32(g.encode()) & _MASK for g in grams), dtype=np.int64, count=len(grams))
    )


def _counted(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    unique, counts = np.unique(ids, return_counts=True)
    return unique, 1.0 + np.log(counts)


def word_ids(text: str) -> list[int]:
    """Return the bucket id of each word n-gram of ``text`` (repeats included), as ``word_grams`` has them."""
    tokens = _TOKEN.findall(_DIGIT.sub("0", text.lower()))
    crc, prefix = zlib.crc32, _WORD_PREFIX
    ids = []
    for n in range(WORD_NGRAMS[0], WORD_NGRAMS[1] + 1):
        ids.extend(
            crc(" ".join(tokens[i : i + n]).encode(), prefix) & _MASK for i in range(len(tokens) - n + 1)
        )
    return ids


def char_ids(text: str) -> list[int]:
    """Return the bucket id of each character n-gram of ``text`` (repeats included)."""
    return [bucket for word in text.lower().split() for bucket in _word_char_ids(word)]


def _crc_table() -> np.ndarray:
    """zlib's CRC-32 byte table (reflected polynomial 0xEDB88320)."""
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & 1, (table >> 1) ^ np.uint32(0xEDB88320), table >> 1)
    return table.astype(np.uint32)


_CRC_TABLE = _crc_table()


def char_id_pairs(sentences: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return (sentence index, bucket id) of every character n-gram of ``sentences``: ``char_ids`` of
    each sentence, repeats included, in another order.

    The n-grams of ASCII words are hashed all at once with numpy (CRC-32 one byte position at a time over
    every n-gram of a length): hashing word by word in Python was most of the cost of scoring a new
    article, whose words are mostly not in the per-word cache. Other words go through ``char_ids``.
    """
    buffer, rows, word_starts, word_ends = [], [], [], []
    other_rows, other_ids = [], []
    at = 0
    for row, sentence in enumerate(sentences):
        for word in sentence.lower().split():
            if word.isascii():
                buffer.append(f" {word} ")
                rows.append(row)
                word_starts.append(at)
                at += len(word) + 2
                word_ends.append(at)
            else:
                ids = _word_char_ids(word)
                other_rows.extend([row] * len(ids))
                other_ids.extend(ids)
    data = np.frombuffer("".join(buffer).encode("ascii"), dtype=np.uint8)
    rows_out, ids_out = [np.array(other_rows, dtype=np.int64)], [np.array(other_ids, dtype=np.int64)]
    word_rows = np.array(rows, dtype=np.int64)
    starts, ends = np.array(word_starts, dtype=np.int64), np.array(word_ends, dtype=np.int64)
    prefix = np.uint32(_CHAR_PREFIX ^ 0xFFFFFFFF)  # the CRC register after the "c" prefix
    for n in range(CHAR_NGRAMS[0], CHAR_NGRAMS[1] + 1):
        counts = np.maximum(ends - starts - n + 1, 0)  # n-grams of each padded word
        total = int(counts.sum())
        if not total:
            continue
        # Start of every n-gram: each word's start repeated, plus 0, 1, ... within the word.
        offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
        gram_starts = np.repeat(starts, counts) + offsets
        register = np.full(total, prefix, dtype=np.uint32)
        for k in range(n):
            register = _CRC_TABLE[(register ^ data[gram_starts + k]) & 0xFF] ^ (register >> 8)
        rows_out.append(np.repeat(word_rows, counts))
        ids_out.append(((register ^ np.uint32(0xFFFFFFFF)) & np.uint32(_MASK)).astype(np.int64))
    return np.concatenate(rows_out), np.concatenate(ids_out)


def sentence_features(text: str) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Return (word block, char block), each as (bucket ids, sublinear tf) before idf and normalisation."""
    return _counted(np.array(word_ids(text), dtype=np.int64)), _counted(
        np.array(char_ids(text), dtype=np.int64)
    )
