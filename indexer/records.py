"""The record: one document of a gazette issue, with the fields DESIGN.md names."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

VISIBILITIES = ("public", "internal")
# Record fields by JSON type (the rest, page and pdf_page, are whole numbers).
TEXT_FIELDS = (
    "id",
    "source_id",
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
LIST_FIELDS = (
    "doc_number_aliases",
    "issuers",
    "cites",
    "repeals",
    "attachments",
    "corrected",
    "review",
)


@dataclass
class Record:
    """One document. Field names are the same in Python, the index and JSON."""

    id: str = ""
    source_id: str = ""  # the id its source gave (JSONL); "" when the id was generated
    title: str = ""
    doc_number: str = ""
    # Other 文号 the issue gives the same document (its contents entry's), canonical.
    doc_number_aliases: list[str] = field(default_factory=list)
    issuer: str = ""
    issuers: list[str] = field(default_factory=list)
    doc_type: str = ""
    date: str = ""  # 成文日期, ISO YYYY-MM-DD, or YYYY-MM where only a month is printed
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
    # Fields a staff member corrected (see indexer.metadata.corrections), in FIELDS order.
    corrected: list[str] = field(default_factory=list)
    # What the extractor is unsure of, for staff to check (issuer from 文号 prefix, no date…).
    review: list[str] = field(default_factory=list)
    # The text came from OCR (a scanned page), with the mean recognition score of its pages.
    ocr: bool = False
    ocr_confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        """Build a record from a JSON object, ignoring keys we do not know.

        A page given as a string of ASCII digits becomes its number and ``""`` none; any other
        string raises ValueError naming the field, rather than silently losing the page.

        >>> Record.from_dict({"title": "通知", "page": "12"}).page
        12
        >>> Record.from_dict({"title": "通知", "pdf_page": "abc"})
        Traceback (most recent call last):
        ValueError: pdf_page: "abc" is not a whole number
        """
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
            if isinstance(value, str) and value and not (value.isascii() and value.isdigit()):
                raise ValueError(f'{name}: "{value[:40]}" is not a whole number')
            if isinstance(value, str):
                setattr(rec, name, int(value) if value else None)
        for name in TEXT_FIELDS:
            if getattr(rec, name) is None:
                setattr(rec, name, "" if name != "visibility" else "public")
        _check_ocr(rec)
        return rec

    @property
    def year(self) -> str:
        return self.date[:4] if len(self.date) >= 4 else ""


def _check_ocr(rec: Record) -> None:
    """``ocr`` is true or false (missing: false), ``ocr_confidence`` a number or missing.

    >>> Record.from_dict({"ocr": None}).ocr, Record.from_dict({"ocr_confidence": 1}).ocr_confidence
    (False, 1.0)
    >>> Record.from_dict({"ocr": "yes"})
    Traceback (most recent call last):
    ValueError: ocr: "yes" is not true or false
    """
    if rec.ocr is None:
        rec.ocr = False
    if not isinstance(rec.ocr, bool):
        raise ValueError(f'ocr: "{str(rec.ocr)[:40]}" is not true or false')
    score = rec.ocr_confidence
    if score is not None:
        if isinstance(score, bool) or not isinstance(score, int | float):
            raise ValueError(f'ocr_confidence: "{str(score)[:40]}" is not a number')
        rec.ocr_confidence = float(score)


# The characters an id may hold as it is: ASCII ones a URL path segment carries unescaped, and
# letters, digits and marks of any script (percent-encoded by the browser, decoded back exactly).
_ID_ASCII = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
MAX_ID_LENGTH = 200
SLUG_LENGTH = 48


def _id_char(ch: str) -> bool:
    if ch.isascii():
        return ch in _ID_ASCII
    return unicodedata.category(ch)[0] in "LNM"


def is_url_safe_id(raw: str) -> bool:
    """Whether a source's id can serve as ours unchanged: in ``/doc/<id>`` it survives
    percent-encoding and the server's decoding exactly (no ``/``, ``?``, ``%``, spaces, control
    characters or lone surrogates; not a dot segment; NFC, so no two spellings of one id).

    >>> is_url_safe_id("a1"), is_url_safe_id("宪法-2018"), is_url_safe_id("govcn/content_1")
    (True, True, False)
    """
    return (
        0 < len(raw) <= MAX_ID_LENGTH
        and not raw.startswith(".")
        and all(_id_char(ch) for ch in raw)
        and unicodedata.is_normalized("NFC", raw)
    )


def _digest(text: str, length: int) -> str:
    # surrogatepass: a lone surrogate in a source id must hash, not raise.
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def url_safe_id(raw: str) -> str:
    """A source's id as ours: kept when URL-safe, else its safe beginning and a stable hash of
    the whole (the original stays in ``source_id``); never characters folded into others, so two
    source ids never meet in one of ours.

    >>> url_safe_id("中华人民共和国宪法-2018")
    '中华人民共和国宪法-2018'
    >>> url_safe_id("govcn/content_5365945")
    'govcn-13b8b048c99b'
    """
    if is_url_safe_id(raw):
        return raw
    head = ""
    for ch in raw[:32]:
        if not _id_char(ch):
            break
        head += ch
    head = head.lstrip(".").rstrip("-._~")
    digest = _digest(raw, 12)
    return f"{head}-{digest}" if head else digest


def slugify(text: str) -> str:
    """A readable slug of a source path: letters and digits of any script kept (lower case,
    NFKC), every other run of characters one dash.

    >>> slugify("lishi-gazette-2024-1"), slugify("2023/公报第１期"), slugify("——")
    ('lishi-gazette-2024-1', '2023-公报第1期', 'doc')
    """
    folded = unicodedata.normalize("NFKC", text).lower()
    slug = "".join(ch if ch.isalnum() else "-" for ch in folded)
    return _DASHES.sub("-", slug).strip("-") or "doc"


_DASHES = re.compile(r"-{2,}")


def make_id(source_path: str, key: str) -> str:
    """A generated id: the slug of the source's path (relative to its root, without suffix) and
    a short hash of the document's key (its 文号, else title, else body start), so reindexing the
    same source gives the same ids even when documents are added before it.

    When the slug spells the path exactly, the hash is of the key alone; otherwise the path
    joins the key in the hash, so ``2023/公报第1期`` and ``2023-公报第1期`` (one slug) differ.

    >>> make_id("lishi-gazette-2024-1", "离政发〔2024〕8号")
    'lishi-gazette-2024-1-a6465912'
    >>> [make_id(f"{year}/公报第1期", "离政发〔2024〕8号") for year in (2023, 2024)]
    ['2023-公报第1期-3363ff51', '2024-公报第1期-a09719dc']
    """
    slug = slugify(source_path)[:SLUG_LENGTH].rstrip("-")
    seed = key if slug == source_path else f"{source_path}\x1f{key}"
    return f"{slug}-{_digest(seed, 8)}"


def assign_ids(records: list[Record], source_path: str) -> None:
    """Give one source's records their ids.

    A record with an id from its source keeps it in ``source_id`` and gets :func:`url_safe_id`
    of it (duplicates are left for the index to refuse, naming both files). The others get
    :func:`make_id` from ``source_path`` (relative to the source's root, without suffix);
    records of one file with the same key get ``-2``, ``-3`` suffixes in file order.
    """
    seen: dict[str, int] = {}
    for rec in records:
        if rec.id:
            rec.source_id = rec.id
            rec.id = url_safe_id(rec.id)
            continue
        rec.source_id = ""
        base = make_id(source_path, rec.doc_number or rec.title or rec.body[:200])
        count = seen.get(base, 0) + 1
        seen[base] = count
        rec.id = base if count == 1 else f"{base}-{count}"
