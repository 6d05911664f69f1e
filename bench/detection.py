"""Print claim-detection throughput (sentences/s) on the seed article and the shared article pages.

Run from the project root: ``python bench/detection.py [--repeat N]``. Text extraction (trafilatura) is done
before timing; only ``detect_claims`` is timed. Shared data that is missing is skipped with a note.
"""

import argparse
import gzip
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("DEBUG", "true")

from claims.detection import detect_claims  # noqa: E402
from sources.documents import Document  # noqa: E402
from tests.fixtures.detection import seed_document  # noqa: E402

ARTICLES = ROOT.parent.parent / "shared" / "data" / "articles"
if not ARTICLES.exists():
    ARTICLES = Path("/work/shared/data/articles")


def shared_documents() -> dict[str, list[Document]]:
    """Extract the shared pages to Documents; an empty dict when the shared data is absent."""
    try:
        import trafilatura
    except ImportError:
        print("trafilatura is not installed: shared pages skipped")
        return {}
    sets: dict[str, list[Document]] = {}
    pages = sorted((ARTICLES / "pages").glob("*.html"))
    gz_pages = sorted((ARTICLES / "scrapinghub" / "html").glob("*.html.gz"))
    if pages:
        sets["articles/pages"] = [_extract(trafilatura, p.read_bytes()) for p in pages]
    if gz_pages:
        sets["articles/scrapinghub"] = [
            _extract(trafilatura, gzip.decompress(p.read_bytes())) for p in gz_pages
        ]
    if not sets:
        print(f"no shared article pages under {ARTICLES}: skipped")
    return sets


def _extract(trafilatura, html: bytes) -> Document:
    return Document(text=trafilatura.extract(html.decode("utf-8", errors="replace")) or "", language="en")


def measure(name: str, documents: list[Document], repeat: int) -> None:
    detect_claims(documents[0])  # load the scorer once, outside the timing
    started = time.perf_counter()
    for _ in range(repeat):
        results = [detect_claims(document) for document in documents]
    elapsed = time.perf_counter() - started
    sentences = sum(len(r) for r in results)
    candidates = sum(s.is_candidate for r in results for s in r)
    body = sum(s.role == "body" for r in results for s in r)
    rate = sentences * repeat / elapsed if elapsed else float("inf")
    print(
        f"{name:24} docs={len(documents):4} sentences={sentences:6} body={body:6} candidates={candidates:5} "
        f"{rate:10.0f} sentences/s  {len(documents) * repeat / elapsed:8.1f} docs/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="passes over each set (default 5)")
    args = parser.parse_args()
    measure("seed article", [seed_document()], args.repeat * 20)
    for name, documents in shared_documents().items():
        measure(name, documents, args.repeat)


if __name__ == "__main__":
    main()
