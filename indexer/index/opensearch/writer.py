"""Writing to OpenSearch: concrete indexes behind one alias, bulk loads, source states.

A rebuild creates a new concrete index (``<alias>-<ns>``) with a companion holding each
source's state (``<alias>-<ns>-sources``), fills both, refreshes, then moves the alias in one
``_aliases`` call and deletes the old pair: a reader sees the old index or the new one, never a
half-built one. An update replaces a changed source's documents in the live index (their ids are
looked up by ``source``: the minimal distribution has no ``_delete_by_query``), then its state.
Every bulk item is checked: a document OpenSearch refused fails the run; one it rejected for
load (429) is sent again after a pause. Documents go in two bulk requests at a time, so that the
node indexes one batch while the next is tokenised; a write returns only when every request has
been answered.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any

from indexer.analysis.tokens import JiebaTokenizer
from indexer.config import BackendConfig
from indexer.index.manifest import SourceState
from indexer.index.opensearch.client import RETRY_DELAYS, Client, OpenSearchError
from indexer.index.opensearch.mapping import index_body, record_to_source, sources_index_body
from indexer.records import Record

BATCH_DOCS = 500
BATCH_BYTES = 8 * 1024 * 1024
# Bulk requests in flight at once while a rebuild or update writes its documents.
SENDERS = 2


def _batches(lines: Iterable[tuple[dict[str, Any], dict[str, Any] | None]]) -> Iterator[list[Any]]:
    """Action/document pairs grouped into bulk requests of bounded size."""
    batch: list[Any] = []
    size = 0
    for action, doc in lines:
        batch.append((action, doc))
        size += len(json.dumps(doc, ensure_ascii=False)) if doc is not None else 64
        if len(batch) >= BATCH_DOCS or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _flatten(batch: list[tuple[dict[str, Any], dict[str, Any] | None]]) -> list[dict[str, Any]]:
    return [line for action, doc in batch for line in (action, doc) if line is not None]


def _refused(item: dict[str, Any]) -> str:
    ((op, result),) = item.items()
    error = result.get("error") or {}
    reason = error.get("reason", error) if isinstance(error, dict) else error
    return f"OpenSearch refused to {op} document {result.get('_id')!r}: {reason}"


def send_bulk(
    client: Client,
    pairs: Iterable[tuple[dict[str, Any], dict[str, Any] | None]],
    senders: int = SENDERS,
) -> int:
    """Send action/document pairs; the number acknowledged, once every request is answered.
    Raises on any refused item.

    With ``senders`` > 1, that many requests may be in flight while the next batch is made (the
    node indexes one while our analysis tokenises the next); a batch waits for a free sender, so
    no more than ``senders`` batches are ever held. Their order is not kept: only for actions on
    distinct documents.
    """
    if senders <= 1:
        return sum(_send_batch(client, batch) for batch in _batches(pairs))
    work: queue.Queue[list[Any] | None] = queue.Queue(maxsize=senders)
    done: list[int] = []
    errors: list[BaseException] = []

    def sender() -> None:
        while (batch := work.get()) is not None:
            if errors:
                continue  # after a failure: drained, not sent
            try:
                done.append(_send_batch(client, batch))
            except BaseException as exc:  # handed to the caller's thread
                errors.append(exc)

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(senders)]
    for thread in threads:
        thread.start()
    try:
        for batch in _batches(pairs):
            if errors:
                break
            work.put(batch)
    finally:
        for _ in threads:
            work.put(None)
        for thread in threads:
            thread.join()
    if errors:
        raise errors[0]
    return sum(done)


def _send_batch(client: Client, batch: list[Any]) -> int:
    """One bulk request, its items rejected for load (429) sent again after a pause; the number
    acknowledged."""
    done = 0
    delays = iter(RETRY_DELAYS)
    while batch:
        answer = client.bulk(_flatten(batch))
        retry = []
        for pair, item in zip(batch, answer.get("items", []), strict=True):
            status = next(iter(item.values())).get("status", 0)
            if status == 429:
                retry.append(pair)
            elif status >= 300 and not (status == 404 and "delete" in item):
                raise OpenSearchError(_refused(item), status)
            else:
                done += 1
        delay = next(delays, None) if retry else 0.0
        if delay is None:
            raise OpenSearchError(f"OpenSearch kept rejecting {len(retry)} documents (429)")
        time.sleep(delay)
        batch = retry
    return done


class OpenSearchIndex:
    """The alias named in ``[backend] index`` and the concrete indexes behind it."""

    def __init__(self, backend: BackendConfig, client: Client | None = None) -> None:
        self.backend = backend
        self.alias = backend.index
        self.client = client or Client(backend.url)

    # -- reading the live state -----------------------------------------------------------
    def live(self) -> str | None:
        """The concrete index the alias points at, or None when there is none yet."""
        found = self.client.call("GET", f"/_alias/{self.alias}", ok=(404,))
        names = [k for k in (found or {}) if k != "error" and k != "status"]
        return sorted(names)[-1] if names else None

    def meta(self, concrete: str) -> dict[str, Any]:
        """How the concrete index was built (its mapping's ``_meta``)."""
        mapping = self.client.call("GET", f"/{concrete}/_mapping")
        meta: dict[str, Any] = mapping[concrete]["mappings"].get("_meta", {})
        return meta

    def states(self, concrete: str) -> dict[str, SourceState]:
        """Each source's state, as recorded beside the concrete index."""
        states = {}
        after: list[Any] = []
        while True:
            body: dict[str, Any] = {"size": 1000, "sort": [{"key": "asc"}]}
            if after:
                body["search_after"] = after
            hits = self.client.call("POST", f"/{concrete}-sources/_search", body)["hits"]["hits"]
            for hit in hits:
                raw = dict(hit["_source"])
                key = raw.pop("key")
                raw["ids"] = tuple(raw.get("ids", ()))
                states[key] = SourceState(**raw)
            if len(hits) < 1000:
                return states
            after = hits[-1]["sort"]

    def count(self, concrete: str) -> int:
        found: int = self.client.call("GET", f"/{concrete}/_count")["count"]
        return found

    def ids_of(self, concrete: str, source: str) -> list[str]:
        """The ids of a source's documents in the index (searched, not taken from its state)."""
        body = {"size": 10_000, "_source": False, "query": {"term": {"source": source}}}
        found = self.client.call("POST", f"/{concrete}/_search", body)
        return [hit["_id"] for hit in found["hits"]["hits"]]

    # -- writing ----------------------------------------------------------------------------
    def create(self, meta: dict[str, Any]) -> str:
        """A new, empty concrete index and its sources companion; its name."""
        concrete = f"{self.alias}-{time.time_ns()}"
        body = index_body(self.backend.shards, self.backend.replicas, meta)
        self.client.call("PUT", f"/{concrete}", body)
        self.client.call("PUT", f"/{concrete}-sources", sources_index_body(self.backend.replicas))
        return concrete

    def drop(self, concrete: str) -> None:
        self.client.call("DELETE", f"/{concrete},{concrete}-sources", ok=(404,))

    def write(
        self,
        concrete: str,
        records: Iterable[Record],
        tokenizer: JiebaTokenizer,
        delete: Iterable[str] = (),
    ) -> int:
        """Delete ``delete`` (ids) and index ``records``; the number of documents written."""
        deletions: list[tuple[dict[str, Any], dict[str, Any] | None]] = [
            ({"delete": {"_index": concrete, "_id": doc_id}}, None) for doc_id in delete
        ]
        # All deletions answered before any document is sent: a re-read source's documents keep
        # their ids, and requests in flight together may be applied in any order.
        send_bulk(self.client, deletions, senders=1)
        docs = (
            ({"index": {"_index": concrete, "_id": rec.id}}, record_to_source(rec, tokenizer))
            for rec in records
        )
        # Streamed: each batch is made, sent and dropped before more tokens are computed than
        # the batches in flight hold (a list of them all took a gigabyte for 64 MB of text).
        return send_bulk(self.client, docs)

    def save_states(
        self, concrete: str, states: dict[str, SourceState], gone: Iterable[str] = ()
    ) -> None:
        """Record sources' states (after their documents, so a crash between re-reads them)."""
        target = f"{concrete}-sources"
        pairs: list[tuple[dict[str, Any], dict[str, Any] | None]] = [
            ({"delete": {"_index": target, "_id": key}}, None) for key in gone
        ]
        pairs += [
            ({"index": {"_index": target, "_id": key}}, {"key": key, **asdict(state)})
            for key, state in states.items()
        ]
        send_bulk(self.client, pairs, senders=1)
        self.client.call("POST", f"/{target}/_refresh")

    def publish(self, concrete: str) -> None:
        """Make a freshly built index searchable and move the alias to it in one call."""
        self.client.call("PUT", f"/{concrete}/_settings", {"index": {"refresh_interval": "1s"}})
        self.client.call("POST", f"/{concrete}/_refresh")
        old = self.live()
        actions: list[dict[str, Any]] = [{"add": {"index": concrete, "alias": self.alias}}]
        if old is not None:
            actions.insert(0, {"remove": {"index": old, "alias": self.alias}})
        self.client.call("POST", "/_aliases", {"actions": actions})
        if old is not None and old != concrete:
            self.drop(old)

    def refresh(self, concrete: str) -> None:
        self.client.call("POST", f"/{concrete}/_refresh")
