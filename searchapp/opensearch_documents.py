"""Single documents and their links from the OpenSearch alias: the same look-ups as the
embedded index's :class:`searchapp.documents.Documents`, as keyword-term searches with the
visibility filter the public site always adds."""

from __future__ import annotations

from typing import Any

from indexer.config import Config
from indexer.errors import NotFoundError
from indexer.index.opensearch.writer import OpenSearchIndex
from indexer.recognise.docnum import canonical_doc_number
from indexer.records import Record
from searchapp.documents import LinkedDocuments
from searchapp.opensearch_query import visibility_filter
from searchapp.opensearch_search import complete

# The most documents one link list shows (a much-cited 文号 in a large collection).
MAX_LINKED = 1_000


class OpenSearchDocuments(LinkedDocuments):
    """Look-ups of single documents in the OpenSearch alias of ``[backend]``."""

    def __init__(self, config: Config, staff: bool = False) -> None:
        self.target = OpenSearchIndex(config.backend)
        self.staff = staff

    def _find(self, clause: dict[str, Any], size: int) -> list[Record]:
        """Visible documents matching ``clause``, in id order (the embedded index keeps index
        order, which OpenSearch does not have; a 文号 printed twice is rare)."""
        body = {
            "query": {"bool": {"filter": [clause, *visibility_filter(self.staff)]}},
            "sort": [{"id": "asc"}],
            "size": size,
            "_source": ["record"],
        }
        found = complete(self.target.client.call("POST", f"/{self.target.alias}/_search", body))
        return [Record.from_dict(hit["_source"]["record"]) for hit in found["hits"]["hits"]]

    def record(self, key: str) -> Record:
        found = self._find({"term": {"id": key}}, 1)
        number = canonical_doc_number(key) if not found else None
        if number:
            fields = ("doc_number", "doc_number_aliases")
            either = [{"term": {name: number}} for name in fields]
            found = self._find({"bool": {"should": either, "minimum_should_match": 1}}, 1)
        if not found:
            raise NotFoundError(f"no document {key!r}")
        return found[0]

    def by_field(self, name: str, value: str) -> list[Record]:
        return self._find({"term": {name: value}}, MAX_LINKED)
