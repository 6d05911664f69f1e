"""The shape of an extracted document, shared by extraction, ingestion and detection."""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Link:
    """An outbound link in the main text; ``start``/``end`` are character offsets of its anchor text."""

    url: str
    text: str
    start: int
    end: int

    def as_dict(self) -> dict:
        return {"url": self.url, "text": self.text, "start": self.start, "end": self.end}


@dataclass
class Document:
    """Main text and metadata of a web page or a plain-text article."""

    text: str
    title: str = ""
    byline: str = ""
    published_at: datetime | None = None
    language: str = ""
    links: list[Link] = field(default_factory=list)
    canonical_url: str = ""  # the absolute http(s) URL the page declares as its own (sources.page_identity)
    site_name: str = ""  # the publisher the page names
