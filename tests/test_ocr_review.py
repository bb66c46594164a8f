"""The review names the title, 文号 and date of a scanned document that OCR read with little
confidence: the line scores of each OCR'd page reach the metadata stage (``Page.ocr_lines``).

No OCR engine here: the pages are built as OCR would hand them on.
"""

from __future__ import annotations

import pytest

from indexer.extract.ocr import OcrPage
from indexer.extract.ocrcache import OcrBox
from indexer.extract.page import Page
from indexer.metadata.assemble import build_records
from indexer.metadata.review import LOW_OCR_SCORE, ocr_review
from indexer.records import Record

# A scanned notice: its lines as OCR read them, each with a score.
NOTICE = (
    "某县人民政府关于做好",
    "防汛工作的通知",  # the title, wrapped on two lines
    "某政发[2024]3号",  # as printed; the record's 文号 is canonical (〔〕)
    "各乡（镇）人民政府：",
    "现就做好防汛工作有关事项通知如下，请认真贯彻执行。",
    "某县人民政府",
    "二〇二四年三月五日",
)


def scanned(scores: dict[str, float], ocr: bool = True) -> list[Page]:
    """One page of :data:`NOTICE`, read by OCR with ``scores`` (0.99 for lines not named)."""
    lines = tuple((text, scores.get(text, 0.99)) for text in NOTICE)
    text = "\n\n".join(["".join(NOTICE[:2]), *NOTICE[2:]])
    if not ocr:
        return [Page(1, text, None, True)]
    mean = sum(score for _, score in lines) / len(lines)
    return [Page(1, text, None, False, ocr_confidence=mean, ocr_lines=lines)]


def ocr_reasons(rec: Record) -> list[str]:
    return [reason for reason in rec.review if "read by OCR" in reason]


def test_low_scores_on_the_title_number_and_date_lines_are_named() -> None:
    pages = scanned({"防汛工作的通知": 0.62, "某政发[2024]3号": 0.71, "二〇二四年三月五日": 0.55})
    (rec,) = build_records(pages, "scan.pdf")
    assert (rec.title, rec.doc_number, rec.date) == (
        "某县人民政府关于做好防汛工作的通知",
        "某政发〔2024〕3号",
        "2024-03-05",
    )
    assert rec.ocr
    assert ocr_reasons(rec) == [
        "title read by OCR with low confidence (0.62)",
        "文号 read by OCR with low confidence (0.71)",
        "date read by OCR with low confidence (0.55)",
    ]


def test_the_lowest_line_of_a_wrapped_title_is_named() -> None:
    (rec,) = build_records(scanned({"某县人民政府关于做好": 0.7, "防汛工作的通知": 0.64}), "s.pdf")
    assert ocr_reasons(rec) == ["title read by OCR with low confidence (0.64)"]


@pytest.mark.parametrize(
    "low", ["各乡（镇）人民政府：", "现就做好防汛工作有关事项通知如下，请认真贯彻执行。"]
)
def test_a_low_score_elsewhere_names_no_field(low: str) -> None:
    (rec,) = build_records(scanned({low: 0.52}), "scan.pdf")
    assert rec.ocr and ocr_reasons(rec) == []


def test_scores_at_the_threshold_and_text_pages_are_not_named() -> None:
    at = {text: LOW_OCR_SCORE for text in NOTICE}
    (rec,) = build_records(scanned(at), "scan.pdf")
    assert ocr_reasons(rec) == []
    (text_rec,) = build_records(scanned({}, ocr=False), "gazette.pdf")
    assert not text_rec.ocr and ocr_reasons(text_rec) == []


def test_a_field_not_found_is_not_matched_to_a_low_line() -> None:
    rec = Record(title="某县人民政府关于做好防汛工作的通知")  # no 文号, no date
    lines = [("某政发[2024]3号", 0.6), ("2024年3月5日", 0.6), ("通", 0.5)]
    assert ocr_review(rec, lines) == []


def test_an_ocr_page_hands_on_its_lines_as_the_page_text_gives_them() -> None:
    boxes = (
        OcrBox(0, 0, 10, 2, "离政发〔2023】32号", 0.935),
        OcrBox(0, 3, 10, 5, "  ", 0.9),  # nothing read: not a line
        OcrBox(0, 6, 10, 8, "各乡丶街道", 0.7),
    )
    page = OcrPage(1, 595.0, 842.0, 0.36, boxes)
    assert page.lines == (("离政发〔2023〕32号", 0.935), ("各乡、街道", 0.7))
