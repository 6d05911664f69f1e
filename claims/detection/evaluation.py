"""Claim detection measured against hand labels of real news pages (docs/detection.md, "Evaluation").

The labels file (``bench/labels/news_checkworthiness.tsv``) holds no article text: each row names a page
file under the shared articles directory, the character span of one labelled piece in the text that the
project's extraction (``sources.extraction.extract_html``, as ingestion runs it) gives for that page, a
hash of the piece's normalised text, the split, the label and the claimant. The text is read from the
pages at evaluation time, and the hash tells whether the extraction still yields the same text there.

Labels: ``1`` a check-worthy factual claim, ``0`` not, ``L`` a boilerplate or layout line (byline,
dateline, navigation, teaser, subscription pitch, contact line, ...; counts as 0, and a proposed ``L``
line is counted apart). ``claimant``: for a ``1`` made by a named source, the name, with ``|`` between
accepted spellings.

A detector may cut the text differently from the segmentation the labels were made on. Each detected
piece takes the label of the labelled spans it overlaps, weighted by the characters in common: it is a
claim when the claim characters are at least half of its labelled characters, and a layout line when
the layout characters are more than half. A piece that overlaps no labelled span is "unlabelled" and is
counted apart, never as right or wrong.
"""

import gzip
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sources.documents import Document

LABELS = ("0", "1", "L")
SPLITS = ("dev", "dev2", "dev3", "test", "seed")
# What ``evaluate_detection --split`` may name: a split, or a group of them (the seed is reported apart).
SPLIT_CHOICES = {
    "dev": ("dev",),
    "dev2": ("dev2",),
    "dev3": ("dev3",),
    "held-in": ("dev", "dev2", "dev3"),
    "test": ("test",),
    "all": ("dev", "dev2", "dev3", "test"),
}
SEED_PAGE = "seed-article.html"
SEED_PATH = Path(__file__).resolve().parents[1] / "demo" / SEED_PAGE
DEFAULT_LABELS = Path(__file__).resolve().parents[2] / "bench" / "labels" / "news_checkworthiness.tsv"
_TITLES = frozenset(
    ["the", "mr", "mrs", "ms", "dr", "prof", "sir", "dame", "cmdr", "gen", "lt", "col", "sgt", "capt", "sen"]
    + ["rep", "gov", "rev", "hon", "adm", "maj"]
)
_COLUMNS = ("split", "page", "start", "end", "sha1", "label", "claimant")


class LabelsError(ValueError):
    """The labels file is missing, malformed, or names pages that cannot be read; the message says which."""


@dataclass(frozen=True)
class LabelRow:
    split: str
    page: str
    start: int
    end: int
    sha1: str
    label: str
    claimants: tuple[str, ...] = ()


def text_key(text: str) -> str:
    """Hash of a piece's text after NFKC, whitespace collapsing and case folding (16 hex digits)."""
    normal = " ".join(unicodedata.normalize("NFKC", text).split()).casefold()
    return hashlib.sha1(normal.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


def name_key(name: str) -> str:
    """Compare claimant names without accents, case, punctuation, possessives or a leading "the"."""
    ascii_only = "".join(
        c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)
    ).casefold()
    words = re.sub(r"['’]s\b", "", ascii_only)
    words = re.sub(r"[^\w\s]", " ", words).split()
    # A courtesy or rank title is not part of the name ("Cmdr. Sean Robertson"); a role word glued to
    # the name is ("Executive Satya Nadella" is wrong), so only these abbreviations go.
    while len(words) > 1 and words[0] in _TITLES:
        words = words[1:]
    return " ".join(words)


