"""``gazette search``, ``show`` and ``serve``, added to the group from :mod:`indexer.cli`.

This module is the console-script entry point (``gazette = searchapp.cli:main``).
"""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Any

import click

from indexer.cli import WholeNumber, cli, common_options, guarded, state
from indexer.errors import QueryError

_CLI_NAMES = {
    "date_from": "--from",
    "date_to": "--to",
    "page_size": "--limit",
    "doc_type": "--type",
    "page": "--page",
    "year": "--year",
}


def _backend(staff: bool) -> Any:
    from searchapp.backend import open_backend

    return open_backend(state().config, staff)


@cli.command("search")
@click.argument("query", required=False, default="")
@click.option("--issuer", multiple=True, help="发文机关 (repeat for several: OR).")
@click.option("--type", "doc_type", multiple=True, help="文种 (repeat for several: OR).")
@click.option("--from", "date_from", default="", metavar="DATE", help="Earliest date, YYYY-MM-DD.")
@click.option("--to", "date_to", default="", metavar="DATE", help="Latest date, YYYY-MM-DD.")
@click.option("--year", multiple=True, help="Year (repeat for several: OR).")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance")
@click.option(
    "--mode",
    type=click.Choice(["words", "exact"]),
    default="words",
    help="words = 模糊 (default), exact = 精确 substring.",
)
@click.option("--scope", type=click.Choice(["all", "title"]), default="all")
@click.option("--page", type=WholeNumber(1), default=1, help="Page number.")
@click.option(
    "--limit", type=WholeNumber(1), default=None, help="Hits per page (default [web] page_size)."
)
@click.option("--json", "as_json", is_flag=True, help="The DESIGN JSON shape.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl"]),
    default=None,
    help="Export every matching document, not just one page.",
)
@click.option("--staff", is_flag=True, help="Include internal documents (local operator).")
@common_options
@guarded
def search_command(
    query: str,
    issuer: tuple[str, ...],
    doc_type: tuple[str, ...],
    date_from: str,
    date_to: str,
    year: tuple[str, ...],
    sort: str,
    mode: str,
    scope: str,
    page: int,
    limit: int | None,
    as_json: bool,
    fmt: str | None,
    staff: bool,
) -> None:
    """Search the index; an empty QUERY lists every document matching the filters."""
    from searchapp.request import parse_params

    config = state().config
    params = {
        "q": [query],
        "issuer": list(issuer),
        "doc_type": list(doc_type),
        "year": list(year),
        "date_from": [date_from],
        "date_to": [date_to],
        "sort": [sort],
        "mode": [mode],
        "scope": [scope],
        "page": [str(page)],
        "page_size": [str(limit or config.web.page_size)],
    }
    try:
        request = parse_params(params, config.web.page_size)
    except QueryError as exc:
        raise QueryError(_CLI_NAMES.get(exc.param, exc.param), str(exc).split(": ", 1)[1]) from None
    searcher = _backend(staff).searcher
    if fmt:
        from searchapp.export import EXPORTS

        for chunk in EXPORTS[fmt].write(searcher.iter_all(request)):
            sys.stdout.write(chunk)
        return
    result = searcher.search(request)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        return
    _print_result(result)


def _print_result(result: Any) -> None:
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    req = result.request
    click.echo(f"共 {result.total} 条 · 第 {req.page}/{result.pages} 页")
    for n, hit in enumerate(result.hits, (req.page - 1) * req.page_size + 1):
        meta = " · ".join(x for x in (hit.doc_number, hit.issuer, hit.doc_type, hit.date) if x)
        click.echo(f"{n:>3}. {hit.title}\n     {meta}  [{hit.id}]")
    if result.zero is not None:
        for term, count in result.zero.terms:
            click.echo(f"     “{term}”: {count} 篇", err=True)
    for facet, values in result.facets.items():
        shown = ", ".join(f"{v.value} {v.count}" for v in values[:10])
        if shown:
            click.echo(f"{facet}: {shown}")


@cli.command("show")
@click.argument("key", metavar="ID_OR_DOC_NUMBER")
@click.option("--json", "as_json", is_flag=True)
@click.option("--staff", is_flag=True, help="Include internal documents (local operator).")
@common_options
@guarded
def show_command(key: str, as_json: bool, staff: bool) -> None:
    """Print one document with its metadata and links."""
    view = _backend(staff).documents.view(key)
    if as_json:
        click.echo(json.dumps(view.to_dict(), ensure_ascii=False, indent=1))
        return
    rec = view.record
    click.echo(rec.title)
    for label, value in (
        ("文号", rec.doc_number),
        ("发文机关", rec.issuer),
        ("文种", rec.doc_type),
        ("成文日期", rec.date),
        ("公报", rec.gazette),
        ("页码", rec.page),
        ("id", rec.id),
        ("来源", rec.source),
    ):
        if value:
            click.echo(f"{label}: {value}")
    for link in view.repealed_by:
        click.echo(f"已废止: {link.doc_number} {link.sentence}")
    click.echo("")
    click.echo(rec.body)


@cli.command("serve")
@click.option("--host", default=None, help="Address to listen on (default [web] host).")
@click.option("--port", type=WholeNumber(1, 65535), default=None, help="Default [web] port.")
@click.option("--threads", type=WholeNumber(1, 64), default=None, help="Threads per process.")
@click.option(
    "--workers",
    type=WholeNumber(1, 64),
    default=1,
    help="Server processes sharing the socket (one per core uses every core).",
)
@click.option("--staff", is_flag=True, help="Serve the staff site (login required).")
@common_options
@guarded
def serve_command(
    host: str | None, port: int | None, threads: int | None, workers: int, staff: bool
) -> None:
    """Serve the search page and the JSON API with a production WSGI server (waitress)."""
    from searchapp import create_app
    from searchapp.serving import serve

    config = state().config
    if workers > 1 and not config.web.secret_key:
        # Every worker must sign staff sessions with the same key, or a login made in one
        # process is unknown to the others.
        import secrets
        from dataclasses import replace

        config = replace(config, web=replace(config.web, secret_key=secrets.token_hex(32)))
    host = host or config.web.host
    port = port or config.web.port
    click.echo(f"serving {'staff' if staff else 'public'} site on http://{host}:{port}/", err=True)
    serve(
        lambda: _warm(create_app(config, staff=staff)),
        host,
        port,
        threads or config.web.threads,
        workers,
    )


def _warm(app: Any) -> Any:
    """The app with its index's phrase keys decoded before it serves (see Engine.keep_warm); an
    index that cannot be opened yet is reported by the pages, not here."""
    from indexer.errors import GazetteError
    from searchapp.webcontext import EXTENSION

    engine = app.extensions[EXTENSION].engine
    if engine is not None:
        with contextlib.suppress(GazetteError, OSError):
            engine.keep_warm()
    return app


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="gazette")


@cli.group("user")
def user_group() -> None:
    """Staff accounts for `gazette serve --staff`."""


@user_group.command("add")
@click.argument("name")
@click.password_option("--password", prompt="Password", help="Prompted for when not given.")
@common_options
@guarded
def user_add_command(name: str, password: str) -> None:
    """Add or replace staff user NAME in the file named by [staff] users_file."""
    from indexer.errors import ConfigError
    from searchapp.staff import add_user

    path = state().config.staff.users_file
    if path is None:
        raise ConfigError("staff.users_file: not set; name the file staff accounts are kept in")
    add_user(path, name, password)
    click.echo(f"saved user {name} in {path}", err=True)
