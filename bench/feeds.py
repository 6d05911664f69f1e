"""Print feed parsing (items/s), ClaimReview extraction (pages/s) and fallback-matching (items/s) speeds.

Run from the project root: ``python bench/feeds.py [--repeat N] [--claims N]``. Uses the test fixtures
(tests/fixtures/feeds) and a generated 200-item RSS feed; matching ranks against N generated claim texts
with the interim lexical ranker (claims.feeds.lexical), without a database.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from claims.feeds.claimreview_extract import extract_from_html  # noqa: E402
from claims.feeds.lexical import LexicalRanker  # noqa: E402
from claims.feeds.parsing import parse_feed  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "feeds"
WORDS = [
    "minister",
    "said",
    "unemployment",
    "rate",
    "fell",
    "rose",
    "percent",
    "million",
    "billion",
    "budget",
    "hospital",
    "school",
    "wind",
    "energy",
    "prices",
    "inflation",
    "crime",
    "police",
    "housing",
    "tax",
    "doubled",
    "halved",
    "since",
    "year",
    "month",
    "october",
    "report",
    "grid",
]


def big_feed(items: int = 200) -> bytes:
    entries = "".join(
        f"<item><title>Story {i} about {' '.join(random.sample(WORDS, 6))}</title>"
        f"<link>https://wire.example/{i}</link><guid>w-{i}</guid>"
        f"<pubDate>Sat, 28 Nov 2026 09:15:00 GMT</pubDate>"
        f"<description>&lt;p&gt;{' '.join(random.sample(WORDS, 12))}&lt;/p&gt;</description></item>"
        for i in range(items)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{entries}</channel></rss>'.encode()
    )


def timed(label: str, unit: str, count: int, repeat: int, fn) -> None:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    elapsed = time.perf_counter() - start
    print(f"{label}: {count * repeat / elapsed:,.0f} {unit}/s ({repeat} x {count} in {elapsed:.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--claims", type=int, default=10_000)
    args = parser.parse_args()
    random.seed(1)
    feed = big_feed()
    timed("RSS parsing", "items", 200, args.repeat, lambda: parse_feed(feed))
    page = (FIXTURES / "factchecker-page.html").read_bytes()
    timed(
        "ClaimReview extraction",
        "pages",
        1,
        args.repeat * 5,
        lambda: extract_from_html(page, base_url="https://x/"),
    )
    claims = [(i, " ".join(random.sample(WORDS, 14))) for i in range(args.claims)]
    ranker = LexicalRanker(items=claims)
    queries = [" ".join(random.sample(WORDS, 10)) for _ in range(50)]
    timed(
        f"lexical matching against {args.claims:,} claims",
        "items",
        len(queries),
        1,
        lambda: [ranker.rank(q, 10) for q in queries],
    )


if __name__ == "__main__":
    main()
