"""Staff corrections (issue 13): `gazette correct` and the staff site's form write the corrections
file; every index and rebuild applies it; show, facets, exports and the API see the corrected
values; an orphaned correction is reported; bad fields and values are refused with one line."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from indexer.config import Config, StaffConfig, load_config, parse_config
from indexer.errors import ConfigError, QueryError
from indexer.index import store
from indexer.index.correct import correct_document
from indexer.index.reindex import reindex
from indexer.lock import WriterLock
from indexer.metadata.corrections import (
    Corrections,
    check_value,
    load_corrections,
    render_toml,
    update_corrections,
)
from indexer.records import Record
from searchapp import create_app
from tests.conftest import STAFF_PASSWORD, STAFF_USER, login
from tests.helpers import DATA, run_cli, sample_records, write_config, write_jsonl

ISSUE_FILE = "city-issue-2023-4.txt"
# The second document of the city issue: its id is generated from the file's path and 文号.
NUMBER = "某政发〔2023〕11号"
NEW_ISSUER = "某市人民政府人事局"


def make_project(root: Path) -> Path:
    """A project with a gazette issue as text (generated ids) and six JSONL records."""
    (root / "src").mkdir(parents=True)
    shutil.copyfile(DATA / ISSUE_FILE, root / "src" / ISSUE_FILE)
    write_jsonl(root / "src" / "sample.jsonl", sample_records())
    write_config(root, ["src"])
    return root


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def indexed(config: Config) -> dict[str, Record]:
    """Every document of the live index, by id."""
    ix, _, _ = store.open_live(store.Layout(config.index.path))
    with ix.searcher() as searcher:
        found = [store.doc_to_record(f) for f in searcher.all_stored_fields()]
    ix.close()
    return {rec.id: rec for rec in found}


def by_number(config: Config, number: str) -> Record:
    return next(rec for rec in indexed(config).values() if rec.doc_number == number)


def cli_json(*args: str, cwd: Path) -> Any:
    out = run_cli(*args, cwd=cwd)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


# -- the command line, end to end ------------------------------------------------------------
def test_cli_correction_survives_index_and_rebuild(project: Path) -> None:
    assert run_cli("index", cwd=project).returncode == 0
    doc = cli_json("show", NUMBER, "--json", cwd=project)
    old_issuer, doc_id = doc["issuer"], doc["id"]
    assert doc["corrected"] == [] and old_issuer != NEW_ISSUER

    out = run_cli(
        "correct", doc_id, f"issuer={NEW_ISSUER}", "date=2023年11月21日", "page=５", cwd=project
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0].startswith(f"corrected {doc_id}: issuer, date, page (saved")
    assert f"re-indexed src/{ISSUE_FILE}" in out.stdout
    text = (project / "data" / "corrections.toml").read_text(encoding="utf-8")
    assert tomllib.loads(text) == {doc_id: {"issuer": NEW_ISSUER, "date": "2023-11-21", "page": 5}}
    assert re.search(r"^# corrected \d{4}-\d\d-\d\d by .+ \(cli\)$", text, re.M)

    def check_shown() -> None:
        shown = cli_json("show", doc_id, "--json", cwd=project)
        assert (shown["issuer"], shown["date"], shown["page"]) == (NEW_ISSUER, "2023-11-21", 5)
        assert shown["corrected"] == ["issuer", "date", "page"]
        assert old_issuer not in shown["issuers"]

    check_shown()
    again = cli_json("index", "--json", cwd=project)
    assert again["files"]["unchanged"] == 2 and again["notes"] == []
    rebuilt = cli_json("index", "--rebuild", "--json", cwd=project)
    assert rebuilt["ok"] and rebuilt["notes"] == []  # same file, same id: no orphan
    check_shown()

    facets = cli_json("search", "", "--json", cwd=project)["facets"]["issuer"]
    counts = {f["value"]: f["count"] for f in facets}
    assert counts[NEW_ISSUER] == 1 and counts[old_issuer] == 2  # 3 of the issue were its
    out = run_cli("search", "", "--issuer", NEW_ISSUER, "--format", "csv", cwd=project)
    rows = list(csv.DictReader(io.StringIO(out.stdout.lstrip("\ufeff"))))
    assert [(r["id"], r["issuer"], r["date"], r["page"]) for r in rows] == [
        (doc_id, NEW_ISSUER, "2023-11-21", "5")
    ]


def test_removing_a_correction_brings_back_the_extracted_value(project: Path) -> None:
    config = load_config(project / "config.toml")
    reindex(config, jobs=1)
    doc = by_number(config, NUMBER)
    out = run_cli("correct", doc.id, "title=某市人民政府关于张三同志职务的通知", cwd=project)
    assert out.returncode == 0, out.stderr
    assert indexed(config)[doc.id].title == "某市人民政府关于张三同志职务的通知"
    out = run_cli("correct", doc.id, "title=", cwd=project)
    assert out.returncode == 0, out.stderr
    assert "removed corrections: title" in out.stdout
    back = indexed(config)[doc.id]
    assert (back.title, back.corrected) == (doc.title, [])
    assert load_corrections(config.sources.corrections).entries == {}


@pytest.fixture(scope="module")
def indexed_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An indexed project the refusal tests share (they must leave it unchanged)."""
    root = make_project(tmp_path_factory.mktemp("refusals"))
    reindex(load_config(root / "config.toml"), jobs=1)
    return root


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["a1", "colour=红"], 2, "colour: not a field that can be corrected (title, doc_number,"),
        (["a1", "date=2024-02-30"], 2, 'date: "2024-02-30" is not a date'),
        (["a1", "date=明年"], 2, 'date: "明年" is not a date'),
        (["a1", "doc_number=第一号文件"], 2, 'doc_number: "第一号文件" is not a 文号'),
        (["a1", "page=0"], 2, 'page: "0" is not a page number'),
        (["a1", "page=3a"], 2, 'page: "3a" is not a page number'),
        (["a1", "doc_type=Notice"], 2, 'doc_type: "Notice" is not a 文种'),
        (["a1", "issuer"], 2, "issuer: expected FIELD=VALUE"),
        (["no-such-doc", "issuer=某局"], 1, "no document 'no-such-doc' in the index"),
    ],
)
def test_bad_fields_values_and_ids_are_refused_with_one_line(
    indexed_project: Path, args: list[str], code: int, message: str
) -> None:
    out = run_cli("correct", *args, cwd=indexed_project)
    assert out.returncode == code
    assert out.stderr.startswith(f"gazette: {message}") and out.stderr.count("\n") == 1
    assert not (indexed_project / "data" / "corrections.toml").exists()


