"""The HTML side: the search page, document pages, original files, exports, feed, OpenSearch.

Each view is a few lines over the library (:mod:`searchapp.search`, :mod:`searchapp.documents`);
what a page shows beyond the result itself is computed in :mod:`searchapp.pageview`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)

from indexer.errors import ExtractionError, NotFoundError
from searchapp import pageview
from searchapp.request import FACETS
from searchapp.search import SearchResult
from searchapp.webcontext import search_request, services
from searchapp.weberrors import error_response
from searchapp.webexport import export_response

bp = Blueprint("web", __name__)

FEED_SIZE = 20
# werkzeug adds "; charset=utf-8" to text types.
SOURCE_TYPES = {".pdf": "application/pdf", ".txt": "text/plain"}
# A page image is rendered anew on each request (a tenth of a second); a browser keeps it a day.
PAGE_IMAGE_MAX_AGE = 86_400


@bp.get("/", endpoint="home")
@bp.get("/search", endpoint="search")
def search_page() -> str:
    """The search page; with no words it browses every matching document, newest first."""
    return render_search(services().searcher.search(search_request()))


def render_search(result: SearchResult) -> str:
    links = pageview.Links(result.request, url_for("web.search"), services().config.web.page_size)
    return render_template(
        "search.html",
        result=result,
        req=result.request,
        links=links,
        chips=pageview.chips(links),
        pages=pageview.page_numbers(result.request.page, result.pages),
        hist=pageview.histogram(result, links),
        zero=pageview.zero_view(result, links),
        facet_names=FACETS,
        facet_labels=pageview.FACET_LABELS,
        facet_visible=pageview.FACET_VISIBLE,
        sort_labels=pageview.SORT_LABELS,
        export_csv=links.url_at(url_for("web.export", fmt="csv"), {}),
        export_jsonl=links.url_at(url_for("web.export", fmt="jsonl"), {}),
    )


@bp.get("/doc/<doc_id>")
def document(doc_id: str) -> Any:
    """One document with its links; a 文号 in the URL redirects to the document's id."""
    view = services().documents.view(doc_id)
    if view.record.id != doc_id:
        return redirect(url_for("web.document", doc_id=view.record.id))
    rec = view.record
    source_url = page_image_url = ""
    if Path(rec.source).suffix.lower() in SOURCE_TYPES:
        source_url = url_for("web.source", doc_id=rec.id) + pageview.source_fragment(
            rec.source, rec.pdf_page
        )
    if rec.ocr and rec.pdf_page and rec.source.lower().endswith(".pdf"):
        # The text was read by OCR: the printed page lets the reader check it.
        page_image_url = url_for("web.page_image", doc_id=rec.id, number=str(rec.pdf_page))
    return render_template(
        "document.html",
        doc=view,
        rec=rec,
        blocks=pageview.body_blocks(rec.body),
        source_url=source_url,
        page_image_url=page_image_url,
        # Corrections re-index through the embedded index; OpenSearch does not take them yet.
        correction=pageview.correction_inputs(rec)
        if services().engine and services().staff
        else [],
    )


@bp.post("/doc/<doc_id>/correct")
def correct(doc_id: str) -> Any:
    """The staff site's correction form: save the changed fields in the corrections file and
    re-index the document's source (see :mod:`indexer.index.correct`). Not on the public site."""
    svc = services()
    if not svc.staff or svc.engine is None:
        raise NotFoundError("no such page")
    from searchapp.auth import csrf_ok

    if not csrf_ok():
        return error_response(
            400, "表单已过期，请刷新页面后重新提交（CSRF token missing or wrong）"
        )
    rec = svc.documents.record(doc_id)
    changes = pageview.form_changes(rec, request.form)
    if not changes:
        flash("未作修改（nothing changed）")
    else:
        from indexer.index.correct import correct_document

        outcome = correct_document(svc.config, rec.id, changes, str(session.get("user", "")))
        svc.engine.refresh()
        for line in outcome.summary():
            flash(line)
    return redirect(url_for("web.document", doc_id=rec.id), code=303)


def source_path(root: Path, source: str) -> Path:
    """The original file of an indexed document, if it is still there and of a servable type.

    The path comes from the index, never from the request; relative sources must stay inside
    the project root, absolute ones (indexed from elsewhere) must be exactly what was indexed.
    """
    stored = Path(source)
    if stored.suffix.lower() not in SOURCE_TYPES:
        raise NotFoundError("no original file for this document")
    path = (root / stored).resolve()
    allowed = path == stored if stored.is_absolute() else path.is_relative_to(root.resolve())
    if not (allowed and path.is_file()):
        raise NotFoundError("the original file is no longer available")
    return path


@bp.get("/source/<doc_id>")
def source(doc_id: str) -> Any:
    """The original PDF or text file of a document, shown inline."""
    svc = services()
    rec = svc.documents.record(doc_id)
    path = source_path(svc.config.root, rec.source)
    return send_file(
        path, mimetype=SOURCE_TYPES[path.suffix.lower()], download_name=path.name, conditional=True
    )


@bp.get("/doc/<doc_id>/page/<number>.png")
def page_image(doc_id: str, number: str) -> Any:
    """Page ``number`` of a document's original PDF as an image, seen by whoever may see the
    document and its original file (:func:`source`); for a scanned page, what OCR read."""
    if not (number.isascii() and number.isdigit() and len(number) <= 6):
        raise NotFoundError("no such page")
    svc = services()
    rec = svc.documents.record(doc_id)
    path = source_path(svc.config.root, rec.source)
    if path.suffix.lower() != ".pdf":
        raise NotFoundError("the original file is not a PDF: it has no page images")
    from indexer.extract.ocr import page_image as render_page

    try:
        png = render_page(path, int(number))
    except ExtractionError as exc:
        raise NotFoundError(f"第 {int(number)} 页无法显示（{exc.reason}）") from None
    response = Response(png, mimetype="image/png")
    response.cache_control.max_age = PAGE_IMAGE_MAX_AGE
    # Staff pages (internal documents among them) are kept out of shared caches.
    if svc.staff or rec.visibility != "public":
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    return response


@bp.get("/export.<fmt>")
def export(fmt: str) -> Response:
    """The whole filtered result list (every page) as a download."""
    return export_response(fmt)


def _atom_day(date: str) -> str:
    """``2024-03-05`` as it is, ``2024-03`` as ``2024-03-01``: Atom needs a whole day."""
    return f"{date}-01" if len(date) == 7 else date


@bp.get("/feed.atom")
def feed() -> Response:
    """The newest documents (optionally those matching ``q`` and the filters), as Atom."""
    request = search_request(sort="date", page="1", page_size=str(FEED_SIZE))
    result = services().searcher.search(request)
    # A date printed at month precision (YYYY-MM) stands for the first of its month in Atom.
    updated = max((_atom_day(h.date) for h in result.hits if h.date), default="1970-01-01")
    params = [(k, v) for k, v in result.request.to_params() if k != "sort"]
    self_url = url_for("web.feed", _external=True) + (f"?{urlencode(params)}" if params else "")
    body = render_template(
        "feed.xml", result=result, updated=updated, self_url=self_url, atom_day=_atom_day
    )
    return Response(body, content_type="application/atom+xml; charset=utf-8")


@bp.get("/opensearch.xml")
def opensearch() -> Response:
    """Lets browsers add the site as a search engine."""
    body = render_template("opensearch.xml")
    return Response(body, content_type="application/opensearchdescription+xml; charset=utf-8")
