from __future__ import annotations

from pathlib import Path

import pytest

from indexer.config import Config, load_config, parse_config
from indexer.errors import ConfigError


def test_defaults_resolve_against_the_config_folder(tmp_path: Path) -> None:
    config = parse_config("", tmp_path)
    assert config.index.path == tmp_path / "data" / "index"
    assert config.sources.paths == (tmp_path / "data" / "gazettes",)
    assert config.web.port == 5000 and config.web.page_size == 20


def test_project_config_file_loads() -> None:
    root = Path(__file__).resolve().parent.parent
    config = load_config(root / "config.toml")
    assert config.index.path == root / "data" / "index"
    assert config.analysis.user_dict == root / "data" / "dict" / "gazette.dict"
    assert config.staff.users == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[web]\nprot = 5000\n", "web.prot: unknown setting"),
        ('[web]\nport = "5000"\n', "web.port: expected an integer"),
        ("[web]\nport = true\n", "web.port: expected an integer"),
        ('[sources]\npaths = "data"\n', "sources.paths: expected a list of paths"),
        ("[search]\nx = 1\n", "search: unknown section"),
        ("[staff]\nusers = {alice = 1}\n", "staff.users: expected a table"),
        ("[web\n", "not valid TOML"),
        ("web = 3\n", "[web]: expected a table"),
    ],
)
def test_bad_settings_are_rejected_with_the_key_named(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_config(text, Path("/tmp"))


def test_config_is_frozen(tmp_path: Path) -> None:
    config = parse_config("", tmp_path)
    with pytest.raises(AttributeError):
        config.web = None  # type: ignore[misc]


def test_environment_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[index]\npath = "idx"\n', encoding="utf-8")
    monkeypatch.setenv("GAZETTE_CONFIG", str(cfg))
    assert load_config().index.path == tmp_path / "idx"
    monkeypatch.setenv("GAZETTE_INDEX", str(tmp_path / "other"))
    assert load_config().index.path == tmp_path / "other"
    assert load_config(index=tmp_path / "cli").index.path == tmp_path / "cli"


def test_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")


def test_missing_default_config_gives_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GAZETTE_CONFIG", raising=False)
    monkeypatch.delenv("GAZETTE_INDEX", raising=False)
    assert isinstance(load_config(), Config)
    assert load_config().index.path == tmp_path / "data" / "index"


def test_index_path_is_not_resolved_through_its_symlink(tmp_path: Path) -> None:
    """The live index is a symlink to a generation; the config must keep the link itself."""
    (tmp_path / "gen").mkdir()
    (tmp_path / "index").symlink_to(tmp_path / "gen")
    (tmp_path / "c.toml").write_text('[index]\npath = "index"\n', encoding="utf-8")
    assert load_config(tmp_path / "c.toml").index.path == tmp_path / "index"
    assert load_config(tmp_path / "c.toml", index=tmp_path / "index").index.path == (
        tmp_path / "index"
    )