# -- change detection, orphans, the lock -----------------------------------------------------
def test_editing_the_corrections_file_reindexes_only_that_source(project: Path) -> None:
    config = load_config(project / "config.toml")
    reindex(config, jobs=1)
    path = config.sources.corrections
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[a3]\ndoc_type = "决定"\n', encoding="utf-8")
    report = reindex(config, jobs=1)
    assert (report.count("changed"), report.count("unchanged")) == (1, 1)
    assert [f.source for f in report.files if f.status == "changed"] == ["src/sample.jsonl"]
    assert (indexed(config)["a3"].doc_type, indexed(config)["a3"].corrected) == (
        "决定",
        ["doc_type"],
    )
    assert reindex(config, jobs=1).count("unchanged") == 2
    update_corrections(path, "a3", {"doc_type": None}, "tester")
    assert reindex(config, jobs=1).count("changed") == 1
    assert (indexed(config)["a3"].doc_type, indexed(config)["a3"].corrected) == ("批复", [])


def test_orphaned_corrections_are_reported_and_kept(project: Path) -> None:
    config = load_config(project / "config.toml")
    reindex(config, jobs=1)
    doc = by_number(config, NUMBER)
    update_corrections(config.sources.corrections, doc.id, {"section": "人事任免"}, "tester")
    update_corrections(config.sources.corrections, "gone-doc", {"page": 3}, "tester")
    (project / "src" / ISSUE_FILE).unlink()
    out = run_cli("index", cwd=project)
    assert out.returncode == 0, out.stderr
    notes = [line for line in out.stderr.splitlines() if line.startswith("note: ")]
    assert notes == [
        f"note: {config.sources.corrections}: correction of {name} kept,"
        " but no such document is in the index"
        for name in sorted([doc.id, "gone-doc"])
    ]
    assert set(load_corrections(config.sources.corrections).entries) == {doc.id, "gone-doc"}


