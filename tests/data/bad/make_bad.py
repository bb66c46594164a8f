"""Write the bad-input corpus of this folder (run from the repository root):

    .venv/bin/python tests/data/bad/make_bad.py

Every file is small and made here, except ``scanned.pdf``, page 1 of a real scanned contract
(``shared/corpus/pdf/scan-cdpf-contract-2017-p1.pdf``, see its MANIFEST). ``expected.json``,
written beside them, lists what ``gazette index`` must say of each file: ``""`` for a file that
indexes, otherwise the start of its one-line reason; ``warnings.json`` lists the files that index
with a warning (a page that cannot be read, a bad line skipped) and the start of their first
warning. Large inputs (a 50 MB single line) and file names that are not UTF-8 are made at test
time instead of being committed.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from tests.test_extract import NOTICE, TextItem, make_pdf  # noqa: E402

TextItems = list[TextItem]

NOTICE_TEXT = (
    "吕梁市离石区人民政府关于坏输入测试的通知\n\n离政发〔2024〕77号\n\n各乡（镇）人民政府：\n\n"
    "　　现将有关事项通知如下，请认真贯彻执行。{extra}\n\n吕梁市离石区人民政府\n\n2024年3月5日\n"
)


def pdf_with_objects(body: bytes) -> bytes:
    """A minimal one-page PDF whose page content is ``body`` (already a stream object)."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        body,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def stream(data: bytes, flate: bool = False) -> bytes:
    payload = zlib.compress(data, 9) if flate else data
    filt = b" /Filter /FlateDecode" if flate else b""
    return b"<< /Length %d%s >>\nstream\n" % (len(payload), filt) + payload + b"\nendstream"


def pdf_with_unreadable_page(good_pages: int) -> bytes:
    """A PDF of ``good_pages`` notices and a last page whose content stream uses an unknown
    filter, which pdfminer refuses for that page alone."""
    marker: TextItems = [(72, 700, 14, "X")]
    pages: list[TextItems | str] = [*[NOTICE] * good_pages, marker]
    pdf = make_pdf(pages)
    old = f"BT /F1 14 Tf 72 700 Td <{'X'.encode('utf-16-be').hex()}> Tj ET".encode()
    head = b"<<  /Length %d >>\nstream\n" % len(old)
    assert pdf.count(head + old) == 1
    pdf = pdf.replace(head + old, b"<< /Filter /Nope /Length 3 >>\nstream\nabc")
    # The content stream is the last object: only the cross-reference table moved.
    xref = pdf.rindex(b"\nxref\n") + 1
    return re.sub(rb"startxref\n\d+", b"startxref\n%d" % xref, pdf)


def warned_files() -> dict[str, tuple[bytes, str]]:
    """Files that index, with a warning (its start given) for what could not be read."""
    good = '{"id": "ok-2", "title": "正常的记录二", "body": "正文"}\n'.encode()
    return {
        "one-page-unreadable.pdf": (pdf_with_unreadable_page(1), "page 2: unreadable"),
        "some-bad-lines.jsonl": (
            good + b'{"id": "bad-1", "title": "t", "date": "2024-13-45"}\n',
            'line 2: date: "2024-13-45" is not a date',
        ),
    }


