"""The ``gazette`` command group and the operators' commands: index, inspect, stats.

``searchapp.cli`` adds search, show and serve to this same group and is the console-script entry
point, so ``indexer`` never imports ``searchapp``. Every command is a few lines over a library
function; errors become one line on stderr and an exit code: 0 ok, 1 some input failed, 2 usage,
3 the index must be built or rebuilt (`make run` rebuilds only then), 130 interrupted.
"""

from __future__ import annotations

import functools
import json
import shutil
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from indexer.config import Config, load_config
from indexer.errors import (
    AnalysisMismatchError,
    ConfigError,
    ExtractionError,
    GazetteError,
    IndexMissingError,
    IndexUnreadableError,
    QueryError,
)
from indexer.interrupt import first_interrupt_only
from indexer.names import display_name
from indexer.numbers import MAX_WHOLE, parse_whole

F = TypeVar("F", bound=Callable[..., Any])
EXIT_FAILED, EXIT_USAGE, EXIT_REBUILD, EXIT_INTERRUPTED = 1, 2, 3, 130


class State:
    """What the group's options leave for the commands (config is loaded lazily, once)."""

    def __init__(self) -> None:
        self.config_path: str | None = None
        self.index_path: str | None = None
        self.backend: str | None = None
        self.debug = False
        self.json_errors = False  # failures also as a JSON object on stdout (`index --json`)
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path, self.index_path)
            if self.backend:
                self._config = self._config.with_backend(self.backend)
        return self._config


def _set_state(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    state = ctx.ensure_object(State)
    if value is not None and value is not False:
        setattr(
            state,
            {"config": "config_path", "index": "index_path"}.get(
                param.name or "", param.name or ""
            ),
            value,
        )
    return value


def common_options(func: F) -> F:
    """``--config``, ``--index`` and ``--debug``, accepted before or after the command name."""
    opts = [
        click.option(
            "--config",
            "config",
            metavar="FILE",
            expose_value=False,
            callback=_set_state,
            help="Config file (default ./config.toml, env GAZETTE_CONFIG).",
        ),
        click.option(
            "--index",
            "index",
            metavar="DIR",
            expose_value=False,
            callback=_set_state,
            help="Index directory (overrides [index] path, env GAZETTE_INDEX).",
        ),
        click.option(
            "--backend",
            "backend",
            type=click.Choice(["whoosh", "opensearch"]),
            expose_value=False,
            callback=_set_state,
            help="Search engine (overrides [backend] kind, env GAZETTE_BACKEND).",
        ),
        click.option(
            "--debug",
            is_flag=True,
            expose_value=False,
            callback=_set_state,
            help="Show tracebacks.",
        ),
    ]
    for opt in reversed(opts):
        func = opt(func)
    return func


def fail(message: str, code: int = 1) -> None:
    """Print one line on stderr and exit."""
    click.echo(f"gazette: {message}", err=True)
    sys.exit(code)


class Interrupted(GazetteError):
    """Ctrl-C, with what it left behind (``interrupted; the index is unchanged``)."""


def describe_failure(exc: BaseException) -> tuple[str, int]:
    """The one line and the exit code for an error that ends a command."""
    if isinstance(exc, ConfigError | QueryError):
        return str(exc), EXIT_USAGE
    if isinstance(exc, AnalysisMismatchError | IndexMissingError | IndexUnreadableError):
        return str(exc), EXIT_REBUILD
    if isinstance(exc, Interrupted):
        return str(exc), EXIT_INTERRUPTED
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted", EXIT_INTERRUPTED
    if isinstance(exc, OSError):
        where = f"{display_name(exc.filename)}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}", EXIT_FAILED
    return str(exc), EXIT_FAILED


def guarded(func: F) -> F:
    """Turn library errors into one line and an exit code; tracebacks only with ``--debug``.

    A command that set ``state().json_errors`` also gets the error on stdout as
    ``{"ok": false, "error": …, "exit_code": …}``, so a script reading its JSON always gets an
    object.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        state = click.get_current_context().ensure_object(State)
        try:
            return func(*args, **kwargs)
        except (GazetteError, OSError, KeyboardInterrupt) as exc:
            if not isinstance(exc, KeyboardInterrupt | Interrupted):
                _maybe_trace(state)
            message, code = describe_failure(exc)
            if state.json_errors:
                failure = {"ok": False, "error": message, "exit_code": code}
                click.echo(json.dumps(failure, ensure_ascii=False))
            fail(message, code)

    return wrapper  # type: ignore[return-value]


class OneLineError(click.BadParameter):
    """A bad option value as one line (``gazette: --page: …``), like every other error, instead
    of click's usage text; still exit 2."""

    def show(self, file: Any = None) -> None:
        click.echo(f"gazette: {self.message}", err=True)


if TYPE_CHECKING:
    _IntParamType = click.ParamType[int]
else:  # click before 8.2 has no type parameters at run time
    _IntParamType = click.ParamType


class WholeNumber(_IntParamType):
    """An option's whole number, parsed by :func:`indexer.numbers.parse_whole` as the web's
    are: ASCII digits only, within ``lo``–``hi`` (click's INT takes ``٣`` and ``1_000``)."""

    name = "integer"

    def __init__(self, lo: int = 0, hi: int = MAX_WHOLE) -> None:
        self.lo, self.hi = lo, hi

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):  # a default
            return value
        name = max(param.opts, key=len) if param else "value"
        try:
            return parse_whole(name, str(value), lo=self.lo, hi=self.hi)
        except QueryError as exc:
            raise OneLineError(str(exc), ctx, param) from None


