"""Normalisation and the two Whoosh analyzers (indexer.analysis)."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.analysis import (
    analysis_signature,
    bigram_analyzer,
    collect_terms,
    normalise,
    normalise_with_offsets,
    read_user_dict,
    segmenter,
    text_fields,
    word_analyzer,
)
from indexer.records import Record

# Text that exercises the interesting cases: CJK (simplified and traditional), ASCII, full-width
# forms, spaces of several kinds, punctuation, compatibility characters that expand under NFKC,
# combining marks, emoji and arbitrary code points.
_PIECES = st.sampled_from(
    list("离石区人民政府法律顾问號發車補貼〇㐀𠀀")
    + list("aZ09１２ＡＢ ,.-\u3000\t\n〔〕（）【】[]()《》、，。")
    + ["㎡", "⑴", "㈱", "㍿", "ﬁ", "½", "İ", "e\u0301", "\u0301", "ǅ", "㋀", "👍🏽", "\u200d"]
)
TEXTS = st.one_of(st.text(max_size=60), st.lists(_PIECES, max_size=40).map("".join))
ANALYZERS = {"words": word_analyzer(), "grams": bigram_analyzer()}
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def texts(analyzer: object, value: str, **kw: object) -> list[str]:
    return [t.text for t in analyzer(value, **kw)]  # type: ignore[operator]


# ---------------------------------------------------------------------------- normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("汽車消費補貼", "汽车消费补贴"),
        ("吕梁市离石区人民政府公報", "吕梁市离石区人民政府公报"),
        ("离政办发（２０２４）１号", "离政办发(2024)1号"),
        ("ＣＯＶＩＤ-19", "covid-19"),
        ("关 于 中 苏 举 行 会 谈 的 公 报", "关于中苏举行会谈的公报"),
        ("陈\u3000楠", "陈楠"),
        ("〔2022〕71 号", "〔2022〕71 号"),  # only spaces *between* CJK characters go
        ("面积33480㎡", "面积33480m2"),
    ],
)
def test_normalise_examples(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@FAST
@given(TEXTS)
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@FAST
@given(TEXTS)
def test_offset_map_points_into_the_original(text: str) -> None:
    norm, src = normalise_with_offsets(text)
    if src is None:
        assert len(norm) == len(text)
    else:
        assert len(src) == len(norm)
        assert src == sorted(src) and all(0 <= i < len(text) for i in src)


@FAST
@given(st.text(alphabet="中文字 \u3000\t\nab1㎡⑴繁體", max_size=40))
def test_offset_map_equals_one_index_per_character(text: str) -> None:
    """The compact map (gap positions) gives what a list of every character's index gives."""
    from indexer.analysis.normalise import _CJK_GAP_RE, _FOLD, _expansion_map

    folded = text.lower() if text.isascii() else text.translate(_FOLD)  # the definitions
    every = list(range(len(text))) if len(folded) == len(text) else _expansion_map(text)
    removed = {i for gap in _CJK_GAP_RE.finditer(folded) for i in range(*gap.span())}
    expected = [src for i, src in enumerate(every) if i not in removed]
    norm, src = normalise_with_offsets(text)
    assert len(norm) == len(expected)
    assert (list(src) if src is not None else list(range(len(norm)))) == expected


def test_fold_changes_what_the_table_changes_over_the_whole_plane() -> None:
    """The substitution over the class of changing characters folds every character of the
    Basic Multilingual Plane as the per-character table does; astral text takes the table."""
    from indexer.analysis.normalise import _FOLD, _expansion_map, fold, fold_with_offsets

    plane = "".join(chr(cp) for cp in range(0x10000) if not 0xD800 <= cp < 0xE000)
    folded, full = fold_with_offsets(plane)
    assert folded == fold(plane) == plane.translate(_FOLD)
    assert full == _expansion_map(plane)  # "㎡" and the like expand: every index mapped
    astral = "𠀀國 ＡＢ𝐀臺"  # an ext-B ideograph, then characters that fold
    assert fold(astral) == astral.translate(_FOLD) == "𠀀国 aba台"


