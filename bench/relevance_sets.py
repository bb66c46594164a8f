"""The query sets ``bench/relevance.py`` runs: what each one indexes and how its judgements name
documents.

* ``seed``  ``tests/data/queries.json`` over the seed gazette issue and ``laws-sample.jsonl``; a
            judgement is a 文号 or, for a document without one, its exact title.
* ``zoo``   ``bench/queries_zoo.py`` over the layout zoo (``bench/zoo/out``): every issue's PDF
            and, for the issues with the OCR trait, the text as OCR read it. A judgement is a
            key of the zoo's truth files (a 文号, or a title where there is none); the product's
            records are tied to truth documents the way ``bench/extraction.py`` ties them (one to
            one, by 文号, else by title), so every system answers with ids the judgements know.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from extraction import load_truth, match, norm_title, number_key  # noqa: E402
from queries_zoo import QUERIES as ZOO_QUERIES  # noqa: E402
from relevance import (  # noqa: E402
    CORPUS,
    FEATURE_KINDS,
    RANKING_KINDS,
    ROOT,
    Score,
    build_product,
    evaluate,
    run_all,
    score,
    slice_queries,
    with_phrase_words,
)

from indexer.analysis import normalise  # noqa: E402
from indexer.recognise.docnum import canonical_doc_number  # noqa: E402
from indexer.records import Record  # noqa: E402

SEED = CORPUS / "seed" / "lishi-gazette-2024-1.txt"
LAWS = CORPUS / "laws-sample.jsonl"
DEFAULT_QUERIES = ROOT / "tests" / "data" / "queries.json"
ZOO = ROOT / "bench" / "zoo" / "out"
SETS = ("seed", "zoo")
# (queries, every system's score and run, the kinds reported in each group)
SetRun = tuple[list[dict[str, Any]], dict[str, tuple[Score, dict[str, Any]]], dict[str, Any]]
Truths = dict[str, list[dict[str, Any]]]
KeyIndex = dict[str, list[tuple[str, int]]]


def groups_of(queries: list[dict[str, Any]]) -> dict[str, Any]:
    """Ranking kinds, feature kinds, and any kind that is neither (shown apart)."""
    other = sorted({q["kind"] for q in queries} - {*RANKING_KINDS, *FEATURE_KINDS})
    return {"ranking": RANKING_KINDS, "feature": FEATURE_KINDS, "other": other}


# ---------------------------------------------------------------------------- the seed set


def select_laws(queries: list[dict[str, Any]], laws: int, path: Path = LAWS) -> list[str]:
    """Lines of ``path``: every law a query expects and the first ``laws`` others."""
    wanted = {e for q in queries for e in q["expect"]}
    wanted |= {normalise(e) for e in wanted}
    keep, others = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        names = {row.get("title", ""), normalise(row.get("title", ""))}
        if row.get("doc_number"):
            names.add(canonical_doc_number(row["doc_number"]) or row["doc_number"])
        if names & wanted or others < laws:
            others += not names & wanted
            keep.append(line)
    return keep


def query_set_sources(queries: list[dict[str, Any]], laws: int, where: Path) -> dict[str, Path]:
    """The seed gazette and the law sample (or the part of it ``laws`` selects)."""
    for path in (SEED, LAWS):
        if not path.is_file():
            sys.exit(f"relevance corpus missing: {path}")
    if laws < 0:
        return {SEED.name: SEED, LAWS.name: LAWS}
    where.mkdir(parents=True, exist_ok=True)
    subset = where / f"laws-{laws}.jsonl"
    subset.write_text("\n".join(select_laws(queries, laws)) + "\n", encoding="utf-8")
    return {SEED.name: SEED, subset.name: subset}


def run_seed(args: argparse.Namespace, where: Path, systems: list[str]) -> SetRun:
    """The seed set (``--queries``) on every system."""
    queries = with_phrase_words(json.loads(args.queries.read_text(encoding="utf-8")))
    if args.slice:
        queries = slice_queries(queries, args.slice)
    sources = query_set_sources(queries, args.laws, where)
    product, results = evaluate(queries, sources, where, systems, args.jobs)
    print(f"{len(queries)} queries over {len(product.records)} records ({', '.join(sources)})")
    return queries, results, groups_of(queries)


# ---------------------------------------------------------------------------- the zoo set


def zoo_dir(given: Path, where: Path) -> Path:
    """``given`` when it holds the zoo's truth files, else the zoo made afresh in ``where``
    (``bench/zoo/out`` is generated, not kept in the repository)."""
    if any(given.glob("*.truth.json")):
        return given
    if str(HERE / "zoo") not in sys.path:
        sys.path.insert(0, str(HERE / "zoo"))
    from make_zoo import make_zoo

    out = where / "zoo-out"
    if not any(out.glob("*.truth.json")):
        print(f"no zoo in {given}: making it in {out}", flush=True)
        make_zoo(out)
    return out


def zoo_sources(zoo: Path) -> dict[str, Path]:
    """The zoo's PDFs and OCR texts, named as they are linked into the project. The texts go in
    a folder of their own: beside their PDF they would get the PDF's ids, and the product keeps
    one file of two with the same ids."""
    sources = {p.name: p for p in sorted(zoo.glob("*.pdf"))}
    sources |= {f"ocr/{p.name}": p for p in sorted(zoo.glob("*.txt"))}
    return {name: path for name, path in sources.items() if truth_file(path).is_file()}


def truth_file(source: Path) -> Path:
    return source.with_name(f"{source.stem}.truth.json")


def load_truths(zoo: Path) -> Truths:
    """Each zoo issue's truth documents, by issue name."""
    return {p.name.removesuffix(".truth.json"): load_truth(p)[0] for p in zoo.glob("*.truth.json")}