def _maybe_trace(state: State) -> None:
    if state.debug:
        traceback.print_exc()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@common_options
@click.version_option(package_name="gazette-search")
def cli() -> None:
    """gazette-search: full-text search for Chinese government gazettes."""


def state() -> State:
    return click.get_current_context().ensure_object(State)


class ProgressBar:
    """A one-line progress display on a terminal: files, documents, MB/s, OCR'd pages."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.monotonic()
        self.width = shutil.get_terminal_size((80, 20)).columns

    def __call__(self, p: Any) -> None:
        if not self.enabled:
            return
        if p.phase == "read":
            elapsed = max(time.monotonic() - self.started, 1e-6)
            rate = p.bytes_done / elapsed / 1e6
            bar = _bar(p.files_done, p.files_total)
            ocr = f"{p.ocr} · " if p.ocr else ""  # OCR'd pages, so a long scan shows it moves
            line = (
                f"reading {bar} {p.files_done}/{p.files_total} files · {p.documents} docs · "
                f"{rate:.2f} MB/s · {ocr}{p.current}"
            )
        elif p.phase == "commit":
            line = f"committing {p.documents} docs (writing the index) …"
        else:
            bar = _bar(p.documents, p.files_total)
            line = f"indexing {bar} {p.documents}/{p.files_total} docs"
        click.echo("\r" + line[: self.width - 1].ljust(self.width - 1), nl=False, err=True)

    def close(self) -> None:
        if self.enabled:
            click.echo("\r" + " " * (self.width - 1) + "\r", nl=False, err=True)


def _bar(done: int, total: int, width: int = 20) -> str:
    filled = int(width * done / total) if total else width
    return "[" + "#" * filled + "." * (width - filled) + "]"


@cli.command("index")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rebuild", is_flag=True, help="Build a new index beside the live one and swap.")
@click.option("--jobs", type=WholeNumber(1, 64), default=None, help="Worker processes.")
@click.option("--internal", is_flag=True, help="Mark the given files as internal (staff only).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable summary, no progress.")
@click.option("--no-ocr", is_flag=True, help="Report scanned pages instead of reading them by OCR.")
@common_options
@guarded
def index_command(
    paths: tuple[Path, ...],
    rebuild: bool,
    jobs: int | None,
    internal: bool,
    as_json: bool,
    no_ocr: bool,
) -> None:
    """Index .pdf, .txt and .jsonl files or folders (default: [sources] in config)."""
    from dataclasses import replace

    from indexer.index.reindex import reindex

    state().json_errors = as_json
    if state().config.backend.kind == "opensearch":
        from indexer.index.opensearch.reindex import reindex_opensearch as reindex

    config = state().config
    if no_ocr:
        config = replace(config, index=replace(config.index, ocr="off"))
    bar = ProgressBar(enabled=not as_json and sys.stderr.isatty())
    try:
        with first_interrupt_only():  # a second Ctrl-C cannot cut the cleanup short
            report = reindex(
                config,
                list(paths) or None,
                rebuild=rebuild,
                jobs=jobs,
                internal=internal,
                progress=bar,
            )
    except KeyboardInterrupt:
        # A rebuild removes its unfinished generation and an update cancels its writer: the
        # live index is as it was (see indexer.index.reindex).
        raise Interrupted("interrupted; the index is unchanged") from None
    finally:
        bar.close()
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        _print_report(report)
    if not report.ok:
        sys.exit(1)


def _print_report(report: Any) -> None:
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    for f in report.failed:
        click.echo(f"failed: {display_name(f.source)}: {display_name(f.error)}", err=True)
    for f in report.warned:
        for warning in f.warnings:
            click.echo(f"warning: {display_name(f.source)}: {display_name(warning)}", err=True)
    counts = ", ".join(
        f"{report.count(s)} {s}" for s in ("added", "changed", "unchanged", "removed", "failed")
    )
    verb = "rebuilt" if report.rebuilt else "updated"
    click.echo(
        f"{verb}: files {counts}; {report.documents} documents in index; {report.seconds:.2f} s"
    )
    click.echo(f"review: {report.review} of the documents read need review (see gazette inspect)")


@cli.command("inspect")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="All fields as a JSON array.")
@common_options
@guarded
def inspect_command(file: Path, as_json: bool) -> None:
    """Show how FILE splits into documents, with their metadata; the index is untouched."""
    from indexer.index.reindex import ocr_options
    from indexer.index.sources import load_records, source_key, special_file

    problem = special_file(file)
    if problem:
        raise ExtractionError(file, problem)
    warnings: list[str] = []
    ocr = ocr_options(state().config, jobs=1, files=1)  # the index's OCR cache, read and filled
    records = load_records(file, source_key(file, Path.cwd()), warnings=warnings, ocr=ocr)
    for warning in warnings:
        click.echo(f"warning: {display_name(file)}: {warning}", err=True)
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in records], ensure_ascii=False, indent=1))
    else:
        _print_records(file, records)
    if warnings:
        sys.exit(1)


def _print_records(file: Path, records: list[Any]) -> None:
    click.echo(f"{len(records)} documents in {display_name(file)}")
    click.echo("page  文号                     文种  date        issuer / title")
    for r in records:
        page = "" if r.page is None else str(r.page)
        click.echo(
            f"{page:>4}  {_pad(r.doc_number, 24)} {_pad(r.doc_type, 4)} {r.date or '-':10}  "
            f"{r.issuer or '-'} / {r.title}"
        )
        if r.review:
            click.echo(f"      review: {'; '.join(r.review)}")


def _pad(text: str, width: int) -> str:
    """Pad to a display width, counting wide (CJK) characters as two columns."""
    import unicodedata

    cols = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - cols, 0)


def whoosh_only(command: str) -> None:
    """Refuse, in one line, a command the OpenSearch backend does not serve yet."""
    if state().config.backend.kind != "whoosh":
        raise ConfigError(
            f"{command} works on the whoosh backend only for now; run it with --backend whoosh"
            " (OpenSearch serves `gazette index`, `search`, `show`, `stats` and `serve`)"
        )


@cli.command("stats")
@click.option("--json", "as_json", is_flag=True)
@common_options
@guarded
def stats_command(as_json: bool) -> None:
    """Documents, sources and facets of the index, and how it was built."""
    if state().config.backend.kind == "opensearch":
        from indexer.index.opensearch.stats import opensearch_stats as index_stats
    else:
        from indexer.index.stats import index_stats
    stats = index_stats(state().config)
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False, indent=1))
        return
    click.echo(f"index:      {stats['path']} ({stats['size_mb']:.1f} MB)")
    click.echo(
        f"built:      {stats['built_at']} with {stats['segmenter']}, "
        f"user dictionary {stats['user_dict_sha1'][:10]} ({stats['user_words']} words)"
    )
    click.echo(
        f"documents:  {stats['documents']} ({stats['visibility'].get('internal', 0)} internal)"
        f" from {stats['sources']} source files"
    )
    for name in ("doc_type", "year", "issuer"):
        top = ", ".join(f"{v} {c}" for v, c in stats[name][:8])
        click.echo(f"{name + ':':11} {top}")


@cli.command("correct")
@click.argument("doc_id", metavar="ID")
@click.argument("assignments", nargs=-1, required=True, metavar="FIELD=VALUE...")
@click.option("--no-reindex", is_flag=True, help="Only save; the next `gazette index` applies it.")
@common_options
@guarded
def correct_command(doc_id: str, assignments: tuple[str, ...], no_reindex: bool) -> None:
    """Correct fields of document ID (title, doc_number, issuer, doc_type, date, section, page);
    FIELD= removes that field's correction. Saved in [sources] corrections, then the
    document's source is re-indexed."""
    import getpass

    from indexer.index.correct import correct_document
    from indexer.metadata.corrections import parse_assignments

    whoosh_only("gazette correct")

    changes = parse_assignments(assignments)
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    outcome = correct_document(
        state().config, doc_id, changes, f"{user} (cli)", reindex_source=not no_reindex
    )
    for note in outcome.report.notes if outcome.report else ():
        click.echo(f"note: {note}", err=True)
    for line in outcome.summary():
        click.echo(line)
    if not outcome.ok:
        sys.exit(1)
