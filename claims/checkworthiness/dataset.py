"""Reading labelled check-worthiness TSV files (header with ``text`` and ``label``; no quoting)."""

import csv
from dataclasses import dataclass
from pathlib import Path


class DatasetError(ValueError):
    """The file is missing, unreadable or not a labelled TSV; the message says which and why."""


@dataclass(frozen=True)
class LabelledSentences:
    texts: list[str]
    labels: list[int]
    ids: list[str]

    @property
    def positives(self) -> int:
        return sum(self.labels)


def read_tsv(path: str | Path) -> LabelledSentences:
    """Read ``text`` and ``label`` (0/1) columns; raise DatasetError naming the file and the problem."""
    path = Path(path)
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise DatasetError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    with handle:
        # The shared files are unquoted: a sentence may begin with a double quote that is part of it.
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        try:
            header = next(reader, None)
            if header is None:
                raise DatasetError(f"{path}: the file is empty (expected a header with text and label)")
            missing = [name for name in ("text", "label") if name not in header]
            if missing:
                raise DatasetError(
                    f"{path}: missing column(s) {', '.join(missing)} in the header {header!r} "
                    "(a tab-separated header with text and label is required)"
                )
            text_at, label_at = header.index("text"), header.index("label")
            id_at = header.index("id") if "id" in header else None
            texts, labels, ids = [], [], []
            for line_no, row in enumerate(reader, start=2):
                if not row:
                    continue
                if len(row) <= max(text_at, label_at):
                    raise DatasetError(
                        f"{path}, line {line_no}: {len(row)} field(s), header has {len(header)}"
                    )
                label = row[label_at].strip()
                if label not in ("0", "1"):
                    raise DatasetError(f"{path}, line {line_no}: label must be 0 or 1, got {label!r}")
                texts.append(row[text_at])
                labels.append(int(label))
                ids.append(row[id_at] if id_at is not None and id_at < len(row) else str(line_no))
        except UnicodeDecodeError as exc:
            raise DatasetError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    if not texts:
        raise DatasetError(f"{path}: no labelled rows after the header")
    return LabelledSentences(texts=texts, labels=labels, ids=ids)


def read_many(paths: str | Path | list) -> LabelledSentences:
    """Read and concatenate one or several labelled TSV files; raise DatasetError on the first bad one."""
    parts = [read_tsv(path) for path in ([paths] if isinstance(paths, str | Path) else paths)]
    return LabelledSentences(
        texts=[text for part in parts for text in part.texts],
        labels=[label for part in parts for label in part.labels],
        ids=[sentence_id for part in parts for sentence_id in part.ids],
    )