def test_a_held_writer_lock_saves_the_correction_for_the_next_index(project: Path) -> None:
    config = load_config(project / "config.toml")
    reindex(config, jobs=1)
    with WriterLock(store.Layout(config.index.path).lock):
        outcome = correct_document(config, "a1", {"issuer": "某区司法局"}, "tester")
    assert outcome.report is None and "another reindex is running" in outcome.pending
    assert indexed(config)["a1"].issuer != "某区司法局"
    assert reindex(config, jobs=1).count("changed") == 1
    assert indexed(config)["a1"].issuer == "某区司法局"


def test_a_broken_corrections_file_stops_the_index_with_one_line(project: Path) -> None:
    (project / "data").mkdir()
    (project / "data" / "corrections.toml").write_text('[a1]\ndate = "2024-13-01"\n', "utf-8")
    out = run_cli("index", cwd=project)
    assert out.returncode == 2
    assert out.stderr.endswith(
        '["a1"] date: "2024-13-01" is not a date (2024-01-26 or 2024年1月26日)\n'
    )
    assert out.stderr.count("\n") == 1


# -- the file itself -------------------------------------------------------------------------
def test_the_file_round_trips_through_tomllib_with_its_stamps(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    update_corrections(path, "宪法-2018", {"title": 'a "quoted" \\ title'}, "alice\nmallory")
    update_corrections(path, "lishi-gazette-2024-1-a6465912", {"page": 7}, "bob", "2024-12-02")
    update_corrections(path, "lishi-gazette-2024-1-a6465912", {"issuer": "某局"}, "carol")
    loaded = load_corrections(path)
    assert loaded.entries == {
        "宪法-2018": {"title": 'a "quoted" \\ title'},
        "lishi-gazette-2024-1-a6465912": {"issuer": "某局", "page": 7},
    }
    assert loaded.stamps["宪法-2018"].endswith("by alice?mallory")
    assert loaded.stamps["lishi-gazette-2024-1-a6465912"].endswith("by carol")
    assert render_toml(loaded) == path.read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".c.toml.tmp*"))


@pytest.mark.parametrize(
    ("field", "raw", "value"),
    [
        ("doc_number", "离政办发（２０２４）1号", "离政办发〔2024〕1号"),
        ("date", "2024-02-29", "2024-02-29"),
        ("date", "二〇二四年三月五日", "2024-03-05"),
        ("page", "70", 70),
        ("doc_type", "实施意见", "实施意见"),
        ("section", " 区政府文件 ", "区政府文件"),
    ],
)
def test_values_are_made_canonical(field: str, raw: str, value: object) -> None:
    assert check_value(field, raw) == value


@pytest.mark.parametrize(
    ("field", "raw"),
    [("date", "2023-02-29"), ("date", "2024-3-5"), ("page", "-1"), ("issuer", "某局\n某处")],
)
def test_values_that_are_not_what_they_say_are_refused(field: str, raw: str) -> None:
    with pytest.raises(QueryError, match=f"^{field}: "):
        check_value(field, raw)