@FAST
@given(st.text(alphabet="中文 \u3000\t\n\u2028ab𠀀", max_size=60))
def test_gaps_found_from_the_whitespace_are_the_lookbehind_ones(text: str) -> None:
    from indexer.analysis.normalise import _CJK_GAP_RE, _HSPACE, IDEOGRAPHS

    defined = re.compile(rf"(?<=[{IDEOGRAPHS}]){_HSPACE}+(?=[{IDEOGRAPHS}])")
    assert [m.span() for m in _CJK_GAP_RE.finditer(text)] == [
        m.span() for m in defined.finditer(text)
    ]


# ---------------------------------------------------------------------------- analyzers


@FAST
@given(TEXTS, st.sampled_from(["index", "query"]), st.integers(0, 5), st.integers(0, 9))
def test_offsets_slice_the_original_to_the_token(
    text: str, mode: str, start_pos: int, start_char: int
) -> None:
    for analyzer in ANALYZERS.values():
        for t in analyzer(
            text, positions=True, chars=True, mode=mode, start_pos=start_pos, start_char=start_char
        ):
            piece = text[t.startchar - start_char : t.endchar - start_char]
            assert piece and normalise(piece) == t.text
            assert t.pos >= start_pos


@FAST
@given(TEXTS)
def test_query_mode_bigrams_fill_consecutive_positions(text: str) -> None:
    positions = [t.pos for t in bigram_analyzer()(text, positions=True, mode="query")]
    assert positions == list(range(len(positions)))


def test_single_digits_are_kept_so_1_is_not_12() -> None:
    for analyzer in ANALYZERS.values():
        assert "1" in texts(analyzer, "离政办发〔2024〕1号")
        assert "1" not in texts(analyzer, "离政办发〔2024〕12号")
        assert "12" in texts(analyzer, "离政办发〔2024〕12号")


def test_search_mode_puts_sub_words_at_their_words_position() -> None:
    tokens = [(t.text, t.pos) for t in word_analyzer()("推行法律顾问制度", positions=True)]
    assert ("法律顾问", 1) in tokens and ("法律", 1) in tokens and ("顾问", 1) in tokens
    assert ("制度", 2) in tokens
    query = texts(word_analyzer(), "推行法律顾问制度", mode="query")
    assert query == ["推行", "法律顾问", "制度"]


def test_bigrams_with_edge_unigrams() -> None:
    index = [(t.text, t.pos) for t in bigram_analyzer()("1号文件", positions=True)]
    assert index == [("1", 0), ("号", 1), ("号文", 1), ("文件", 2), ("件", 3)]
    assert texts(bigram_analyzer(), "号", mode="query") == ["号"]
    assert texts(bigram_analyzer(), "文件1", mode="query") == ["文件", "件", "1"]


def test_offsets_skip_the_spaces_of_letter_spaced_text() -> None:
    grams = {
        t.text: (t.startchar, t.endchar) for t in bigram_analyzer()("任命陈 楠同志", chars=True)
    }
    assert grams["陈楠"] == (2, 5)
    words = {t.text: (t.startchar, t.endchar) for t in word_analyzer()("陈 楠同志", chars=True)}
    assert words["陈楠"] == (0, 3)


def test_traditional_and_simplified_give_the_same_tokens() -> None:
    for analyzer in ANALYZERS.values():
        assert texts(analyzer, "汽車消費補貼") == texts(analyzer, "汽车消费补贴")


def test_whoosh_contract_details() -> None:
    for analyzer in ANALYZERS.values():
        (whole,) = list(analyzer("法律 顾问", tokenize=False, chars=True))
        assert (whole.text, whole.startchar, whole.endchar) == ("法律顾问", 0, 5)
        ids = {id(t) for t in analyzer("法律顾问制度")}
        assert len(ids) == 1  # one Token object, reused
        originals = [t.original for t in analyzer("法律顧問", keeporiginal=True)]
        assert "法律顧問" in originals or "法律" in originals
        assert list(analyzer("")) == [] and list(analyzer("，。！ \n")) == []


