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

    All n-grams of a length are hashed at once with numpy, CRC-32 one byte position at a time over their
    UTF-8 bytes: hashing word by word in Python was most of the cost of scoring a new article, whose
    words are mostly not in the per-word cache.
    """
    padded, rows = [], []
    for row, sentence in enumerate(sentences):
        words = sentence.lower().split()
        padded.extend(f" {word} " for word in words)
        rows.extend([row] * len(words))
    text = "".join(padded)
    # Character offsets of the padded words, and the UTF-8 byte offset of every character.
    lengths = np.fromiter(map(len, padded), dtype=np.int64, count=len(padded))
    ends = np.cumsum(lengths)
    starts = ends - lengths
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    widths = 1 + (points >= 0x80) + (points >= 0x800) + (points >= 0x10000)
    byte_at = np.concatenate(([0], np.cumsum(widths)))
    data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    word_rows = np.array(rows, dtype=np.int64)
    rows_out, ids_out = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    prefix = np.uint32(_CHAR_PREFIX ^ 0xFFFFFFFF)  # the CRC register after the "c" prefix
    for n in range(CHAR_NGRAMS[0], CHAR_NGRAMS[1] + 1):
        counts = np.maximum(lengths - n + 1, 0)  # n-grams of each padded word
        total = int(counts.sum())
        if not total:
            continue
        # First character of every n-gram: its word's start plus 0, 1, ... within the word.
        offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
        first = np.repeat(starts, counts) + offsets
        byte_start, byte_count = byte_at[first], byte_at[first + n] - byte_at[first]
        register = np.full(total, prefix, dtype=np.uint32)
        for k in range(int(byte_count.max())):
            live = k < byte_count  # n-grams with a k-th byte (all of them while k < n)
            at = np.where(live, byte_start + k, 0)
            stepped = _CRC_TABLE[(register ^ data[at]) & 0xFF] ^ (register >> 8)
            register = stepped if k < n else np.where(live, stepped, register)
        rows_out.append(np.repeat(word_rows, counts))
        ids_out.append(((register ^ np.uint32(0xFFFFFFFF)) & np.uint32(_MASK)).astype(np.int64))
    return np.concatenate(rows_out), np.concatenate(ids_out)


def sentence_features(text: str) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Return (word block, char block), each as (bucket ids, sublinear tf) before idf and normalisation."""
    return _counted(np.array(word_ids(text), dtype=np.int64)), _counted(
        np.array(char_ids(text), dtype=np.int64)
    )
