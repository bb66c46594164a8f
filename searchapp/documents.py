"""One document with its links: what it cites, what cites it, what repeals it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from whoosh.query import Or, Term

from indexer.errors import NotFoundError
from indexer.index.store import doc_to_record
from indexer.recognise.docnum import canonical_doc_number, iter_doc_numbers
from indexer.records import Record
from searchapp.engine import Engine


@dataclass
class Link:
    """A reference to another document: its 文号, and id/title when it is indexed and visible."""

    doc_number: str
    id: str | None = None
    title: str | None = None
    sentence: str = ""


@dataclass
class DocumentView:
    record: Record
    cites: list[Link] = field(default_factory=list)
    cited_by: list[Link] = field(default_factory=list)
    repeals: list[Link] = field(default_factory=list)
    repealed_by: list[Link] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = self.record.to_dict()
        for name in ("cites", "cited_by", "repeals", "repealed_by"):
            data[f"{name}_links"] = [link.__dict__ for link in getattr(self, name)]
        data["repealed"] = bool(self.repealed_by)
        return data


_SENTENCE_END = re.compile(r"[。；;\n]")


def sentence_around(text: str, doc_number: str) -> str:
    """The sentence of ``text`` in which ``doc_number`` (any variant) is printed.

    >>> sentence_around("前言。原办法（离政办发〔2022〕15号）同时废止。", "离政办发〔2022〕15号")
    '原办法（离政办发〔2022〕15号）同时废止。'
    """
    for parsed, start, end in iter_doc_numbers(text):
        if str(parsed) == doc_number:
            left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
            stop = _SENTENCE_END.search(text, end)
            right = stop.end() if stop else len(text)
            return text[left:right].strip()
    return ""


class LinkedDocuments:
    """A document and its links, from any backend: what each backend supplies is a visible
    record by id or 文号 (:meth:`record`) and the visible records holding a value of a keyword
    field (:meth:`by_field`)."""

    def record(self, key: str) -> Record:
        """A visible document by id or by 文号 (any variant); NotFoundError otherwise."""
        raise NotImplementedError

    def by_field(self, name: str, value: str) -> list[Record]:
        """The visible documents whose keyword field ``name`` holds ``value``."""
        raise NotImplementedError

    def _link(self, doc_number: str) -> Link:
        found = self.by_field("doc_number", doc_number)
        return Link(doc_number, found[0].id, found[0].title) if found else Link(doc_number)

    def view(self, key: str) -> DocumentView:
        """The document and its links (cites / cited by / repeals / repealed by)."""
        rec = self.record(key)
        doc = DocumentView(rec)
        doc.cites = [self._link(dn) for dn in rec.cites if dn not in rec.repeals]
        doc.repeals = [self._link(dn) for dn in rec.repeals]
        if rec.doc_number:
            doc.cited_by = [
                Link(r.doc_number, r.id, r.title)
                for r in self.by_field("cites", rec.doc_number)
                if r.id != rec.id
            ]
            doc.repealed_by = [
                Link(r.doc_number, r.id, r.title, sentence_around(r.body, rec.doc_number))
                for r in self.by_field("repeals", rec.doc_number)
            ]
        return doc


class Documents(LinkedDocuments):
    """Look-ups of single documents in the embedded index, honouring visibility."""

    def __init__(self, engine: Engine, staff: bool = False) -> None:
        self.engine = engine
        self.staff = staff

    def _visible_docnums(self, snap: Any, searcher: Any, query: Any) -> list[int]:
        visible = snap.columns.visible(self.staff)
        return sorted(n for n in query.docs(searcher) if n in visible)

    def find(self, key: str) -> tuple[int, Record]:
        """A visible document by id or by 文号 (any variant), with its document number;
        NotFoundError otherwise."""
        with self.engine.searcher() as (snap, searcher):
            docnums = self._visible_docnums(snap, searcher, Term("id", key))
            if not docnums:
                number = canonical_doc_number(key)
                if number:
                    by_number = Or([Term("doc_number", number), Term("doc_number_aliases", number)])
                    docnums = self._visible_docnums(snap, searcher, by_number)
            if not docnums:
                raise NotFoundError(f"no document {key!r}")
            return docnums[0], doc_to_record(searcher.stored_fields(docnums[0]))

    def record(self, key: str) -> Record:
        return self.find(key)[1]

    def by_field(self, name: str, value: str) -> list[Record]:
        with self.engine.searcher() as (snap, searcher):
            return [
                doc_to_record(searcher.stored_fields(n))
                for n in self._visible_docnums(snap, searcher, Term(name, value))
            ]
