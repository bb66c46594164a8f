"""Highlighted snippets (searchapp.snippets)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.fields import ID, Schema

from indexer.analysis import text_fields
from searchapp.querybuild import ParsedQuery, parse_query
from searchapp.snippets import find_matches, make_snippet


@pytest.fixture(scope="module")
def schema() -> Any:
    return Schema(doc_number=ID, doc_series=ID, issuer=ID, **text_fields())


def snippet(text: str, query: str, schema: Any, **kw: Any) -> str:
    return make_snippet(text, parse_query(query, schema=schema), **kw)


def test_marks_matches_and_escapes_the_rest(schema: Any) -> None:
    text = "<script>alert(1)</script>推行政府法律顾问制度 & 其他"
    out = snippet(text, "法律顾问", schema)
    assert (
        out == "&lt;script&gt;alert(1)&lt;/script&gt;推行政府<mark>法律顾问</mark>制度 &amp; 其他"
    )


def test_offsets_are_right_for_traditional_and_letter_spaced_text(schema: Any) -> None:
    assert "<mark>汽車消費補貼</mark>" in snippet("開展汽車消費補貼工作", "汽车消费补贴", schema)
    assert "任命<mark>陈 楠</mark>同志" in snippet("任命陈 楠同志任队长", "陈楠", schema)
    assert "<mark>ＡＢＣ</mark>" in snippet("型号ＡＢＣ型", "abc", schema)


def test_doc_numbers_and_phrases(schema: Any) -> None:
    text = "根据离政办发〔2024〕1号文件，禁止露天焚烧秸秆。"
    assert "<mark>离政办发〔2024〕1号</mark>" in snippet(text, "离政办发[2024]1号", schema)
    assert "<mark>禁止露天焚烧</mark>" in snippet(text, '"禁止露天焚烧"', schema)
    assert "秸秆" not in find_matches(text, parse_query("-秸秆 焚烧", schema=schema).highlights)


def test_two_fragments_joined_with_an_ellipsis(schema: Any) -> None:
    text = "甲" * 300 + "法律顾问" + "乙" * 300 + "重污染天气" + "丙" * 300
    out = snippet(text, "法律顾问 重污染天气", schema, size=40)
    assert out.count("<mark>") == 2 and out.startswith("…") and out.endswith("…")
    assert "…" in out.replace("<mark>", "").strip("…")
    assert len(out) < 2 * 40 + 60
    one = snippet(text, "法律顾问 重污染天气", schema, size=40, fragments=1)
    assert one.count("<mark>") == 1


def test_no_match_gives_the_escaped_opening(schema: Any) -> None:
    assert snippet("一二三<四>", "法律顾问", schema) == "一二三&lt;四&gt;"
    assert snippet("正" * 200, "法律顾问", schema, size=80) == "正" * 80 + "…"
    assert make_snippet("", ParsedQuery(None)) == ""


def test_never_cuts_a_character_from_its_accents(schema: Any) -> None:
    text = "e\u0301" * 100 + "法律顾问" + "e\u0301" * 100
    out = snippet(text, "法律顾问", schema, size=21)
    body = out.strip("…").replace("<mark>", "").replace("</mark>", "")
    assert not body.startswith("\u0301") and body.endswith("\u0301")


def test_long_bodies_are_read_only_as_far_as_the_matches() -> None:
    """A match across a chunk edge is found once; a body is not read past SCAN_LIMIT."""
    from searchapp.snippets import CHUNK, SCAN_LIMIT, find_matches_bounded

    edge = "甲" * (CHUNK - 2) + "法律顾问" + "乙" * 3 * CHUNK
    assert find_matches_bounded(edge, ["法律顾问"]) == [(CHUNK - 2, CHUNK + 2, "法律顾问")]
    # Both needles are looked for until each has matched once, a chunk apart.
    apart = "丙" * 10 + "法律顾问" + "丁" * CHUNK + "制度" + "戊" * CHUNK
    assert [n for _, _, n in find_matches_bounded(apart, ["法律顾问", "制度"])] == [
        "法律顾问",
        "制度",
    ]
    beyond = "己" * (SCAN_LIMIT + CHUNK) + "法律顾问"
    assert find_matches_bounded(beyond, ["法律顾问"]) == []
    assert find_matches(beyond, ["法律顾问"]) != []
    out = make_snippet(beyond, ParsedQuery(None, highlights=["法律顾问"]), size=20)
    assert out == "己" * 20 + "…"


# Characters and pieces of a body: a line break, gaps and a separator inside a name.
PIECES = [*"法律顧问顾陈楠㎡m2ＡaB", " ", "\u3000", "\t", "\n", "\x1c", "法律"]
PIECES += ["陈\n楠", "律 顾", "法律\u3000顾问", "陈\x1c楠"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES)).map("".join),
    st.lists(st.sampled_from(["法律顾问", "陈楠", "律顾", "m2", "ab", "a b", "法"]), min_size=1),
)
def test_matches_in_folded_text_are_the_normalised_text_s(text: str, needles: list[str]) -> None:
    """Needles found in the folded text across removable whitespace, with the line-break
    fallback, give exactly the matches of the normalised text mapped back."""
    from searchapp.snippets import _normalised_matches

    wanted = tuple(sorted(set(needles), key=lambda n: (-len(n), n)))
    assert find_matches(text, needles) == _normalised_matches(text, wanted)


def test_windows_take_the_best_matches_and_never_cut_one() -> None:
    """Of many matches, the two windows holding both needles are chosen; their edges fall
    outside every match."""
    from searchapp.snippets import choose_windows

    text = ("甲" * 50 + "管理") * 30 + "乙" * 20 + "管理" + "丙" + "监督" + "丁" * 200
    spans = find_matches(text, ["管理", "监督"])
    windows = choose_windows(text, spans, 2, 40)
    both = text.index("监督")
    assert len(windows) == 2 and any(a <= both < b for a, b in windows)
    for a, b in windows:
        assert all(not (s < a < e or s < b < e) for s, e, _ in spans)
