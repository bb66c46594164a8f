"""The README documents every command, option, setting and search parameter (a new one without
documentation fails here)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click
import pytest

from indexer.config import Config
from searchapp.cli import cli
from tests.helpers import SEARCH_PARAMS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        found.append((prefix + name, command))
        if isinstance(command, click.Group):
            found += _commands(command, f"{prefix}{name} ")
    return found


@pytest.mark.parametrize(("name", "command"), _commands(cli))
def test_every_command_and_option_is_documented(name: str, command: click.Command) -> None:
    assert f"`gazette {name}" in README, name
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            longest = max(param.opts, key=len)
            assert longest in README, f"gazette {name} {longest}"


@pytest.mark.parametrize(
    "key",
    [
        f"{section.name}.{f.name}"
        for section in dataclasses.fields(Config)
        if section.name != "root"
        for f in dataclasses.fields(section.default_factory())  # type: ignore[misc]
    ],
)
def test_every_setting_is_documented(key: str) -> None:
    assert f"`{key}`" in README, key


@pytest.mark.parametrize("param", SEARCH_PARAMS)
def test_every_search_parameter_is_documented(param: str) -> None:
    assert f"`{param}`" in README, param


@pytest.mark.parametrize(
    "route",
    [
        "/search",
        "/doc/<id>",
        "/source/<id>",
        "/api/search",
        "/api/doc/<id>",
        "/export.csv",
        "/export.jsonl",
        "/opensearch.xml",
        "/feed.atom",
        "/healthz",
        "/login",
        "/logout",
    ],
)
def test_every_route_is_documented(route: str) -> None:
    assert f"`{route}`" in README, route
