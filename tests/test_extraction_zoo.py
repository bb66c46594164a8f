"""The layout zoo (bench/zoo) and the extraction harness (bench/extraction.py).

The zoo's figures below are a floor, not a target: they are what the extractor achieved when the
zoo was made, so a change may raise them (then raise the floor with it) but not lower them. The
shared samples are held at their golden records (tests/golden), which the harness reads as truth.
"""

from __future__ import annotations

import doctest
import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from indexer.records import Record

pytest.importorskip("reportlab")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def _load(name: str, path: Path) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


extraction = _load("extraction", ROOT / "bench" / "extraction.py")
make_zoo = _load("make_zoo", ROOT / "bench" / "zoo" / "make_zoo.py")

# Today's figures per zoo file, typeset with Debian's zoo fonts (`make zoo-deps`): (documents
# found, fields right over the matched documents), then the documents in the truth. When the zoo
# was made: 152 of 214 documents found, 38 extra records, 707 fields right (55.1% of all truth
# fields). After the splitter learnt English contents, issuers after titles, run-on entries,
# enclosures and OCR footers: 214 of 214 found, no extra records, 1241 of 1284 fields (96.7%).
# The issues printed without contents (``*-no-contents-*``) came at 40 of 48 found and 4 extra
# records (the cover's gazette name taken for a document, regulations under their 令 and laws
# after their 公告 lost); after document starts learnt those heads, 48 of 48 and none extra. The
# OCR'd one has no page breaks, so its pages were not known (its 12 missing fields) until the
# footers left in the text were read as page breaks; two-column bodies read row by row across
# both columns cost 44 fields until columns were read one after the other: now every field.
FLOORS = {
    "guangdong-mixed-heads.pdf": (14, 84),  # of 14
    "gwy-16k-bilingual-red.pdf": (12, 72),  # of 12
    "gwy-1998-ocr-bilingual.pdf": (13, 78),  # of 13
    "gwy-1998-ocr-bilingual.txt": (13, 78),  # of 13
    "gwy-1999-ocr.pdf": (12, 72),  # of 12
    "gwy-1999-ocr.txt": (12, 72),  # of 12
    "gwy-2019-a4.pdf": (13, 78),  # of 13
    "gwy-a4-2col-bilingual.pdf": (12, 72),  # of 12
    "gwy-ling-numbers.pdf": (13, 78),  # of 13
    "gwy-no-contents-red-runon.pdf": (12, 72),  # of 12
    "gwy-runin-2col.pdf": (13, 78),  # of 13
    "henan-16k-2col-enclosures.pdf": (12, 72),  # of 12, the enclosures kept with their notices
    "hubei-no-contents-addressee.pdf": (12, 72),  # of 12
    "jiangsu-attachments-tables.pdf": (12, 72),  # of 12
    "jiaocheng-county-month-only.pdf": (13, 78),  # of 13
    "jinan-laws-bracketed.pdf": (13, 78),  # of 13
    "lingshou-county-no-contents-ocr.pdf": (12, 72),  # of 12
    "lingshou-county-no-contents-ocr.txt": (12, 72),  # of 12, pages from the footers in the text
    "shandong-ling-red.pdf": (13, 78),  # of 13
    "zhejiang-long-contents.pdf": (24, 144),  # of 24
}
SHARED = ["seed/lishi-gazette-2024-1.txt", "pdf/lishi-gazette-2024-1.pdf"]
SHARED += ["pdf/guowuyuan-gazette-1954-01.pdf"]


def _truth(**fields: Any) -> dict[str, Any]:
    base = dict.fromkeys(("title", "doc_number", "issuer", "doc_type", "date"), "")
    return {**base, "page": None, **fields}


def test_doc_numbers_compare_in_every_printed_form() -> None:
    key = extraction.number_key
    assert key("国发[2019]4 号") == key("国发〔2019〕4号") == "国发〔2019〕4号"
    assert key("中华人民共和国国务院令第707号") == key("国令第707号")
    assert key("山东省人民政府令第3号") != key("山东省人民政府令第4号")


