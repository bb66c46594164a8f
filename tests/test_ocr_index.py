"""What ``gazette index`` does around OCR: the cache entries each source was read from (kept in
the manifest), their removal once no source uses them, and the OCR'd pages in the progress.

The engine is replaced by :class:`FakeEngine`, which reads the same notice off any page: these
tests are about the index's bookkeeping, not recognition (``tests/test_ocr.py`` runs the real
engine). The scans are blank pages with a mark, so that each has pixels, and a cache key, of
its own.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from indexer.config import Config, load_config
from indexer.extract import ocr
from indexer.extract.ocrcache import OcrBox, cache_dir
from indexer.index import manifest, store
from indexer.index.reindex import reindex
from indexer.index.report import Progress, ReindexReport
from tests.helpers import write_config

pytest.importorskip("pypdfium2")

# A notice as the fake engine reads it: text, box in pixels of a 200-dpi A4 page, score.
NOTICE = (
    ("某县人民政府关于做好防汛工作的通知", (300, 400, 1350, 470), 0.62),
    ("某政发〔2024〕3号", (650, 520, 1000, 570), 0.97),
    ("各乡（镇）人民政府：", (160, 650, 760, 700), 0.99),
    ("现就做好防汛工作有关事项通知如下，请认真贯彻执行。", (260, 730, 1500, 780), 0.99),
    ("某县人民政府", (1100, 950, 1450, 1000), 0.99),
    ("2024年3月5日", (1100, 1030, 1450, 1080), 0.71),
)
REMOVED = "unused OCR pages from the cache"


class FakeEngine:
    """Stands in for :func:`indexer.extract.ocr.recognise`, in forked workers too: each run is
    a line in ``log`` (a counter in memory would stay in the child)."""

    def __init__(self, log: Path) -> None:
        self.log = log

    def __call__(self, image: Any, threads: int = 0) -> list[OcrBox]:
        with self.log.open("a", encoding="utf-8") as fh:
            fh.write("page\n")
        return [OcrBox(*box, text, score) for text, box, score in NOTICE]

    @property
    def calls(self) -> int:
        return len(self.log.read_text(encoding="utf-8").splitlines()) if self.log.exists() else 0


def fake_engine(monkeypatch: pytest.MonkeyPatch, log: Path) -> FakeEngine:
    engine = FakeEngine(log)
    monkeypatch.setattr(ocr, "recognise", engine)
    return engine


def marked_scan(path: Path, *marks: int) -> Path:
    """An image-only PDF of A4 pages at 150 dpi, blank but for a square at ``mark`` on each."""
    from PIL import Image, ImageDraw

    pages = []
    for mark in marks or (0,):
        page = Image.new("1", (1240, 1754), 1)
        ImageDraw.Draw(page).rectangle((20 + 40 * mark, 20, 50 + 40 * mark, 50), fill=0)
        pages.append(page)
    path.parent.mkdir(parents=True, exist_ok=True)
    pages[0].save(path, save_all=True, append_images=pages[1:], resolution=150.0)
    return path


def cached(config: Config) -> set[str]:
    """The keys of the OCR cache beside the index."""
    return {path.stem for path in cache_dir(config.index.path).rglob("*.json")}


def saved_keys(config: Config) -> dict[str, tuple[str, ...] | None]:
    gen = store.Layout(config.index.path).current()
    assert gen is not None
    states, _ = manifest.read_file(gen)
    assert states is not None
    return {key: state.ocr_keys for key, state in states.items()}


def removed(report: ReindexReport) -> list[str]:
    return [note for note in report.notes if REMOVED in note]


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Config, FakeEngine]:
    """Two scans and a text file under ``gazettes/``, not indexed yet."""
    marked_scan(tmp_path / "gazettes" / "a.pdf", 1)
    marked_scan(tmp_path / "gazettes" / "b.pdf", 2)
    text = "某县人民政府关于检查的通知\n\n请认真检查。\n\n某县人民政府\n\n2024年3月5日\n"
    (tmp_path / "gazettes" / "c.txt").write_text(text, encoding="utf-8")
    write_config(tmp_path, ["gazettes"])
    return load_config(tmp_path / "config.toml"), fake_engine(monkeypatch, tmp_path / "ocr.log")


def test_the_manifest_keeps_the_cache_keys_each_source_was_read_from(
    project: tuple[Config, FakeEngine],
) -> None:
    config, engine = project
    report = reindex(config, jobs=1)
    assert report.ok and engine.calls == 2
    keys = saved_keys(config)
    assert keys["gazettes/c.txt"] == ()
    assert {*keys["gazettes/a.pdf"], *keys["gazettes/b.pdf"]} == cached(config)
    assert len(cached(config)) == 2


def test_a_deleted_scan_loses_its_cache_entries_the_others_keep_theirs(
    project: tuple[Config, FakeEngine],
) -> None:
    config, engine = project
    reindex(config, jobs=1)
    keys = saved_keys(config)
    # Another file changes: the scans are carried over unchanged, their entries stay.
    with (config.root / "gazettes" / "c.txt").open("a", encoding="utf-8") as fh:
        fh.write("特此通知。\n")
    report = reindex(config, jobs=1)
    assert report.count("changed") == 1 and not removed(report)
    assert len(cached(config)) == 2
    (config.root / "gazettes" / "a.pdf").unlink()
    report = reindex(config, jobs=1)
    assert report.count("removed") == 1
    assert removed(report) == ["removed 1 unused OCR pages from the cache"]
    assert cached(config) == set(keys["gazettes/b.pdf"] or ())
    # A rebuild reads the remaining scan from the cache, and keeps its entry.
    report = reindex(config, rebuild=True, jobs=1)
    assert report.ok and not removed(report)
    assert cached(config) == set(keys["gazettes/b.pdf"] or ()) and engine.calls == 2


def test_a_run_with_a_failed_file_removes_nothing(project: tuple[Config, FakeEngine]) -> None:
    config, _ = project
    reindex(config, jobs=1)
    (config.root / "gazettes" / "a.pdf").unlink()
    (config.root / "gazettes" / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    report = reindex(config, jobs=1)
    assert [f.source for f in report.failed] == ["gazettes/broken.pdf"]
    assert not removed(report) and len(cached(config)) == 2


def test_an_old_manifest_without_keys_loads_and_keeps_the_cache(
    project: tuple[Config, FakeEngine],
) -> None:
    config, _ = project
    reindex(config, jobs=1)
    gen = store.Layout(config.index.path).current()
    assert gen is not None
    data = json.loads((gen / manifest.MANIFEST_FILE).read_text(encoding="utf-8"))
    for state in data["sources"].values():
        del state["ocr_keys"]
    (gen / manifest.MANIFEST_FILE).write_text(json.dumps(data), encoding="utf-8")
    assert set(saved_keys(config).values()) == {None}
    # b.pdf is unchanged and its entries are not known: nothing can be said to be unused.
    (config.root / "gazettes" / "a.pdf").unlink()
    report = reindex(config, jobs=1)
    assert report.ok and not removed(report) and len(cached(config)) == 2
    # Once b.pdf is read again, its entry is known, and a's goes.
    shutil.copy(config.root / "gazettes" / "b.pdf", config.root / "gazettes" / "b2.pdf")
    (config.root / "gazettes" / "b.pdf").unlink()
    report = reindex(config, jobs=1)
    assert removed(report) == ["removed 1 unused OCR pages from the cache"]
    assert cached(config) == set(saved_keys(config)["gazettes/b2.pdf"] or ())


def test_progress_counts_the_ocr_pages_as_they_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marked_scan(tmp_path / "gazettes" / "two-pages.pdf", 1, 2)
    write_config(tmp_path, ["gazettes"])
    fake_engine(monkeypatch, tmp_path / "ocr.log")
    events: list[Progress] = []
    reindex(load_config(tmp_path / "config.toml"), jobs=1, progress=events.append)
    read = [(p.files_done, p.ocr_done, p.ocr_total) for p in events if p.phase == "read"]
    # Planned, each page read (the file still being read), then the file done.
    assert read == [(0, 0, 0), (0, 0, 2), (0, 1, 2), (0, 2, 2), (1, 2, 2)]


def test_the_progress_line_shows_the_ocr_pages(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from indexer.cli import ProgressBar

    monkeypatch.setenv("COLUMNS", "160")
    bar = ProgressBar(enabled=True)
    bar(Progress("read", 1, 4, 12, 0, "gazettes/scan.pdf", ocr_done=3, ocr_total=10))
    bar(Progress("read", 2, 4, 13, 0, "gazettes/text.pdf"))
    lines = capsys.readouterr().err.split("\r")[1:]
    assert "files · 12 docs · " in lines[0]
    assert lines[0].rstrip().endswith("MB/s · OCR 3/10 pages · gazettes/scan.pdf")
    assert lines[1].rstrip().endswith("MB/s · gazettes/text.pdf")
