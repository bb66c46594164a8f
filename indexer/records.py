"""The record: one document of a gazette issue, with the fields DESIGN.md names."""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import Any

VISIBILITIES = ("public", "internal")
# Record fields by JSON type (the rest, page and pdf_page, are whole numbers).
TEXT_FIELDS = (
    "id",
    "title",
    "doc_number",
    "issuer",
    "doc_type",
    "date",
    "gazette",
    "gazette_date",
    "section",
    "source",
    "contact",
    "body",
    "visibility",
)
LIST_FIELDS = ("issuers", "cites", "repeals", "attachments")


@dataclass
class Record:
    """One document. Field names are the same in Python, the index and JSON."""

    id: str = ""
    title: str = ""
    doc_number: str = ""
    issuer: str = ""
    issuers: list[str] = field(default_factory=list)
    doc_type: str = ""
    date: str = ""  # 成文日期, ISO YYYY-MM-DD, "" when unknown
    gazette: str = ""
    gazette_date: str = ""
    section: str = ""
    page: int | None = None
    source: str = ""
    pdf_page: int | None = None
    visibility: str = "public"
    cites: list[str] = field(default_factory=list)
    repeals: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    contact: str = ""
    body: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        """Build a record from a JSON object, ignoring keys we do not know."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        rec = cls(**known)
        for name in LIST_FIELDS:
            value = getattr(rec, name)
            if value is None:
                setattr(rec, name, [])
            elif isinstance(value, str):
                setattr(rec, name, [value] if value else [])
        for name in ("page", "pdf_page"):
            value = getattr(rec, name)
            if isinstance(value, str):
                setattr(rec, name, int(value) if value.isdigit() else None)
        for name in TEXT_FIELDS:
            if getattr(rec, name) is None:
                setattr(rec, name, "" if name != "visibility" else "public")
        return rec

    @property
    def year(self) -> str:
        return self.date[:4] if len(self.date) >= 4 else ""


_SLUG_RE = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """ASCII slug of a file stem: ``lishi-gazette-2024-1.txt`` → ``lishi-gazette-2024-1``."""
    slug = _SLUG_RE.sub("-", text.lower()).strip("-")
    return slug or "doc"


def make_id(source_stem: str, key: str) -> str:
    """A stable, URL-safe id: the source's slug and a short hash of the document's key.

    The key is the 文号 when there is one, else the title, so reindexing the same source gives
    the same ids even when documents are added before it.

    >>> make_id("lishi-gazette-2024-1", "离政发〔2024〕8号")
    'lishi-gazette-2024-1-a6465912'
    """
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
    return f"{slugify(source_stem)[:48]}-{digest}"


def assign_ids(records: list[Record], source_stem: str) -> None:
    """Give every record without an id a stable one; duplicates get ``-2``, ``-3`` suffixes."""
    seen: dict[str, int] = {}
    for rec in records:
        base = rec.id or make_id(source_stem, rec.doc_number or rec.title or rec.body[:200])
        count = seen.get(base, 0) + 1
        seen[base] = count
        rec.id = base if count == 1 else f"{base}-{count}"
