"""文号 parser: every printed variant canonicalises to 代字〔年份〕序号号, and nothing else does."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.chars import fold_width
from indexer.recognise.docnum import (
    DOCNUM_RE,
    DocNumber,
    _docnum_matches,
    canonical_doc_number,
    find_doc_numbers,
    iter_doc_numbers,
    parse_doc_number,
)

VARIANTS = [
    "离政办发〔2024〕1号",
    "离政办发[2024]1号",
    "离政办发(2024)1号",
    "离政办发（2024）1号",
    "离政办发【2024】1号",
    "离政办发2024年1号",
    "离政办发〔２０２４〕１号",
    "离政办发 〔2024〕 1 号",
    "离政办发［2024］1号",
    "离政办发〔2024〕第1号",
]


@pytest.mark.parametrize("text", VARIANTS)
def test_design_variants_mean_the_same_document(text: str) -> None:
    assert canonical_doc_number(text) == "离政办发〔2024〕1号"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "依据国发〔2015〕5 号、中网办发文[2015]14 号",
            ["国发〔2015〕5号", "中网办发文〔2015〕14号"],
        ),
        ("联防联控机制综发〔2020〕\n255 号", ["联防联控机制综发〔2020〕255号"]),
        ("按晋财农〔2021〕56号文件精神", ["晋财农〔2021〕56号"]),
        ("按市吕财农〔2017〕1号文件规定", ["吕财农〔2017〕1号"]),
        ("（自然资办发〔2023〕25号）", ["自然资办发〔2023〕25号"]),
        ("《关于X的通知》（吕政办发电〔2024〕\n\n1号）", ["吕政办发电〔2024〕1号"]),
        ("印发的《预案》（离政办发〔2022〕15号）同时废止", ["离政办发〔2022〕15号"]),
    ],
)
def test_numbers_found_in_running_text(text: str, expected: list[str]) -> None:
    assert find_doc_numbers(text) == expected


@pytest.mark.parametrize(
    "text",
    ["第2024年3号", "截至2024年12号台风", "经2023年第5号", "2024年3月5日", "第3号", "共计2024元"],
)
def test_things_that_are_not_document_numbers(text: str) -> None:
    assert find_doc_numbers(text) == []
    assert parse_doc_number(text) is None
    assert canonical_doc_number(text) == ""


def test_spans_point_into_the_text() -> None:
    text = "根据晋政办发〔2023〕65号和吕商务函〔2024〕17号"
    spans = [(str(d), text[a:b]) for d, a, b in iter_doc_numbers(text)]
    assert spans == [
        ("晋政办发〔2023〕65号", "晋政办发〔2023〕65号"),
        ("吕商务函〔2024〕17号", "吕商务函〔2024〕17号"),
    ]


def test_find_is_distinct_in_order_of_first_appearance() -> None:
    text = "晋财农〔2021〕56号；晋财农[2021]56号；晋财农〔2021〕45号"
    assert find_doc_numbers(text) == ["晋财农〔2021〕56号", "晋财农〔2021〕45号"]


_PREFIXES = st.sampled_from(
    ["离政办发", "国发", "晋财农", "吕商务函", "国卫办医函", "京政发", "中网办发文"]
)
_OPEN_CLOSE = st.sampled_from(["〔〕", "[]", "()", "（）", "【】", "［］"])


def _wide(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


@given(
    prefix=_PREFIXES,
    year=st.integers(1950, 2039),
    number=st.integers(1, 9999),
    brackets=_OPEN_CLOSE,
    wide=st.booleans(),
    spaced=st.booleans(),
)
def test_any_printed_variant_round_trips(
    prefix: str, year: int, number: int, brackets: str, wide: bool, spaced: bool
) -> None:
    sp = " " if spaced else ""
    printed = f"{prefix}{sp}{brackets[0]}{year}{brackets[1]}{sp}{number}{sp}号"
    if wide:
        printed = _wide(printed)
    parsed = parse_doc_number(f"根据{printed}文件精神")
    assert parsed == DocNumber(prefix, year, number)
    assert canonical_doc_number(printed) == f"{prefix}〔{year}〕{number}号"
    # The canonical form is a fixed point and uses half-width digits only.
    canonical = str(parsed)
    assert canonical_doc_number(canonical) == canonical
    assert unicodedata.normalize("NFKC", canonical) == canonical


@given(st.text(alphabet="关于通知的年月日发函字第一二三 0123456789，。", max_size=40))
def test_no_number_without_a_hao(text: str) -> None:
    if "号" not in text:
        assert find_doc_numbers(text) == []


def _spans(matches: object) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in matches]  # type: ignore[attr-defined]


# Characters that make and break 文号: Han, brackets, digits (some full width), spaces, breaks.
_DOCNUM_ALPHABET = "离政办发国财农文第年号号〔〕[]（）(【】 \u3000\t\n0129２０A"


@given(st.text(alphabet=_DOCNUM_ALPHABET, max_size=120))
def test_year_anchored_scan_finds_what_a_full_scan_finds(text: str) -> None:
    norm = fold_width(text)
    assert _spans(_docnum_matches(norm)) == _spans(DOCNUM_RE.finditer(norm))


@given(
    st.lists(
        st.sampled_from(["离政办发", "财农", "〔", "〕", "[", "2024", "1920", "20", "19", "年",
                         "第", "1", "12", "号", " ", "\u3000" * 30, "\n", "，"]),
        max_size=40,
    )
)  # fmt: skip
def test_year_anchored_scan_on_number_shaped_text(parts: list[str]) -> None:
    norm = "".join(parts)
    assert _spans(_docnum_matches(norm)) == _spans(DOCNUM_RE.finditer(norm))


def test_year_anchored_scan_on_real_laws() -> None:
    from tests.helpers import LAWS_SAMPLE, shared_corpus

    for line in shared_corpus(LAWS_SAMPLE).read_text(encoding="utf-8").splitlines()[:60]:
        norm = fold_width(json.loads(line)["body"])
        assert _spans(_docnum_matches(norm)) == _spans(DOCNUM_RE.finditer(norm))


def test_width_folding_is_nfkc_one_character_for_one() -> None:
    wide = [chr(c) for c in range(0xFF01, 0xFF5F)] + ["\u3000"]
    assert [fold_width(c) for c in wide] == [unicodedata.normalize("NFKC", c) for c in wide]


_DIGITS_AND_LETTERS = {
    c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F) if chr(c).isalnum()
}  # what the parser folded before it shared indexer.chars.fold_width


# Brackets whose full-width form the regex did not list: ｛ and ＜.
_NEWLY_READ = set("｛｝＜＞")


@given(
    st.text(
        alphabet="离政办发财农文第年号〔〕[]（）［］｛｝＜＞(【】 \u3000\t\n0129２０１Ａ",
        max_size=60,
    )
)
def test_folding_punctuation_too_changes_no_docnum(text: str) -> None:
    """Folding brackets and the ideographic space as well finds the same 文号, at the same
    offsets, as folding only digits and letters did; only ｛２０２４｝ and ＜２０２４＞ are newly
    read, as their half-width forms always were."""
    before = _spans(DOCNUM_RE.finditer(text.translate(_DIGITS_AND_LETTERS)))
    after = _spans(DOCNUM_RE.finditer(fold_width(text)))
    assert after == before or bool(_NEWLY_READ & set(text))


def test_full_width_brackets_and_spaces_in_a_docnum() -> None:
    assert find_doc_numbers(
        "离政办发［２０２４］１号、离政办发｛2024｝2号、离政办发\u3000（2024）3号"
    ) == [
        "离政办发〔2024〕1号",
        "离政办发〔2024〕2号",
        "离政办发〔2024〕3号",
    ]


def test_a_prefix_takes_every_ideograph_of_indexer_chars() -> None:
    # Extension A (䢺) and compatibility (﨑) ideographs print in place names.
    assert find_doc_numbers("依据﨑政发〔2024〕1号和䢺政办发〔2024〕2号") == [
        "﨑政发〔2024〕1号",
        "䢺政办发〔2024〕2号",
    ]


# ---------------------------------------------------------------------------- order numbers

ORDER_VARIANTS = [
    ("国令第707号", "国令第707号"),
    ("中华人民共和国国务院令第707号", "国令第707号"),
    ("中华人民共和国国务院令\n第707号", "国令第707号"),
    ("国务院令（第707号）", "国令第707号"),
    ("国务院令 第七〇七号", "国令第707号"),
    ("山东省人民政府令第18号", "山东省人民政府令第18号"),
    ("山东省人民政府令（第十八号）", "山东省人民政府令第18号"),
    ("中华人民共和国主席令（第五号）", "主席令第5号"),
    ("国家发展和改革委员会令第3号", "国家发展和改革委员会令第3号"),
]


@pytest.mark.parametrize(("text", "canonical"), ORDER_VARIANTS)
def test_order_numbers_are_doc_numbers(text: str, canonical: str) -> None:
    assert canonical_doc_number(text) == canonical
    parsed = parse_doc_number(text)
    assert parsed is not None and parsed.year is None and parsed.series == ""
    assert canonical_doc_number(canonical) == canonical


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("根据国务院令第588号和财政部令第3号", ["国令第588号", "财政部令第3号"]),
        ("国家发展和改革委员会令第3号", ["国家发展和改革委员会令第3号"]),
        ("专利代理条例（中华人民共和国国务院令第706号）", ["国令第706号"]),
        ("中华人民共和国个人所得税法实施条例国令第707号", ["国令第707号"]),
        ("北京市养犬管理规定山东省人民政府令第23号", ["山东省人民政府令第23号"]),
    ],
)  # fmt: skip
def test_order_numbers_in_running_text(text: str, expected: list[str]) -> None:
    assert find_doc_numbers(text) == expected


@pytest.mark.parametrize("text", ["命令第3号", "和平令第3号", "第5号", "公告第20号"])
def test_not_order_numbers(text: str) -> None:
    assert find_doc_numbers(text) == []


def test_a_query_for_an_order_number_finds_its_document() -> None:
    from whoosh.fields import ID, Schema

    from indexer.analysis import text_fields
    from searchapp.querybuild import parse_query
    from tests.helpers import ram_storage

    schema = Schema(id=ID(stored=True), doc_number=ID, doc_series=ID, issuer=ID, **text_fields())
    index = ram_storage().create_index(schema)
    docs = [("a", "专利代理条例", "国令第706号"), ("b", "某条例", "国令第707号")]
    with index.writer() as w:
        for doc_id, title, number in docs:
            parsed = parse_doc_number(number)
            assert parsed is not None
            w.add_document(
                id=doc_id, title=title, title_bi=title, body=title, body_bi=title,
                doc_number=str(parsed), doc_series=parsed.series, issuer="国务院",
            )  # fmt: skip
    for typed in ("国令第706号", "中华人民共和国国务院令第706号", "国务院令（第七〇六号）"):
        parsed_query = parse_query(typed, schema=schema)
        assert parsed_query.doc_number == "国令第706号"
        assert parsed_query.query is not None
        with index.searcher() as s:
            assert [h["id"] for h in s.search(parsed_query.query, limit=5)][:1] == ["a"]
