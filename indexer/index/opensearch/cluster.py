"""Several OpenSearch nodes on loopback forming one cluster: replication and the loss of a node
tried on one machine (``tests/test_opensearch_cluster.py``), with the same code that starts the
single node of ``make opensearch``.

Each member has its own base folder (distribution, config, data, logs) under the cluster's, its
own HTTP and transport ports, and the list of all members, from which they elect a cluster
manager; so a member killed and started again finds the others and rejoins with its data.
"""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from indexer.index.opensearch.client import Client, OpenSearchError
from indexer.index.opensearch.node import START_TIMEOUT, Node, NodeError, free_port

PORTS_FILE = "ports.json"


@dataclass(frozen=True)
class Cluster:
    """The members of one cluster; the first one's URL is where clients are pointed by default,
    and :attr:`urls` lists them all (``[backend] url`` takes several, tried in turn)."""

    nodes: tuple[Node, ...]

    @classmethod
    def on_loopback(cls, base: Path, size: int = 3, heap: str = "384m") -> Cluster:
        """``size`` members under ``base``, on ports chosen once and kept in ``ports.json``
        (a member started again must be found where the others expect it)."""
        base.mkdir(parents=True, exist_ok=True)
        saved = base / PORTS_FILE
        try:
            ports = [tuple(pair) for pair in json.loads(saved.read_text(encoding="utf-8"))]
        except (OSError, ValueError):
            ports = []
        if len(ports) != size:
            ports = [(free_port(), free_port()) for _ in range(size)]
            saved.write_text(json.dumps(ports), encoding="utf-8")
        members = tuple((f"gazette-{i + 1}", transport) for i, (_, transport) in enumerate(ports))
        return cls(
            tuple(
                Node(
                    base / name,
                    http,
                    heap,
                    name=name,
                    transport=transport,
                    members=members,
                    dist=base / "dist",
                )
                for (name, _), (http, transport) in zip(members, ports, strict=True)
            )
        )

    @property
    def urls(self) -> str:
        return ",".join(node.url for node in self.nodes)

    def start(self, timeout: float = START_TIMEOUT) -> str:
        """Start every member that is not running and wait until all have joined, green."""
        launched = {node.name: node.launch() for node in self.nodes if node.pid() is None}
        self.wait_joined(len(self.nodes), timeout, launched)
        return f"OpenSearch cluster of {len(self.nodes)} nodes at {self.urls}"

    def wait_joined(
        self,
        size: int,
        timeout: float = START_TIMEOUT,
        launched: dict[str, subprocess.Popen[bytes]] | None = None,
    ) -> None:
        """Wait until ``size`` members form the cluster and every shard copy is assigned
        (green), as seen from any member that answers; a member just launched that exits
        raises at once, with its log's last error."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for node in self.nodes:
                if launched and node.name in launched:
                    node.check_running(launched[node.name])
                health = self.health(node)
                if health and health.get("number_of_nodes") == size and health["status"] == "green":
                    return
            time.sleep(1.0)
        raise NodeError(f"the cluster did not reach {size} nodes, green, within {timeout:.0f} s")

    @staticmethod
    def health(node: Node) -> dict[str, object] | None:
        """``_cluster/health`` as a member sees it; None when it does not answer."""
        client = Client(node.url, timeout=5.0)
        try:
            status, data = client.send("GET", "/_cluster/health?timeout=1s")
        except OpenSearchError:  # a member that does not answer has no view
            return None
        return data if status < 300 and isinstance(data, dict) else None

    def stop(self) -> str:
        return "; ".join(node.stop() for node in self.nodes)