def test_analyzers_pickle_as_settings_only() -> None:
    analyzer = word_analyzer(("金巢魔码小区",))
    before = texts(analyzer, "金巢魔码小区重大火灾隐患")  # loads jieba and the user word
    data = pickle.dumps(analyzer)
    assert b"jieba" not in data and len(data) < 1000
    clone = pickle.loads(data)
    assert clone == analyzer and clone != word_analyzer()
    assert texts(clone, "金巢魔码小区重大火灾隐患") == before
    assert "金巢魔码小区" in before
    grams = pickle.loads(pickle.dumps(bigram_analyzer()))
    assert grams == bigram_analyzer()


def test_text_fields_and_signature() -> None:
    fields = text_fields(("离石区",))
    assert set(fields) == {"title", "title_bi", "body", "body_bi"}
    assert fields["title"].format.field_boost == 3.0
    sig = analysis_signature(("离石区",))
    assert sig["segmenter"] == segmenter() == "rjieba-0.2.2/analysis-1"
    assert sig != analysis_signature(()) and sig == analysis_signature(("离石区", "离石区"))


def test_read_user_dict(tmp_path: Path) -> None:
    path = tmp_path / "gazette.dict"
    path.write_text(
        "\ufeff# 注释\n离石区 10 ns\n区人社局\n\n祁离高速 5\n离石区\n", encoding="utf-8"
    )
    assert read_user_dict(path) == ("离石区", "区人社局", "祁离高速")
    assert read_user_dict(tmp_path / "missing.dict") == ()
    assert read_user_dict(None) == ()


def test_collect_terms_finds_issuers_places_and_agencies() -> None:
    rec = Record(
        issuer="吕梁市离石区人民政府办公室",
        title="吕梁市离石区人民政府办公室关于调整祁离高速公路建设协调领导组组成人员的通知",
        body="信义镇人民政府、吴城镇人民政府，区直各相关单位：\n咨询单位：离石区人社局；"
        "区发改局、区财政局、区自然资源局等。田家会街道办事处主任。各乡镇（街道）。",
    )
    terms = collect_terms([rec])
    for term in ("吕梁市离石区人民政府办公室", "吕梁市", "离石区", "信义镇", "吴城镇"):
        assert term in terms
    for term in ("区发改局", "区财政局", "区自然资源局", "田家会街道"):
        assert term in terms
    assert "各乡镇" not in terms and terms == tuple(sorted(set(terms)))


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("法律顾问制度吕梁市離石區公報第１2号ＡbC 　\n\t，。〔〕")),
        max_size=80,
    )
)
def test_fast_index_path_equals_whooshs_own(text: str) -> None:
    """FastText.index builds exactly the postings Whoosh's formats build from Tokens."""
    fields = text_fields(("法律顾问",))
    for name in ("title", "title_bi", "body", "body_bi"):
        field = fields[name]
        fast = sorted(field.index(text))
        slow = sorted(super(type(field), field).index(text))
        assert fast == slow, name


def test_rjieba_cuts_word_for_word_as_jieba() -> None:
    """The Rust segmenter is an accelerator only: over the sample gazette and 40 laws, with the
    user dictionary, it yields exactly the words (and search-mode sub-words) jieba yields."""
    import json

    from indexer.analysis.segment import (
        Segmenter,
        _canonical_words,
        iter_words,
        read_user_dict,
        segmenter,
    )
    from tests.helpers import LAWS_SAMPLE, shared_corpus

    root = Path(__file__).resolve().parents[1]
    words = _canonical_words(read_user_dict(root / "data" / "dict" / "gazette.dict"))
    texts = [(root / "data" / "gazettes" / "lishi-gazette-2024-1.txt").read_text("utf-8")]
    for line in shared_corpus(LAWS_SAMPLE).read_text(encoding="utf-8").splitlines()[:40]:
        texts.append(json.loads(line)["body"])
    fast, python = Segmenter(words), Segmenter.python(words)
    assert segmenter().startswith("rjieba-")
    compared = 0
    for text in texts:
        norm = normalise(text)
        for search in (False, True):
            ours = list(iter_words(fast, norm, search))
            assert ours == list(iter_words(python, norm, search))
            compared += len(ours)
    assert compared > 100_000