def key_index(truths: Truths) -> KeyIndex:
    """Each truth document under the key a judgement names it by: its 文号 (any printed form
    compares equal), or its title when it has none."""
    index: KeyIndex = defaultdict(list)
    for issue, docs in truths.items():
        for i, doc in enumerate(docs):
            index[_key(doc["doc_number"], doc["title"])].append((issue, i))
    return index


def _key(doc_number: str, title: str) -> str:
    return f"文号 {number_key(doc_number)}" if doc_number else f"title {norm_title(title)}"


def resolve(key: str, index: KeyIndex) -> list[tuple[str, int]]:
    """(issue, index) of every truth document ``key`` names: one document, every printing."""
    return [*index.get(_key(key, ""), []), *index.get(_key("", key), [])]


def judgement_problems(queries: list[dict[str, Any]], truths: Truths) -> list[str]:
    """Keys that name no truth document or more than one: documents of different titles, or
    two of one issue (an issue prints a document once; its 公告s share a title)."""
    index = key_index(truths)
    problems = []
    for key in sorted({k for q in queries for k in q["expect"]}):
        found = resolve(key, index)
        titles = {norm_title(truths[issue][i]["title"]) for issue, i in found}
        issues = {issue for issue, _ in found}
        if len(titles) != 1 or len(issues) != len(found):
            problems.append(f"{key}: {len(found)} documents in {len(issues)} issues")
    return problems


def truth_of_records(records: list[Record], truths: Truths) -> dict[str, tuple[str, int]]:
    """Record id → (issue, index) of the truth document it is, matched per source file."""
    by_source: dict[str, list[Record]] = defaultdict(list)
    for rec in records:
        by_source[rec.source].append(rec)
    found = {}
    for source, recs in by_source.items():
        issue = Path(source).stem
        for t, r in match(truths.get(issue, []), recs):
            found[recs[r].id] = (issue, t)
    return found


def judge(
    queries: list[dict[str, Any]], records: list[Record], truths: Truths
) -> list[dict[str, Any]]:
    """The queries with ``ids``: the records that are the documents each one expects (queries
    that expect nothing keep no ``ids``)."""
    of_record = truth_of_records(records, truths)
    index = key_index(truths)
    judged = []
    for q in queries:
        if q["expect"]:
            wanted = {doc for key in q["expect"] for doc in resolve(key, index)}
            q = {**q, "ids": sorted(i for i, doc in of_record.items() if doc in wanted)}
        judged.append(q)
    return judged


def run_zoo(args: argparse.Namespace, where: Path, systems: list[str]) -> SetRun:
    """The zoo set on every system."""
    zoo = zoo_dir(args.zoo, where)
    truths = load_truths(zoo)
    queries = with_phrase_words(list(ZOO_QUERIES))
    if args.slice:
        queries = slice_queries(queries, args.slice)
    problems = judgement_problems(queries, truths)
    if problems:
        sys.exit("zoo judgements that name no single document: " + "; ".join(problems))
    sources = zoo_sources(zoo)
    product = build_product(where / "ours", sources, args.jobs)
    queries = judge(queries, product.records, truths)
    runs = run_all(product, queries, where, systems, args.jobs)
    by_id = {rec.id: rec for rec in product.records}
    results = {name: (score(queries, run["ranked"], by_id), run) for name, run in runs.items()}
    lost = [q["q"] for q in queries if "ids" in q and not q["ids"]]
    print(
        f"{len(queries)} zoo queries over {len(product.records)} records"
        f" ({len(sources)} files of {len(truths)} issues in {zoo})"
        + (f"; no record for the documents of {lost}" if lost else "")
    )
    return queries, results, groups_of(queries)


RUNS = {"seed": run_seed, "zoo": run_zoo}