def files() -> dict[str, tuple[bytes, str]]:
    good_pdf = make_pdf([NOTICE])
    notice = NOTICE_TEXT.format(extra="")
    nested = b"[" * 100_000 + b"]" * 100_000
    return {
        # -- PDFs that cannot be read ---------------------------------------------------------
        "zero-byte.pdf": (b"", "empty file (0 bytes)"),
        "not-a-pdf.pdf": (b"<html><body>404 Not Found</body></html>\n", "not a PDF"),
        "header-only.pdf": (b"%PDF-1.7\n", "corrupt PDF"),
        "truncated.pdf": (good_pdf[: len(good_pdf) // 2], "truncated PDF"),
        "truncated-tiny.pdf": (good_pdf[:40], "truncated PDF"),
        "garbage-after-header.pdf": (b"%PDF-1.4\n" + bytes(range(256)) * 40, "corrupt PDF"),
        "encrypted.pdf": (make_pdf([NOTICE], user_pw="secret"), "encrypted PDF"),
        "image-only.pdf": (make_pdf(["image", "image"]), "no text layer, and OCR read no text"),
        "bomb-nested-arrays.pdf": (pdf_with_objects(stream(nested)), "no text layer"),
        "bomb-flate-200mb.pdf": (
            pdf_with_objects(stream(b"0 0 m " * 35_000_000, flate=True)),
            "page 1: content stream inflates past 16 MB",
        ),
        "bomb-deep-dict.pdf": (pdf_with_objects(b"<<" * 50_000 + b">>" * 50_000), "corrupt PDF"),
        "xref-loop.pdf": (good_pdf.replace(b"startxref\n", b"startxref\n0\n%"), ""),
        "png-named.pdf": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not a PDF"),
        "all-pages-unreadable.pdf": (pdf_with_unreadable_page(0), "no page could be read (page 1"),
        # -- PDFs that index -----------------------------------------------------------------
        "good.pdf": (good_pdf, ""),
        "images-and-one-text-page.pdf": (make_pdf(["image", NOTICE, "image"]), ""),
        # -- text --------------------------------------------------------------------------------
        "gb18030.txt": (notice.encode("gb18030"), ""),
        "utf8-bom.txt": (b"\xef\xbb\xbf" + notice.encode(), ""),
        "utf16-le-bom.txt": (notice.encode("utf-16"), ""),
        "utf16-be-bom.txt": (b"\xfe\xff" + notice.encode("utf-16-be"), ""),
        "pua-glyphs.txt": (NOTICE_TEXT.format(extra="\ue000\ue8f5\uf8ff私用区字符").encode(), ""),
        "control-chars.txt": (NOTICE_TEXT.format(extra="\x00\x07\x1b[31m\x7f控制").encode(), ""),
        "script-in-body.txt": (NOTICE_TEXT.format(extra="<script>alert(1)</script>").encode(), ""),
        "empty.txt": (b"", "empty file (0 bytes)"),
        "whitespace-only.txt": (" \n\n\t\u3000\n".encode(), "no text in file"),
        "binary.txt": (bytes(range(256)) * 64, "cannot decode text"),
        # -- JSONL exports -------------------------------------------------------------------
        "bad-json.jsonl": (b'{"title": "x", \n', "line 1: not valid JSON"),
        "not-an-object.jsonl": (b"[1, 2, 3]\n", "line 1: expected a JSON object"),
        "no-title-or-body.jsonl": (b'{"id": "x", "issuer": "y"}\n', "line 1: record has neither"),
        "bad-utf8.jsonl": (b'{"title": "\xff\xfe"}\n', "line 1: not valid JSON"),
        "empty.jsonl": (b"\n\n", "no records in file"),
        "deeply-nested.jsonl": (
            b'{"title": "t", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
            "line 1: JSON nested too deeply",
        ),
        "wrong-types.jsonl": (
            b'{"title": 3, "body": ["a"], "page": "x"}\n',
            "line 1: title: expected a string",
        ),
        "lone-surrogate.jsonl": (
            b'{"title": "\\ud800\xe5\x9d\x8f"}\n',
            "line 1: invalid Unicode (lone surrogate)",
        ),
        "impossible-date.jsonl": (
            b'{"title": "t", "date": "2024-13-45"}\n',
            'line 1: date: "2024-13-45" is not a date',
        ),
        "page-not-a-number.jsonl": (
            b'{"title": "t", "pdf_page": "abc"}\n',
            'line 1: pdf_page: "abc" is not a page number',
        ),
        "unknown-visibility.jsonl": (
            b'{"title": "t", "visibility": "secret"}\n',
            'line 1: visibility: "secret" is not one of public, internal',
        ),
        "good.jsonl": ('{"id": "ok-1", "title": "正常的记录", "body": "正文"}\n'.encode(), ""),
    }


def main() -> None:
    expected: dict[str, str] = {}
    for name, (data, message) in files().items():
        (HERE / name).write_bytes(data)
        expected[name] = message
    warnings: dict[str, str] = {}
    for name, (data, message) in warned_files().items():
        (HERE / name).write_bytes(data)
        expected[name] = ""
        warnings[name] = message
    (HERE / "warnings.json").write_text(
        json.dumps(dict(sorted(warnings.items())), ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )
    shutil.copy(
        ROOT.parent / "shared" / "corpus" / "pdf" / "scan-cdpf-contract-2017-p1.pdf",
        HERE / "scanned.pdf",
    )
    expected["scanned.pdf"] = ""  # read by OCR
    (HERE / "expected.json").write_text(
        json.dumps(dict(sorted(expected.items())), ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )
    print(f"{len(expected)} files in {HERE}")


if __name__ == "__main__":
    main()
