"""Print a page's pieces for blind labelling: offsets, hash and text, and nothing the detector decides.

Run from the project root: ``python bench/label_pieces.py PAGE [PAGE ...] [--articles DIR]``, PAGE as the
labels file names it (``pages/x.html``, ``scrapinghub/html/<id>.html.gz``). The text and the cuts are those
``evaluate_detection`` sees (``extract_html`` as ingestion runs it, then the detector's segmentation), but no
role, kind, score or claimant is shown, so the labels are the labeller's own. Each line is a labels row with
the label and claimant left blank: ``split page start end sha1 <label> <claimant>``, then the piece's text.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from claims.detection.evaluation import read_page, text_key  # noqa: E402
from claims.detection.sentences import segment  # noqa: E402
from sources.extraction import extract_html  # noqa: E402


def pieces(articles: Path, page: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each piece of ``page``, cut as ``detect_claims`` cuts it."""
    document = extract_html(read_page(articles, page))
    text = document.text
    cuts = segment(
        text,
        link_spans=[(link.start, link.end) for link in document.links],
        title=document.title or "",
        byline=document.byline or "",
        language=document.language or "en",
    )
    return [(p.start, p.end, text[p.start : p.end]) for p in cuts]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="+")
    parser.add_argument("--articles", default="/work/shared/data/articles")
    parser.add_argument("--split", default="dev2")
    args = parser.parse_args()
    for page in args.pages:
        for start, end, text in pieces(Path(args.articles), page):
            print(f"{args.split}\t{page}\t{start}\t{end}\t{text_key(text)}\t?\t")
            print("    " + " ".join(text.split()))


if __name__ == "__main__":
    main()