def test_a_hand_edited_file_is_checked_when_read(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[a1]\ncolour = "red"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r'c.toml: \["a1"\] colour: not a field'):
        load_corrections(path)
    path.write_text("a1 = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="expected a table"):
        load_corrections(path)
    assert load_corrections(tmp_path / "missing.toml") == Corrections(tmp_path / "missing.toml")


def test_the_setting_is_a_path_relative_to_the_config_file(tmp_path: Path) -> None:
    assert parse_config("", tmp_path).sources.corrections == tmp_path / "data" / "corrections.toml"
    config = parse_config('[sources]\ncorrections = "fixes/c.toml"\n', tmp_path)
    assert config.sources.corrections == tmp_path / "fixes" / "c.toml"
    with pytest.raises(ConfigError, match=r"sources\.corrections: expected a path string"):
        parse_config("[sources]\ncorrections = 3\n", tmp_path)


def test_apply_sets_the_corrected_list_of_every_record() -> None:
    records = [Record(id="a", issuer="错", issuers=["错", "另一机关"]), Record(id="b")]
    records[1].corrected = ["title"]  # a source cannot claim corrections of its own
    Corrections(Path("c.toml"), {"a": {"issuer": "对", "page": 2}}).apply(records)
    assert (records[0].issuer, records[0].issuers, records[0].page) == ("对", ["对", "另一机关"], 2)
    assert [r.corrected for r in records] == [["issuer", "page"], []]


# -- the staff site --------------------------------------------------------------------------
@pytest.fixture()
def sites(project: Path) -> tuple[Config, FlaskClient, FlaskClient]:
    """The project indexed, and browsers of its staff site (logged in) and public site."""
    config = load_config(project / "config.toml")
    reindex(config, jobs=1)
    users = ((STAFF_USER, generate_password_hash(STAFF_PASSWORD)),)
    staff = create_app(replace(config, staff=StaffConfig(users=users)), staff=True).test_client()
    assert login(staff).status_code == 302
    return config, staff, create_app(config).test_client()


def _form(client: FlaskClient, doc_id: str) -> dict[str, str]:
    """The correction form's fields as the page fills them."""
    page = client.get(f"/doc/{doc_id}").get_data(as_text=True)
    form = page[page.index('class="correction-form"') :]
    return dict(re.findall(r'<input [^>]*?name="([^"]+)" value="([^"]*)"', form))


def test_staff_form_corrects_and_the_page_and_api_mark_it(
    sites: tuple[Config, FlaskClient, FlaskClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The public site is another server: it sees a reindex within CHECK_INTERVAL, at once here.
    monkeypatch.setattr("searchapp.engine.CHECK_INTERVAL", 0.0)
    config, staff, public = sites
    doc = by_number(config, NUMBER)
    form = _form(staff, doc.id)
    assert set(form) == {
        "csrf",
        "title",
        "doc_number",
        "issuer",
        "doc_type",
        "date",
        "section",
        "page",
    }
    assert form["issuer"] == doc.issuer
    answer = staff.post(f"/doc/{doc.id}/correct", data={**form, "issuer": NEW_ISSUER})
    assert answer.status_code == 303 and answer.headers["Location"].endswith(f"/doc/{doc.id}")
    page = staff.get(f"/doc/{doc.id}").get_data(as_text=True)
    assert f"re-indexed src/{ISSUE_FILE}" in page
    assert re.search(rf'{NEW_ISSUER} <span class="badge corrected" data-corrected="issuer"', page)
    assert page.count("已人工校正</span>") == 1
    api = public.get(f"/api/doc/{doc.id}").get_json()
    assert (api["issuer"], api["corrected"]) == (NEW_ISSUER, ["issuer"])
    assert load_corrections(config.sources.corrections).entries == {doc.id: {"issuer": NEW_ISSUER}}
    stamp = load_corrections(config.sources.corrections).stamps[doc.id]
    assert stamp.endswith(f"by {STAFF_USER}")
    # Emptying the corrected field takes the correction back.
    staff.post(f"/doc/{doc.id}/correct", data={**_form(staff, doc.id), "issuer": ""})
    assert public.get(f"/api/doc/{doc.id}").get_json()["issuer"] == doc.issuer
    assert load_corrections(config.sources.corrections).entries == {}


def test_staff_form_refuses_bad_values_and_missing_csrf(
    sites: tuple[Config, FlaskClient, FlaskClient],
) -> None:
    config, staff, _ = sites
    form = _form(staff, "a1")
    bad = staff.post("/doc/a1/correct", data={**form, "date": "2024年13月1日"})
    assert bad.status_code == 400 and "date: " in bad.get_data(as_text=True)
    no_token = staff.post("/doc/a1/correct", data={k: v for k, v in form.items() if k != "csrf"})
    assert no_token.status_code == 400
    wrong = staff.post("/doc/a1/correct", data={**form, "csrf": "forged", "issuer": "某局"})
    assert wrong.status_code == 400
    assert not config.sources.corrections.exists()
    logged_out = create_app(replace(config, staff=StaffConfig()), staff=True).test_client()
    assert logged_out.post("/doc/a1/correct", data=form).status_code == 302  # to the login


def test_public_site_has_no_form_and_refuses_posts(
    sites: tuple[Config, FlaskClient, FlaskClient],
) -> None:
    config, _, public = sites
    page = public.get("/doc/a1").get_data(as_text=True)
    assert "correction-form" not in page and "/correct" not in page and "csrf" not in page
    assert public.post("/doc/a1/correct", data={"issuer": "某局"}).status_code == 404
    assert public.get("/doc/a1/correct").status_code in (404, 405)
    assert not config.sources.corrections.exists()
