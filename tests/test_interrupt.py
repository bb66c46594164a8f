"""Ctrl-C during `gazette index`: one line, exit 130, silent workers, the live index as it was.

A terminal sends SIGINT to the whole process group, workers included; each case here does the
same to a real reindex of a few hundred laws, at a moment chosen by watching what it has done.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import (
    LAWS_SAMPLE,
    ROOT,
    read_jsonl,
    run_cli,
    shared_corpus,
    write_config,
    write_jsonl,
)

INTERRUPTED = "interrupted; the index is unchanged"


@pytest.fixture(scope="module")
def laws() -> list[dict[str, object]]:
    return read_jsonl(shared_corpus(LAWS_SAMPLE))[:480]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, laws: list[dict[str, object]]) -> Path:
    """An index of 12 laws, and 468 more waiting in four files. Shared: every case leaves the
    index as it found it, which is what each checks."""
    tmp_path = tmp_path_factory.mktemp("interrupt")
    write_jsonl(tmp_path / "src" / "first.jsonl", laws[:12])
    write_config(tmp_path, ["src"])
    out = run_cli("index", "--jobs", "1", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    for n in range(4):
        write_jsonl(tmp_path / "src" / f"more-{n}.jsonl", laws[12 + n * 117 : 12 + (n + 1) * 117])
    return tmp_path


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _gens(root: Path) -> set[str]:
    return {p.name for p in (root / ".index.gens").iterdir()}


def _state(root: Path) -> tuple[int, list[str], set[str]]:
    """Documents in the live index, the ids a search lists, and the generations on disk."""
    stats = json.loads(run_cli("stats", "--json", cwd=root).stdout)
    found = json.loads(run_cli("search", "", "--limit", "100", "--json", cwd=root).stdout)
    return stats["documents"], [h["id"] for h in found["hits"]], _gens(root)


def _wait_for(condition: Callable[[], bool], proc: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the reindex ended before {what}: {proc.communicate()}")
        time.sleep(0.02)


def _start(root: Path, *args: str) -> subprocess.Popen[str]:
    """`gazette index ARGS` in its own process group, as a shell runs a foreground job."""
    return subprocess.Popen(
        [sys.executable, "-m", "searchapp", "index", "--jobs", "2", *args],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


@pytest.mark.parametrize(
    ("args", "moment"),
    [
        (["--rebuild"], "reading"),  # extraction workers running
        (["--rebuild"], "writing"),  # writer processes filling the new generation
        (["--rebuild", "--json"], "writing"),
        ([], "writing"),  # an update: the documents are being added to the live index
    ],
)
def test_ctrl_c_is_one_line_and_leaves_the_index_unchanged(
    project: Path, args: list[str], moment: str
) -> None:
    before = _state(project)
    proc = _start(project, *args)
    if moment == "reading":
        _wait_for(lambda: len(_children(proc.pid)) >= 2, proc, "its workers started")
    elif "--rebuild" in args:
        _wait_for(lambda: len(_gens(project)) > len(before[2]), proc, "a generation was made")
        _wait_for(lambda: len(_children(proc.pid)) >= 2, proc, "its writers started")
    else:  # readers forked and gone: the parent is adding documents
        _wait_for(lambda: bool(_children(proc.pid)), proc, "its workers started")
        _wait_for(lambda: not _children(proc.pid), proc, "its workers finished")
        time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, (stdout, stderr)
    assert stderr == f"gazette: {INTERRUPTED}\n"
    if "--json" in args:
        assert json.loads(stdout) == {"ok": False, "error": INTERRUPTED, "exit_code": 130}
    else:
        assert stdout == ""
    with pytest.raises(ProcessLookupError):  # no worker outlived the run
        os.killpg(proc.pid, 0)
    assert _state(project) == before
    out = run_cli("index", "src/first.jsonl", "--json", cwd=project)  # the lock was let go
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["files"]["unchanged"] == 1


def test_a_second_ctrl_c_does_not_cut_the_cleanup_short(project: Path) -> None:
    """Two key presses in a row: the first stops the rebuild, the second is set aside while the
    unfinished generation is removed."""
    before = _state(project)
    proc = _start(project, "--rebuild")
    _wait_for(lambda: len(_gens(project)) > len(before[2]), proc, "a generation was made")
    _wait_for(lambda: len(_children(proc.pid)) >= 2, proc, "its writers started")
    os.killpg(proc.pid, signal.SIGINT)
    for _ in range(5):
        time.sleep(0.02)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert (proc.returncode, stderr, stdout) == (130, f"gazette: {INTERRUPTED}\n", "")
    assert _state(project) == before