def test_matching_is_one_to_one_by_number_then_title() -> None:
    truth = [
        _truth(title="国务院关于印发国家职业教育改革实施方案的通知", doc_number="国发〔2019〕4号"),
        _truth(title="国务院关于2018年度国家科学技术奖励的决定", doc_number="国发〔2018〕44号"),
        _truth(title="专利代理条例"),
    ]
    records = [
        Record(title="国家职业教育改革实施方案"),  # the enclosure, split off: an extra record
        Record(title="国务院关于2018年度国家科学技术奖励的决定"),
        Record(title="关于印发职业教育改革实施方案的通知", doc_number="国发[2019]4号"),
        Record(title="专利代理条例（中华人民共和国国务院令第706号）"),
    ]
    assert extraction.match(truth, records) == [(0, 2), (1, 1), (2, 3)]
    assert extraction.match(truth[:1], [Record(title="国务院工作规则")]) == []


def test_field_comparison_normalises_what_printing_varies() -> None:
    same = extraction.same
    assert same("title", "关于印发《国务院工作规则》的通知", "关于印发国务院工作规则 的通知")
    assert same("page", 3, 3) and not same("page", 3, None) and same("date", "", "")
    assert not same("date", "2024-03", "2024-03-01")


def test_zoo_modules_keep_their_doctests() -> None:
    for name in ("traits", "texts", "typeset"):
        assert doctest.testmod(sys.modules[name]).failed == 0, name
    assert doctest.testmod(extraction).failed == 0


def test_an_issue_is_byte_stable_and_its_truth_follows_the_pages(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        assert make_zoo.make_zoo(out, only="gwy-1999-ocr") == [("gwy-1999-ocr", 12, 14)]
    for name in ("gwy-1999-ocr.pdf", "gwy-1999-ocr.truth.json", "gwy-1999-ocr.txt"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    truth = json.loads((first / "gwy-1999-ocr.truth.json").read_text(encoding="utf-8"))
    pages = [d["page"] for d in truth["documents"]]
    assert pages == sorted(pages) and pages[0] == 1
    # A 通知 and the 请示 it forwards are one document, the 请示 its attachment.
    assert truth["documents"][0]["attachments"] == ["关于内地西藏班（校）扩大规模有关问题的请示"]
    text = (first / "gwy-1999-ocr.txt").read_text(encoding="utf-8")
    # OCR'd text has no page breaks, and some footers sit inside the lines they interrupt.
    assert "\f" not in text and re.search(r"\S — \d+ —\S", text)


@pytest.fixture(scope="module")
def zoo(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    out = tmp_path_factory.mktemp("zoo")
    make_zoo.make_zoo(out)
    results, orphans = extraction.run([out])
    assert not orphans
    return list(results)


@pytest.mark.slow
def test_zoo_is_as_large_and_varied_as_issue_13_asks(zoo: list[Any]) -> None:
    pdfs = [r for r in zoo if r.name.endswith(".pdf")]
    assert len(pdfs) >= 12 and sum(r.documents for r in pdfs) >= 150
    combinations = {json.dumps(r.traits, sort_keys=True) for r in pdfs}
    assert len(combinations) == len(pdfs)


@pytest.mark.slow
def test_zoo_figures_stay_at_or_above_today(zoo: list[Any]) -> None:
    figures = {r.name: (r.found, sum(r.right.values())) for r in zoo}
    assert figures.keys() == FLOORS.keys()
    fallen = {
        name: (have, FLOORS[name])
        for name, have in figures.items()
        if have[0] < FLOORS[name][0] or have[1] < FLOORS[name][1]
    }
    assert not fallen, f"below today's figures (have, floor): {fallen}"


@pytest.mark.slow
@pytest.mark.parametrize("relative", SHARED)
def test_shared_samples_give_their_golden_records(relative: str) -> None:
    source = CORPUS / relative
    if not source.is_file():
        pytest.skip(f"shared corpus file {relative} not present")
    (result,), _ = extraction.run([source])
    assert (result.found, result.extra, result.missed) == (result.documents, [], [])
    assert sum(result.right.values()) == result.documents * len(extraction.FIELDS)
