"""The URL and publisher a page declares for itself, on the shared article pages.

Usage: python bench/page_identity.py [DATA_DIR]   (default /work/shared/data/articles)

For each page of ``index.tsv``: the canonical URL and site name ``sources.page_identity`` reads, whether
the URL is the corpus's (trailing slash ignored), and the mean time of reading both from the parsed tree,
next to the mean time of the whole ``extract_html``.
"""

import csv
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from trafilatura.utils import load_html  # noqa: E402

from sources import page_identity  # noqa: E402
from sources.extraction import extract_html  # noqa: E402

RUNS = 20


def main(data_dir: Path) -> None:
    rows = list(csv.DictReader((data_dir / "index.tsv").open(encoding="utf-8"), delimiter="\t"))
    same, named, identity_s, extraction_s = 0, 0, 0.0, 0.0
    for row in rows:
        html = (data_dir / row["file"]).read_text(encoding="utf-8", errors="replace")
        tree = load_html(html)
        start = time.perf_counter()
        for _ in range(RUNS):
            url, name = page_identity.canonical_url(tree), page_identity.site_name(tree)
        identity_s += (time.perf_counter() - start) / RUNS
        start = time.perf_counter()
        extract_html(html)
        extraction_s += time.perf_counter() - start
        match = url.rstrip("/") == row["url"].rstrip("/")
        same += match
        named += bool(name)
        print(f"{'=' if match else '≠'} {row['file'][:42]:42} {url or '-'}  [{name or '-'}]")
    n = len(rows)
    print(f"canonical URL = corpus URL: {same}/{n}; site name found: {named}/{n}")
    print(
        f"page identity: {identity_s / n * 1000:.3f} ms/page; "
        f"extract_html: {extraction_s / n * 1000:.1f} ms/page"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/shared/data/articles"))
