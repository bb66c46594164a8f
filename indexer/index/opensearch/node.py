"""One local OpenSearch node, started and stopped by the project (``make opensearch``).

OpenSearch publishes its minimal distribution (no plugins, no security) on Maven Central as
``org.opensearch.distribution.integ-test-zip:opensearch``; Maven fetches it into the local
repository once, and it is unpacked under the node's base folder. The node's configuration,
data, logs and pid file all live under that base folder (``data/opensearch`` by default), so a
test can run a node of its own in a temporary folder on a free port. A node that already answers
on the port from the same base folder is reused.

    python -m indexer.index.opensearch.node start [--base DIR] [--port N]
    python -m indexer.index.opensearch.node stop  [--base DIR]
"""

from __future__ import annotations

import argparse
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from indexer.index.opensearch.client import Client

VERSION = "2.19.6"
ARTIFACT = f"org.opensearch.distribution.integ-test-zip:opensearch:{VERSION}:zip"
START_TIMEOUT = 180.0
STOP_TIMEOUT = 30.0
# OpenSearch refuses to run as root; started by root, the node runs as this user instead.
UNPRIVILEGED_USER = "nobody"


class NodeError(Exception):
    """The node could not be installed, started or stopped; the message says why in one line."""


def java_home() -> Path | None:
    """The JDK behind ``java`` on PATH (or ``$JAVA_HOME``), or None when there is no Java."""
    if os.environ.get("JAVA_HOME") and Path(os.environ["JAVA_HOME"], "bin", "java").exists():
        return Path(os.environ["JAVA_HOME"])
    found = shutil.which("java")
    return Path(found).resolve().parent.parent if found else None


def distribution_zip() -> Path:
    """The distribution zip in the local Maven repository, fetched with ``mvn`` when missing."""
    repo = Path(os.environ.get("MAVEN_REPO", Path.home() / ".m2" / "repository"))
    path = repo.joinpath(
        "org/opensearch/distribution/integ-test-zip/opensearch",
        VERSION,
        f"opensearch-{VERSION}.zip",
    )
    if path.is_file():
        return path
    if shutil.which("mvn") is None:
        raise NodeError(f"{path} is missing and mvn is not installed to fetch it")
    cmd = ["mvn", "-q", "dependency:get", f"-Dartifact={ARTIFACT}", "-Dtransitive=false"]
    if subprocess.run(cmd, check=False).returncode != 0 or not path.is_file():
        raise NodeError(f"mvn could not fetch {ARTIFACT}")
    return path


def install(base: Path) -> Path:
    """The unpacked distribution under ``base`` (unpacked on first use), its home folder."""
    home = base / f"opensearch-{VERSION}"
    if (home / "bin" / "opensearch").is_file():
        return home
    base.mkdir(parents=True, exist_ok=True)
    partial = base / f".unpacking-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    with zipfile.ZipFile(distribution_zip()) as archive:
        for info in archive.infolist():
            extracted = Path(archive.extract(info, partial))
            mode = info.external_attr >> 16
            if mode:
                extracted.chmod(mode & 0o777)
    (partial / home.name).rename(home)
    shutil.rmtree(partial, ignore_errors=True)
    return home


@contextmanager
def scratch_folder(prefix: str) -> Iterator[Path]:
    """A temporary base folder for nodes, removed afterwards. Not pytest's ``tmp_path`` nor a
    private temporary folder: started by root, a node runs as another user, who must reach it."""
    base = Path(tempfile.mkdtemp(prefix=prefix))
    base.chmod(0o755)
    try:
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def temporary_node(prefix: str = "gazette-os-", heap: str = "512m") -> Iterator[Node]:
    """A node of its own, on a free port in a scratch folder: started, and stopped after (for
    tests and benchmarks)."""
    with scratch_folder(prefix) as base:
        node = Node(base, free_port(), heap)
        try:
            node.start()
            yield node
        finally:
            node.stop()


