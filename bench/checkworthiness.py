"""Print per-sentence check-worthiness scoring latency (and load time) for each available model.

Run from the repository root:
``python bench/checkworthiness.py [--sentences N] [--models linear,transformer,semantic]``.
Sentences come from the demo article when present, else from built-in examples, so no shared data is needed.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from claims.checkworthiness import ModelUnavailable, load_scorer  # noqa: E402

EXAMPLES = [
    "Unemployment fell to 4.1 percent last year, the lowest rate since 2001.",
    "It is a very powerful and explicit message.",
    "The Kremlin said that talks would focus on the continuation of Russia-China's progress.",
    "Thank you, it is great to be here tonight.",
    "China has refused to pay more than the Russian gas rate, about a quarter of what it pays now.",
]


def sentences(count: int) -> list[str]:
    demo = ROOT / "claims" / "demo" / "seed-article.txt"
    pool = [line.strip() for line in demo.read_text().splitlines() if line.strip()] if demo.exists() else []
    pool = pool or EXAMPLES
    return [pool[i % len(pool)] for i in range(count)]


def bench(name: str, texts: list[str], repeats: int) -> None:
    started = time.perf_counter()
    try:
        scorer = load_scorer(name)
    except ModelUnavailable as exc:
        print(f"{name:11s} unavailable: {exc}")
        return
    load_ms = (time.perf_counter() - started) * 1000
    scorer.score(texts[:4])  # warm-up: first calls pay for lazy allocations
    one_by_one = []
    cpu_started = time.process_time()
    for text in texts:
        t0 = time.perf_counter()
        scorer.score([text])
        one_by_one.append((time.perf_counter() - t0) * 1000)
    cpu_one = (time.process_time() - cpu_started) * 1000 / len(texts)
    batch = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        scorer.score(texts)
        batch.append((time.perf_counter() - t0) * 1000 / len(texts))
    one_by_one.sort()
    # CPU time is printed too: on a busy machine wall time mostly measures waiting for a core.
    print(
        f"{name:11s} load {load_ms:8.1f} ms | one sentence per call: median "
        f"{statistics.median(one_by_one):.3f} ms, p95 {one_by_one[int(len(one_by_one) * 0.95)]:.3f} ms, "
        f"cpu {cpu_one:.3f} ms | batch of {len(texts)}: {min(batch):.3f} ms/sentence, "
        f"{1000 / min(batch):.0f} sentences/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sentences", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--models", default="linear,transformer,semantic")
    args = parser.parse_args()
    texts = sentences(args.sentences)
    print(f"{len(texts)} sentences, mean {statistics.mean(len(t) for t in texts):.0f} characters")
    for name in args.models.split(","):
        bench(name.strip(), texts, args.repeats)


if __name__ == "__main__":
    main()
