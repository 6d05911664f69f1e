"""Cited links: the document's links whose anchor lies inside a sentence, or right next to it."""

import bisect
from collections.abc import Sequence

from sources.documents import Link

# An anchor this close to a sentence (e.g. "(source)" after its full stop) is that sentence's citation.
ADJACENT_CHARS = 3


def cited_urls(spans: Sequence[tuple[int, int]], links: Sequence[Link], text_length: int) -> list[list[str]]:
    """Return, for each (start, end) span in text order, the URLs of the links cited there, in order.

    A link overlapping several spans belongs to each; one in the gap between two spans belongs to the
    span it touches (the one before first). Links with offsets outside the text are ignored.
    """
    result: list[list[str]] = [[] for _ in spans]
    starts = [start for start, _ in spans]
    for link in sorted(links, key=lambda item: (item.start, item.end)):
        if not (0 <= link.start < link.end <= text_length) or not link.url:
            continue
        for index in _spans_for(spans, starts, link.start, link.end):
            if link.url not in result[index]:
                result[index].append(link.url)
    return result


def _spans_for(spans: Sequence[tuple[int, int]], starts: list[int], lo: int, hi: int) -> list[int]:
    first = max(bisect.bisect_right(starts, lo) - 1, 0)
    hits = []
    for index in range(first, len(spans)):
        start, end = spans[index]
        if start >= hi:
            break
        if end > lo:
            hits.append(index)
    if hits:
        return hits
    before = bisect.bisect_right(starts, lo) - 1
    if before >= 0 and 0 <= lo - spans[before][1] <= ADJACENT_CHARS:
        return [before]
    after = before + 1
    if after < len(spans) and 0 <= spans[after][0] - hi <= ADJACENT_CHARS:
        return [after]
    return []
