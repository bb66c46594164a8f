"""A run of ``gazette index`` with nothing to do: decided from the manifest and the sources'
stat alone, so that an operator's cron job or a post-commit hook costs a fraction of a second.
What it must not start is named here (Whoosh, the segmenter, the worker processes); how long it
takes is measured in the README, not asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index

from indexer.config import load_config
from indexer.index import store
from indexer.index.reindex import reindex
from tests.helpers import ROOT, sample_records, two_source_project, write_jsonl

# Imports a run with nothing to do must not need: each costs tens of milliseconds of start-up.
HEAVY = ("whoosh", "jieba", "rjieba", "pdfminer", "flask", "multiprocessing", "onnxruntime")
_PROBE = """
import json, sys
import searchapp.cli  # the console script's module: its commands are registered on import
from indexer.cli import cli
try:
    cli(["index", "--json"], prog_name="gazette")
except SystemExit:
    pass
print(json.dumps(sorted(m.split(".")[0] for m in sys.modules)))
fold = sys.modules.get("indexer.analysis.normalise")
print(json.dumps(fold is not None and fold._folding_re.cache_info().currsize > 0))
"""


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    two_source_project(tmp_path)
    config = tmp_path / "config.toml"  # with the shipped user words, as an operator runs it
    shipped = ROOT / "data" / "dict" / "gazette.dict"
    config.write_text(
        config.read_text(encoding="utf-8").replace('user_dict = ""', f'user_dict = "{shipped}"'),
        encoding="utf-8",
    )
    reindex(load_config(tmp_path / "config.toml"), jobs=1)
    return tmp_path


def _run_probe(project: Path) -> tuple[dict[str, Any], set[str], bool]:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=project,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    summary, modules, built = out.stdout.strip().splitlines()[-3:]
    return json.loads(summary), set(json.loads(modules)), json.loads(built)


def test_nothing_to_do_loads_neither_whoosh_nor_the_workers(project: Path) -> None:
    summary, modules, built = _run_probe(project)
    files = summary["files"]
    assert files == {**files, "added": 0, "changed": 0, "removed": 0, "unchanged": 2}
    assert sorted(modules & set(HEAVY)) == []
    # The user words are folded to check the analysis: short texts, folded without building the
    # class of changing characters (a quarter of a second of start-up).
    assert not built


def test_its_document_count_is_the_index_s(project: Path) -> None:
    summary, _, _ = _run_probe(project)
    ix = whoosh_index.open_dir(str(store.Layout(project / "index").current()))
    assert summary["documents"] == ix.doc_count() == len(sample_records())


def test_a_changed_source_still_opens_the_index_and_writes(project: Path) -> None:
    records = sample_records()
    write_jsonl(project / "src" / "two.jsonl", records[3:4])
    summary, modules, _ = _run_probe(project)
    assert summary["files"]["changed"] == 1
    assert summary["documents"] == 4
    assert "whoosh" in modules


def test_a_stale_manifest_is_rebuilt_from_the_index(project: Path) -> None:
    """``sources.json`` naming an older commit is not trusted: the index itself is read."""
    gen = store.Layout(project / "index").current()
    assert gen is not None
    manifest = gen / "sources.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["toc"] -= 1
    manifest.write_text(json.dumps(data), encoding="utf-8")
    summary, modules, _ = _run_probe(project)
    assert summary["files"]["unchanged"] == 2
    assert summary["documents"] == len(sample_records())
    assert "whoosh" in modules
    assert json.loads(manifest.read_text(encoding="utf-8"))["toc"] == data["toc"] + 1
