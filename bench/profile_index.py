"""Where a rebuild's time goes: cProfile of one process indexing the first N laws.

    python bench/profile_index.py [--docs 150] [--top 25]

Runs ``reindex(rebuild=True, jobs=1)`` on a fresh project under ``bench/work`` and prints the
functions with the most time of their own, then by cumulative time. One process, so the profile
sees the analysis and the segment writing that ``--jobs 2`` runs in forked writer processes.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import time

from common import WORK, write_project
from index_bench import corpus


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=150, help="index the first N laws")
    ap.add_argument("--top", type=int, default=25, help="functions to show")
    args = ap.parse_args()
    source = corpus(argparse.Namespace(docs=args.docs, articles=False)).resolve()
    project = WORK / f"profile-{args.docs}"
    shutil.rmtree(project, ignore_errors=True)

    from indexer.config import load_config
    from indexer.index.reindex import reindex

    config = load_config(write_project(project, source))
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.enable()
    report = reindex(config, rebuild=True, jobs=1)
    profile.disable()
    print(f"{report.documents} documents in {time.perf_counter() - start:.2f} s (profiled)")
    stats = pstats.Stats(profile)
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumtime").print_stats(args.top)
    shutil.rmtree(project, ignore_errors=True)


if __name__ == "__main__":
    main()
