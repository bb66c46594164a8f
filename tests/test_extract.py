"""Extraction: clean page text from PDFs and text files, and one-line errors for bad input.

The small PDFs here are written by :func:`make_pdf` (no PDF library needed): Chinese text in the
non-embedded Adobe-GB1 font ``STSong-Light`` that every PDF reader, pdfminer included, maps to
Unicode; image-only pages; the standard security handler (RC4, 40 bit) for encrypted files.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.errors import ExtractionError, GazetteError
from indexer.extract.pages import OcrOptions, Page, decode_text, load_pages, text_pages
from indexer.metadata.assemble import build_records
from tests.helpers import SHARED, shared_corpus

SHARED_PDF = SHARED / "pdf"

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
_FILE_ID = hashlib.md5(b"gazette-search test").digest()
TextItem = tuple[float, float, float, str]  # x, y, font size, text


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def _security(user_pw: str, owner_pw: str) -> tuple[bytes, bytes]:
    """The /Encrypt dictionary (V1 R2) and the file key, as PDF 1.7 §7.6.3 computes them."""
    perms = -4
    owner_key = hashlib.md5((owner_pw.encode() + _PAD)[:32]).digest()[:5]
    o_value = _rc4(owner_key, (user_pw.encode() + _PAD)[:32])
    seed = (user_pw.encode() + _PAD)[:32] + o_value + perms.to_bytes(4, "little", signed=True)
    key = hashlib.md5(seed + _FILE_ID).digest()[:5]
    u_value = _rc4(key, _PAD)
    entry = (
        "<< /Filter /Standard /V 1 /R 2 /Length 40 "
        f"/O <{o_value.hex()}> /U <{u_value.hex()}> /P {perms} >>"
    )
    return entry.encode(), key


def make_pdf(pages: list[list[TextItem] | str], user_pw: str | None = None) -> bytes:
    """A PDF with one page per item: text items, or ``"image"`` for a page that is one picture."""
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [4 0 R] >>",
        4: b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
        b"/FontDescriptor 5 0 R >>",
        5: b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [0 -200 1000 900] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    }
    streams = {
        6: (
            b"/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8",
            b"\x80",
        )
    }
    kids = []
    for n, page in enumerate(pages):
        page_id, content_id = 7 + 2 * n, 8 + 2 * n
        if page == "image":
            content = b"q 500 0 0 700 50 50 cm /Im1 Do Q"
        else:
            content = "\n".join(
                f"BT /F1 {size} Tf {x} {y} Td <{text.encode('utf-16-be').hex()}> Tj ET"
                for x, y, size, text in page
            ).encode()
        streams[content_id] = (b"", content)
        objects[page_id] = (
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            "/Resources << /Font << /F1 3 0 R >> "
            f"/XObject << /Im1 6 0 R >> >> /Contents {content_id} 0 R >>"
        ).encode()
        kids.append(page_id)
    objects[2] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] "
        f"/Count {len(kids)} >>".encode()
    )
    key = None
    last = 6 + 2 * len(pages)
    if user_pw is not None:
        last += 1
        objects[last], key = _security(user_pw, "owner")
    return _serialise(objects, streams, last, key)


def _serialise(
    objects: dict[int, bytes], streams: dict[int, tuple[bytes, bytes]], last: int, key: bytes | None
) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num in range(1, last + 1):
        offsets.append(len(out))
        obj_key = (
            hashlib.md5(key + num.to_bytes(3, "little") + b"\0\0").digest()[:10] if key else b""
        )
        if num in streams:
            head, data = streams[num]
            data = _rc4(obj_key, data) if key else data
            out += b"%d 0 obj\n<< %s /Length %d >>\nstream\n" % (num, head, len(data))
            out += data + b"\nendstream\nendobj\n"
            continue
        body = objects[num]
        if key and num == 4:  # strings are encrypted too
            for plain in (b"Adobe", b"GB1"):
                body = body.replace(b"(%s)" % plain, b"<%s>" % _rc4(obj_key, plain).hex().encode())
        out += b"%d 0 obj\n%s\nendobj\n" % (num, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (last + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    encrypt = (
        b" /Encrypt %d 0 R" % last
        if key is not None or objects.get(last, b"").startswith(b"<< /Filter")
        else b""
    )
    out += b"trailer\n<< /Size %d /Root 1 0 R /ID [<%s> <%s>]%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        last + 1,
        _FILE_ID.hex().encode(),
        _FILE_ID.hex().encode(),
        encrypt,
        xref,
    )
    return bytes(out)


NOTICE: list[TextItem] = [
    (200, 760, 22, "某某县人民政府"),
    (150, 732, 22, "关于开展安全检查的通知"),
    (230, 700, 14, "某政发〔2024〕3号"),
    (72, 660, 14, "各乡镇人民政府："),
    (72, 635, 14, "\u3000\u3000为做好安全生产工作，经研究决定在全县范围内开展一次"),
    (72, 610, 14, "安全大检查，请各单位认真组织实施。"),
    (330, 560, 14, "某某县人民政府"),
    (350, 535, 14, "2024年3月5日"),
    (280, 60, 12, "— 3 —"),
]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def reason_of(path: Path, ocr: OcrOptions | None = None) -> str:
    with pytest.raises(ExtractionError) as info:
        load_pages(path, ocr)
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(path))
    assert isinstance(info.value, GazetteError)
    return info.value.reason


def test_pdf_page_text_is_clean(tmp_path: Path) -> None:
    pages = load_pages(write(tmp_path, "notice.pdf", make_pdf([NOTICE])))
    assert len(pages) == 1
    page = pages[0]
    assert (page.number, page.printed, page.has_text) == (1, 3, True)
    paragraphs = page.text.split("\n\n")
    # The wrapped title in large type is one line; the paragraph cut at the margin is rejoined;
    # the footer is gone and its number kept.
    assert paragraphs[0] == "某某县人民政府关于开展安全检查的通知"
    assert (
        "为做好安全生产工作，经研究决定在全县范围内开展一次安全大检查，请各单位认真组织实施。"
        in paragraphs
    )
    assert not any("—" in p for p in paragraphs)
    assert paragraphs[-1] == "2024年3月5日"


def test_running_header_is_removed_from_every_page(tmp_path: Path) -> None:
    header = (72, 800, 10, "某某县人民政府公报")
    bodies = ["总则部分的正文。", "职责分工的正文。", "工作要求的正文。", "附则部分的正文。"]
    pages = [
        [header, (72, 700, 14, body), (280, 60, 12, f"- {n} -")] for n, body in enumerate(bodies, 1)
    ]
    result = load_pages(write(tmp_path, "header.pdf", make_pdf(pages)))
    assert [p.printed for p in result] == [1, 2, 3, 4]
    assert all("公报" not in p.text for p in result)
    assert result[2].text == "工作要求的正文。"


def test_images_except_one_page_gives_that_page(tmp_path: Path) -> None:
    pdf = make_pdf(["image", NOTICE, "image"])
    pages = load_pages(write(tmp_path, "mixed.pdf", pdf))
    assert [p.has_text for p in pages] == [False, True, False]
    assert [p.text for p in pages][0::2] == ["", ""]
    records = build_records(pages, "mixed.pdf")
    assert len(records) == 1
    assert records[0].title == "某某县人民政府关于开展安全检查的通知"
    assert records[0].doc_number == "某政发〔2024〕3号"
    assert records[0].pdf_page == 2 and records[0].page == 3


def test_pdf_of_images_only_needs_ocr(tmp_path: Path) -> None:
    path = write(tmp_path, "scan.pdf", make_pdf(["image", "image"]))
    assert reason_of(path, OcrOptions(enabled=False)) == "no text layer: scanned? OCR needed"


def test_shared_scan_needs_ocr() -> None:
    path = shared_corpus(SHARED_PDF / "scan-cdpf-contract-2017-p1.pdf")
    assert reason_of(path, OcrOptions(enabled=False)) == "no text layer: scanned? OCR needed"


def test_encrypted_pdf_with_a_password_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "secret.pdf", make_pdf([NOTICE], user_pw="secret"))
    assert reason_of(path).startswith("encrypted PDF")


def test_encrypted_pdf_without_user_password_is_read(tmp_path: Path) -> None:
    pages = load_pages(write(tmp_path, "owner-only.pdf", make_pdf([NOTICE], user_pw="")))
    assert pages[0].text.startswith("某某县人民政府关于开展安全检查的通知")


def test_unknown_security_handler_is_reported(tmp_path: Path) -> None:
    pdf = make_pdf([NOTICE], user_pw="")
    pdf = pdf.replace(b"/Filter /Standard", b"/Filter /AcmeDRM ")
    assert reason_of(write(tmp_path, "drm.pdf", pdf)).startswith("encrypted PDF")


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_truncated_pdf_is_reported(tmp_path: Path, keep: float) -> None:
    pdf = make_pdf([NOTICE, NOTICE])
    path = write(tmp_path, "cut.pdf", pdf[: int(len(pdf) * keep)])
    assert reason_of(path).split(":")[0] in {"truncated PDF", "corrupt PDF"}


def test_truncated_real_pdf_is_reported(tmp_path: Path) -> None:
    source = shared_corpus(SHARED_PDF / "shenzhen-tjj-gender-report-2021.pdf")
    data = source.read_bytes()
    path = write(tmp_path, "cut.pdf", data[: len(data) // 2])
    assert reason_of(path).split(":")[0] in {"truncated PDF", "corrupt PDF"}


def test_garbage_after_the_header_is_corrupt(tmp_path: Path) -> None:
    path = write(tmp_path, "junk.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 40)
    assert reason_of(path).split(":")[0] in {"truncated PDF", "corrupt PDF"}


def test_empty_files_are_reported(tmp_path: Path) -> None:
    assert reason_of(write(tmp_path, "empty.pdf", b"")) == "empty file (0 bytes)"
    assert reason_of(write(tmp_path, "empty.txt", b"")) == "empty file (0 bytes)"
    assert reason_of(write(tmp_path, "blank.txt", b" \n\n\t\n")) == "no text in file"


def test_not_a_pdf_despite_its_name(tmp_path: Path) -> None:
    path = write(tmp_path, "page.pdf", "<html><body>公报</body></html>".encode())
    assert reason_of(path) == "not a PDF (no %PDF- header)"


def test_unsupported_suffix(tmp_path: Path) -> None:
    assert reason_of(write(tmp_path, "a.docx", b"PK\x03\x04")).startswith("unsupported file type")


TEXT = "关于开展安全检查的通知\n\n各乡镇人民政府：\n\n为做好安全生产工作，特此通知。\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("gb18030"),
        TEXT.encode("gbk"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-16-le"),
        TEXT.encode("utf-8"),
    ],
    ids=["gb18030", "gbk", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "utf8"],
)
def test_text_encodings_decode(tmp_path: Path, data: bytes) -> None:
    pages = load_pages(write(tmp_path, "a.txt", data))
    assert pages == [Page(None, TEXT.strip(), None, True)]


def test_undecodable_text_is_reported(tmp_path: Path) -> None:
    assert reason_of(write(tmp_path, "bad.txt", "公报".encode() + b"\x80\xff\x80")).startswith(
        "cannot decode"
    )
    with pytest.raises(ExtractionError):
        decode_text(b"\x00\x01\x02\x03" * 50)


def test_form_feeds_split_pages_and_footers_go() -> None:
    bodies = ["总则部分的正文。", "职责分工的正文。", "工作要求的正文。", "附则部分的正文。"]
    text = "\f".join(f"某县公报\n\n{body}\n\n第 {n} 页" for n, body in enumerate(bodies, 1))
    pages = text_pages(text)
    assert [p.number for p in pages] == [1, 2, 3, 4]
    assert [p.printed for p in pages] == [1, 2, 3, 4]
    assert [p.text for p in pages] == bodies


def test_text_cleaning_spaces_and_private_use_glyphs() -> None:
    pages = text_pages(
        "关 于 中 苏 举 行 会 谈 的 公 报\n\n2022 年 6 月 27 日\ue001\n\nPaaS 及 SaaS"
    )
    assert pages[0].text.split("\n\n") == [
        "关于中苏举行会谈的公报",
        "2022年6月27日",
        "PaaS 及 SaaS",
    ]


def test_text_lines_broken_inside_a_sentence_are_joined() -> None:
    text = (
        "根据《关于巩固拓展脱贫攻坚成果有效衔接\n\n乡村振兴的实施方案》，制定本方案。"
        "\n\n一、总体要求"
    )
    assert text_pages(text)[0].text == (
        "根据《关于巩固拓展脱贫攻坚成果有效衔接乡村振兴的实施方案》，制定本方案。\n\n一、总体要求"
    )


_BASE_PDF = make_pdf([NOTICE, "image", NOTICE])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.integers(0, len(_BASE_PDF) - 1), st.integers(0, 255)), min_size=1, max_size=12
    )
)
def test_damaged_pdf_gives_pages_or_a_reason(tmp_path: Path, edits: list[tuple[int, int]]) -> None:
    data = bytearray(_BASE_PDF)
    for pos, value in edits:
        data[pos] = value
    path = write(tmp_path, "damaged.pdf", bytes(data))
    try:
        pages = load_pages(path)
    except ExtractionError as exc:
        assert "\n" not in str(exc)
        return
    assert all(isinstance(p, Page) for p in pages)
    with contextlib.suppress(ExtractionError):
        build_records(pages, "damaged.pdf")


def test_glyphs_without_unicode_are_reported(tmp_path: Path) -> None:
    # Identity-H without a ToUnicode map: pdfminer sees glyphs but no characters.
    pdf = make_pdf([NOTICE]).replace(b"/UniGB-UCS2-H", b"/Identity-H  ")
    pdf = pdf.replace(b"/Ordering (GB1)", b"/Ordering (XYZ)")
    # With OCR on, such a page is rendered and read instead (tests/test_ocr.py).
    assert reason_of(write(tmp_path, "cid.pdf", pdf), OcrOptions(enabled=False)) == (
        "text layer without readable characters (no Unicode map)"
    )


def test_missing_file_is_reported(tmp_path: Path) -> None:
    assert reason_of(tmp_path / "gone.pdf").startswith("cannot read")
