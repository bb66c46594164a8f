"""The typed, frozen configuration loaded once from ``config.toml``.

Nothing here runs at import time: :func:`load_config` is called by the CLI or the app factory,
and the resulting :class:`Config` is passed down. Unknown keys and wrong types are rejected with
the key named, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from indexer.errors import ConfigError


def _absolute(root: Path, value: str | Path) -> Path:
    """``value`` made absolute against ``root`` without following symlinks: the index path is
    itself a symlink to the live generation, and must stay the link."""
    return Path(os.path.abspath(root / value))


ENV_CONFIG = "GAZETTE_CONFIG"
ENV_INDEX = "GAZETTE_INDEX"
OCR_MODES = ("auto", "off")
ENV_BACKEND = "GAZETTE_BACKEND"
BACKENDS = ("whoosh", "opensearch")


@dataclass(frozen=True)
class SourcesConfig:
    paths: tuple[Path, ...] = (Path("data/gazettes"),)
    internal_paths: tuple[Path, ...] = ()
    corrections: Path = Path("data/corrections.toml")  # staff corrections, applied on index


@dataclass(frozen=True)
class IndexConfig:
    path: Path = Path("data/index")
    file_timeout: int = 300  # seconds one source file may take to extract
    file_memory_mb: int = 4096  # address-space limit of the process extracting one file
    ocr: str = "auto"  # "auto": read pages without a text layer by OCR; "off": report them

    def __post_init__(self) -> None:
        if self.ocr not in OCR_MODES:
            modes = " or ".join(f'"{m}"' for m in OCR_MODES)
            raise ConfigError(f"index.ocr: expected {modes}, got {self.ocr!r}")


@dataclass(frozen=True)
class BackendConfig:
    """Which engine holds the index: the embedded Whoosh index or an OpenSearch cluster (``url``,
    ``index`` the alias searched, ``shards``/``replicas`` of each new index). Credentials come
    from the environment only (see :mod:`indexer.index.opensearch.client`)."""

    kind: str = "whoosh"
    url: str = "http://127.0.0.1:9200"
    index: str = "gazette"
    shards: int = 1
    replicas: int = 0

    def __post_init__(self) -> None:
        if self.kind not in BACKENDS:
            raise ConfigError(
                f"backend.kind: expected one of {', '.join(BACKENDS)}, got {self.kind!r}"
            )
        if not self.index or self.index != self.index.lower() or not self.index.isascii():
            raise ConfigError(
                f"backend.index: expected a lower-case ASCII name, got {self.index!r}"
            )
        if self.shards < 1:
            raise ConfigError(f"backend.shards: must be at least 1, got {self.shards}")


@dataclass(frozen=True)
class AnalysisConfig:
    user_dict: Path | None = Path("data/dict/gazette.dict")


@dataclass(frozen=True)
class WebConfig:
    host: str = "127.0.0.1"
    port: int = 5000
    page_size: int = 20
    threads: int = 8
    secret_key: str = ""


@dataclass(frozen=True)
class StaffConfig:
    users: tuple[tuple[str, str], ...] = ()
    users_file: Path | None = None
    session_minutes: int = 480


@dataclass(frozen=True)
class Config:
    """Everything configurable, grouped by the stage that uses it."""

    sources: SourcesConfig = field(default_factory=SourcesConfig)
    index: IndexConfig = field(default_factory=IndexConfig)
    analysis: AnalysisConfig = field(default_factory=AnalysisConfig)
    web: WebConfig = field(default_factory=WebConfig)
    staff: StaffConfig = field(default_factory=StaffConfig)
    backend: BackendConfig = field(default_factory=BackendConfig)
    root: Path = Path(".")

    def with_index(self, path: str | Path) -> Config:
        """A copy pointing at another index directory (``--index`` / ``GAZETTE_INDEX``)."""
        return replace(self, index=replace(self.index, path=_absolute(Path.cwd(), path)))

    def with_backend(self, kind: str) -> Config:
        """A copy using another backend (``--backend`` / ``GAZETTE_BACKEND``)."""
        return replace(self, backend=replace(self.backend, kind=kind))


_SECTIONS: dict[str, type] = {
    "sources": SourcesConfig,
    "index": IndexConfig,
    "analysis": AnalysisConfig,
    "web": WebConfig,
    "staff": StaffConfig,
    "backend": BackendConfig,
}


def _convert(key: str, value: Any, kind: str, root: Path) -> Any:
    """Check one TOML value against the declared field type; resolve paths against ``root``."""
    if kind == "tuple[Path, ...]":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{key}: expected a list of paths, got {value!r}")
        return tuple(_absolute(root, v) for v in value)
    if kind in ("Path", "Path | None"):
        if kind == "Path | None" and value in ("", None):
            return None
        if not isinstance(value, str):
            raise ConfigError(f"{key}: expected a path string, got {value!r}")
        return _absolute(root, value)
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{key}: expected an integer, got {value!r}")
        if value < 0:
            raise ConfigError(f"{key}: must not be negative, got {value}")
        return value
    if kind == "str":
        if not isinstance(value, str):
            raise ConfigError(f"{key}: expected a string, got {value!r}")
        return value
    if kind == "tuple[tuple[str, str], ...]":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise ConfigError(f"{key}: expected a table of name = password hash, got {value!r}")
        return tuple(sorted(value.items()))
    raise ConfigError(f"{key}: unsupported setting type {kind}")  # pragma: no cover


def _build_section(name: str, table: Any, root: Path) -> Any:
    cls = _SECTIONS[name]
    if not isinstance(table, dict):
        raise ConfigError(f"[{name}]: expected a table, got {table!r}")
    known = {f.name: f for f in fields(cls)}
    values = {}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"{name}.{key}: unknown setting (known: {', '.join(known)})")
        values[key] = _convert(f"{name}.{key}", value, str(known[key].type), root)
    section = cls(**values)
    # Defaults that are relative paths are relative to the config file too.
    for f in fields(cls):
        if f.name not in values:
            default = getattr(section, f.name)
            if isinstance(default, Path):
                object.__setattr__(section, f.name, _absolute(root, default))
            elif isinstance(default, tuple) and default and isinstance(default[0], Path):
                object.__setattr__(section, f.name, tuple(_absolute(root, p) for p in default))
    return section


def parse_config(text: str, root: Path, origin: str = "config.toml") -> Config:
    """Build a :class:`Config` from TOML text; relative paths resolve against ``root``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}") from None
    unknown = set(data) - set(_SECTIONS)
    if unknown:
        raise ConfigError(f"{sorted(unknown)[0]}: unknown section (known: {', '.join(_SECTIONS)})")
    sections = {name: _build_section(name, data.get(name, {}), root) for name in _SECTIONS}
    return Config(root=_absolute(root, "."), **sections)


def load_config(path: str | Path | None = None, index: str | Path | None = None) -> Config:
    """Load the configuration the CLI and the app use.

    ``path`` defaults to ``$GAZETTE_CONFIG`` or ``./config.toml``; a missing default file gives the
    built-in defaults, a missing explicit file is an error. ``index`` (or ``$GAZETTE_INDEX``)
    overrides ``[index] path``.
    """
    explicit = path is not None or ENV_CONFIG in os.environ
    cfg_path = Path(path if path is not None else os.environ.get(ENV_CONFIG, "config.toml"))
    if cfg_path.is_file():
        try:
            text = cfg_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{cfg_path}: cannot read: {exc}") from None
        config = parse_config(text, cfg_path.resolve().parent, str(cfg_path))
    elif explicit:
        raise ConfigError(f"{cfg_path}: config file not found")
    else:
        config = parse_config("", Path.cwd())
    index = index if index is not None else os.environ.get(ENV_INDEX)
    config = config.with_index(index) if index else config
    backend = os.environ.get(ENV_BACKEND)
    return config.with_backend(backend) if backend else config
