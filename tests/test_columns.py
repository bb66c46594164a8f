"""Two-column pages read one column after the other, and page breaks found in unpaged text."""

from __future__ import annotations

from pathlib import Path

from indexer.extract.pages import Page, load_pages, text_pages
from indexer.extract.textpages import split_at_page_marks
from indexer.parse.lines import flatten
from tests.test_extract import TextItem, make_pdf

SIZE = 12
LEFT_X, RIGHT_X = 60, 310
COLUMN_CHARS = 18  # 18 × 12 pt = 216 pt: a column from 60 to 276, the next from 310 to 526


def _column(x: float, top: float, text: str) -> list[TextItem]:
    """``text`` set in lines of :data:`COLUMN_CHARS` from ``top`` down, every 18 points."""
    lines = [text[i : i + COLUMN_CHARS] for i in range(0, len(text), COLUMN_CHARS)]
    return [(x, top - 18 * k, SIZE, line) for k, line in enumerate(lines)]


LEFT_TEXT = "左栏的第一段文字从这里开始" * 9 + "左栏结束。"
RIGHT_TEXT = "右栏的第二段文字从这里开始" * 9 + "右栏结束。"


def _two_column_page(title: str = "某县人民政府关于两栏排版测试的通知") -> list[TextItem]:
    return [
        (100, 780, 16, title),
        *_column(LEFT_X, 740, LEFT_TEXT),
        *_column(RIGHT_X, 740, RIGHT_TEXT),
        (290, 40, 10, "- 1 -"),
    ]


def _pdf(tmp_path: Path, pages: list[list[TextItem] | str]) -> Path:
    path = tmp_path / "issue.pdf"
    path.write_bytes(make_pdf(pages))
    return path


def test_two_columns_are_read_one_after_the_other(tmp_path: Path) -> None:
    (page,) = load_pages(_pdf(tmp_path, [_two_column_page()]))
    paragraphs = page.text.split("\n\n")
    assert paragraphs == ["某县人民政府关于两栏排版测试的通知", LEFT_TEXT, RIGHT_TEXT]
    assert page.printed == 1


def test_a_page_with_only_its_left_column_follows_the_columns_of_the_file(
    tmp_path: Path,
) -> None:
    """A document ending in the left column with its date alone at the head of the right one:
    the date comes after the text, as the columns have it, not before it as the rows do."""
    last = [*_column(LEFT_X, 740, LEFT_TEXT), (RIGHT_X + 100, 740, SIZE, "2024年3月5日")]
    pages = load_pages(_pdf(tmp_path, [_two_column_page(), _two_column_page(), last]))
    assert pages[2].text.split("\n\n") == [LEFT_TEXT, "2024年3月5日"]


def test_one_column_pages_and_short_cells_are_not_taken_for_columns(tmp_path: Path) -> None:
    full = [(60, 760 - 18 * k, SIZE, "单栏正文" * 9 + "。") for k in range(12)]
    cells = [(60, 500 - 18 * k, SIZE, f"姓名{k}") for k in range(10)]
    cells += [(330, 500 - 18 * k, SIZE, f"职务{k}") for k in range(10)]
    one, table = load_pages(_pdf(tmp_path, [full, cells]))
    assert one.text.count("\n\n") == 0
    # The unruled table stays row by row: each name beside its post.
    assert table.text.split("\n")[:2] == ["姓名0\t职务0", "姓名1\t职务1"]


def test_page_numbers_in_unpaged_text_become_page_breaks() -> None:
    text = "第一页的正文。\n- 1 -\n第二页的正文。\n- 2 -\n第三页的正文。\n- 3 -"
    pages = text_pages(text)
    assert [(p.number, p.printed, p.text) for p in pages] == [
        (1, 1, "第一页的正文。"),
        (2, 2, "第二页的正文。"),
        (3, 3, "第三页的正文。"),
    ]


def test_page_numbers_heading_their_pages_are_read_as_headers() -> None:
    text = "- 5 -\n第五页的正文。\n- 6 -\n第六页的正文。\n第六页还有一行。\n第六页再有一行。"
    assert [(p.printed, p.text[:3]) for p in text_pages(text)] == [(5, "第五页"), (6, "第六页")]


def test_numbers_out_of_sequence_are_text_not_page_breaks() -> None:
    text = "共有三个条件\n3\n第二行\n17\n第三行"
    assert split_at_page_marks(text) == ([text], set())
    assert [p.number for p in text_pages(text)] == [None]


def test_a_footer_inside_a_sentence_breaks_the_page_but_not_the_sentence() -> None:
    text = "第一页。\n-1-\n国家经贸委的报 —2 —告国家经贸委同意。\n-3-"
    pages = text_pages(text)
    assert [p.printed for p in pages] == [1, 2, 3]
    assert pages[2].continues and not pages[1].continues
    lines = flatten(pages)
    assert [(ln.text, ln.page) for ln in lines] == [
        ("第一页。", 0),
        ("国家经贸委的报告国家经贸委同意。", 1),
    ]


def test_a_footer_after_a_date_starts_the_next_document_on_the_next_page() -> None:
    text = "正文。\n-11-\n二〇一九年一月十二日 -12-某县人民政府任免人员\n任命张三为局长。\n-13-"
    pages = text_pages(text)
    assert [p.printed for p in pages] == [11, 12, 13]
    lines = flatten([Page(p.number, p.text, p.printed, True, continues=p.continues) for p in pages])
    assert [(ln.text, ln.page) for ln in lines][1:3] == [
        ("二〇一九年一月十二日", 1),
        ("某县人民政府任免人员", 2),
    ]