def free_port() -> int:
    """A TCP port nobody listens on now, on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class Node:
    """A node's base folder (distribution, config, data, logs, pid file) and HTTP port."""

    base: Path
    port: int = 9200
    heap: str = "512m"
    # A member of a cluster on loopback: its name and transport port, and every member's (itself
    # included), so that they find each other and elect a cluster manager. Empty: a single node.
    name: str = "gazette-1"
    transport: int = 0
    members: tuple[tuple[str, int], ...] = ()
    dist: Path | None = None  # where the distribution is unpacked (shared by a cluster): base

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.base / "node.pid"

    def pid(self) -> int | None:
        """The pid of the running node started from this folder, or None."""
        try:
            pid = int(self.pid_file.read_text().strip())
            os.kill(pid, 0)
        except (OSError, ValueError):
            return None
        return pid

    def _configure(self, home: Path) -> Path:
        conf = self.base / "config"
        if not conf.is_dir():
            shutil.copytree(home / "config", conf)
            # The launcher runs from the distribution's folder: the GC log, heap dumps and crash
            # files must not go there (read-only to the node when root started it).
            options = conf / "jvm.options"
            text = options.read_text(encoding="utf-8")
            text = text.replace("logs/", f"{self.base / 'logs'}/")
            text = text.replace("HeapDumpPath=data", f"HeapDumpPath={self.base / 'data'}")
            options.write_text(text, encoding="utf-8")
        (conf / "opensearch.yml").write_text(
            "cluster.name: gazette\n"
            f"node.name: {self.name}\n"
            f"path.data: {self.base / 'data'}\n"
            f"path.logs: {self.base / 'logs'}\n"
            "network.host: 127.0.0.1\n"
            f"http.port: {self.port}\n"
            f"transport.port: {self.transport or free_port()}\n"
            # A nearly full disk must not turn the index read-only under a test run.
            "cluster.routing.allocation.disk.threshold_enabled: false\n"
            "action.auto_create_index: false\n" + self._discovery(),
            encoding="utf-8",
        )
        return conf

    def _discovery(self) -> str:
        if not self.members:
            return "discovery.type: single-node\n"
        seeds = ", ".join(f'"127.0.0.1:{port}"' for _, port in self.members)
        names = ", ".join(f'"{name}"' for name, _ in self.members)
        return (
            f"discovery.seed_hosts: [{seeds}]\ncluster.initial_cluster_manager_nodes: [{names}]\n"
        )

    def start(self, timeout: float = START_TIMEOUT) -> str:
        """Start the node (or reuse the running one) and wait until it is yellow or green."""
        client = Client(self.url, timeout=5.0)
        if self.pid() is not None and client.healthy() in ("yellow", "green"):
            return f"OpenSearch {VERSION} already running at {self.url} (pid {self.pid()})"
        process = self.launch()
        self._wait(client, process, timeout)
        return f"OpenSearch {VERSION} running at {self.url} (pid {process.pid}, data {self.base})"

    def launch(self) -> subprocess.Popen[bytes]:
        """Start the node's process and return at once (a cluster's members are started
        together: none of them is healthy before the others have joined)."""
        jdk = java_home()
        if jdk is None:
            raise NodeError("Java is not installed: OpenSearch needs Java 17 or newer")
        home = install(self.dist or self.base)
        env = dict(os.environ, JAVA_HOME=str(jdk), OPENSEARCH_PATH_CONF=str(self._configure(home)))
        env["OPENSEARCH_JAVA_OPTS"] = f"-Xms{self.heap} -Xmx{self.heap}"
        for name in ("logs", "data"):
            (self.base / name).mkdir(exist_ok=True)
        user = self._unprivileged()
        with open(self.base / "logs" / "console.log", "ab") as log:
            process = subprocess.Popen(
                [str(home / "bin" / "opensearch")],
                cwd=self.base,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                user=user,
                group=None if user is None else pwd.getpwnam(user).pw_gid,
                extra_groups=None if user is None else [],
            )
        self.pid_file.write_text(f"{process.pid}\n")
        return process

    def _unprivileged(self) -> str | None:
        """None when we are not root; else the user the node runs as, given its folders."""
        if os.geteuid() != 0:
            return None
        try:
            entry = pwd.getpwnam(UNPRIVILEGED_USER)
        except KeyError:
            raise NodeError(f"running as root and there is no user {UNPRIVILEGED_USER!r}") from None
        for name in ("config", "data", "logs"):
            for folder, _, files in os.walk(self.base / name):
                for path in (folder, *(os.path.join(folder, f) for f in files)):
                    os.chown(path, entry.pw_uid, entry.pw_gid)
        return UNPRIVILEGED_USER

    def _wait(self, client: Client, process: subprocess.Popen[bytes], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_running(process)
            if client.healthy() in ("yellow", "green"):
                return
            time.sleep(0.5)
        self.stop()
        raise NodeError(f"OpenSearch did not become healthy within {timeout:.0f} s")

    def check_running(self, process: subprocess.Popen[bytes]) -> None:
        """Raise :class:`NodeError` with the log's last error when the process has exited."""
        if process.poll() is not None:
            self.pid_file.unlink(missing_ok=True)
            raise NodeError(f"OpenSearch exited ({process.returncode}): {self._log_tail()}")

    def _log_tail(self) -> str:
        log = self.base / "logs" / "console.log"
        lines = log.read_text("utf-8", "replace").splitlines() if log.is_file() else []
        errors = [line for line in lines if "ERROR" in line or "Exception" in line]
        return (errors or lines or ["no log"])[-1][:300]

    def stop(self, timeout: float = STOP_TIMEOUT) -> str:
        """Stop the node started from this folder (TERM, then KILL after ``timeout``)."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return "OpenSearch is not running"
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.2)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return f"OpenSearch stopped (pid {pid})"


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs; reaps it when it is our own child that has exited."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m indexer.index.opensearch.node")
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--base", type=Path, default=Path("data/opensearch"))
    parser.add_argument("--port", type=int, default=9200)
    parser.add_argument("--heap", default="512m")
    args = parser.parse_args(argv)
    node = Node(args.base.resolve(), args.port, args.heap)
    try:
        print(node.start() if args.action == "start" else node.stop())
    except (NodeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