def read_labels(path: str | Path = DEFAULT_LABELS) -> list[LabelRow]:
    """Read and check the labels TSV; LabelsError with the line number on the first bad row."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise LabelsError(f"cannot read labels file {path}: {exc.strerror or exc}") from exc
    if not lines or tuple(lines[0].split("\t")) != _COLUMNS:
        raise LabelsError(f"{path}: the header must be {' '.join(_COLUMNS)} (tab-separated)")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(_COLUMNS):
            raise LabelsError(f"{path}:{number}: expected {len(_COLUMNS)} columns, got {len(cells)}")
        split, page, start, end, sha1, label, claimant = cells
        if split not in SPLITS or label not in LABELS or not start.isdigit() or not end.isdigit():
            raise LabelsError(f"{path}:{number}: bad split, label or offsets")
        if int(start) >= int(end):
            raise LabelsError(f"{path}:{number}: start must be before end")
        names = tuple(n.strip() for n in claimant.split("|") if n.strip())
        if names and label != "1":
            raise LabelsError(f"{path}:{number}: only a claim (label 1) has a claimant")
        rows.append(LabelRow(split, page, int(start), int(end), sha1, label, names))
    return rows


def read_page(articles: Path, page: str) -> bytes:
    """The page's HTML bytes: the seed article from the repo, others from ``articles`` (gzip or not)."""
    path = SEED_PATH if page == SEED_PAGE else articles / page
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LabelsError(f"cannot read page {path}: {exc.strerror or exc}") from exc
    return gzip.decompress(data) if path.name.endswith(".gz") else data


@dataclass
class Figures:
    """Counts over detected pieces, with the labels projected onto them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    layout_proposed: int = 0
    unlabelled: int = 0
    unlabelled_proposed: int = 0
    named_claims: int = 0
    claimant_right: int = 0
    stale: int = 0
    pages: int = 0
    errors: list[tuple[str, str, int, int, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def claimant_accuracy(self) -> float:
        return self.claimant_right / self.named_claims if self.named_claims else 0.0


def project(rows: Iterable[LabelRow], start: int, end: int) -> tuple[str | None, tuple[str, ...]]:
    """The label (or None: unlabelled) and the gold claimant names for a detected piece [start, end)."""
    weight = {"0": 0, "1": 0, "L": 0}
    claimant, best = (), 0
    for row in rows:
        common = min(end, row.end) - max(start, row.start)
        if common <= 0:
            continue
        weight[row.label] += common
        if row.label == "1" and common > best:
            claimant, best = row.claimants, common
    total = sum(weight.values())
    if not total:
        return None, ()
    if 2 * weight["1"] >= total:
        return "1", claimant
    return ("L" if 2 * weight["L"] > total else "0"), ()


def evaluate(
    rows: list[LabelRow],
    detect: Callable[[Document], list],
    extract: Callable[[bytes], Document],
    articles: Path,
    *,
    keep_errors: bool = False,
) -> Figures:
    """Run ``detect`` on each labelled page and count against the projected labels."""
    figures = Figures()
    by_page: dict[str, list[LabelRow]] = {}
    for row in rows:
        by_page.setdefault(row.page, []).append(row)
    for page, page_rows in by_page.items():
        document = extract(read_page(articles, page))
        text = document.text
        fresh = [row for row in page_rows if text_key(text[row.start : row.end]) == row.sha1]
        figures.stale += len(page_rows) - len(fresh)
        figures.pages += 1
        for sentence in detect(document):
            label, gold = project(fresh, sentence.start, sentence.end)
            proposed = bool(sentence.is_candidate)
            if label is None:
                figures.unlabelled += 1
                figures.unlabelled_proposed += proposed
                continue
            if label == "1":
                figures.tp += proposed
                figures.fn += not proposed
            else:
                figures.fp += proposed
                figures.tn += not proposed
                figures.layout_proposed += proposed and label == "L"
            found = sentence.claimant.name if sentence.claimant is not None else ""
            claimant_wrong = bool(gold) and name_key(found) not in {name_key(name) for name in gold}
            if gold:
                figures.named_claims += 1
                figures.claimant_right += not claimant_wrong
            if not keep_errors:
                continue
            if proposed != (label == "1"):
                kind = "FN" if label == "1" else ("FP-layout" if label == "L" else "FP")
                figures.errors.append((kind, page, sentence.start, sentence.end, sentence.text))
            elif claimant_wrong:
                kind = f"claimant {found or None!r}, labelled {gold[0]!r}"
                figures.errors.append((kind, page, sentence.start, sentence.end, sentence.text))
    return figures
