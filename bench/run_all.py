"""``make bench``: the quick versions of every benchmark, one after another.

python bench/run_all.py [--quick]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small corpora and short runs")
    args = ap.parse_args()
    quick = ["--docs", "300"] if args.quick else []
    web = ["--seconds", "10" if args.quick else "60", "--textbook", "--during-rebuild"]
    steps = [
        ["extract_bench.py"],
        ["index_bench.py", *quick],
        ["query_bench.py", *quick, *(["--fragments", "50"] if args.quick else [])],
        ["web_bench.py", *quick, *web],
        ["relevance.py"],
    ]
    failed = 0
    for step in steps:
        script = HERE / step[0]
        if not script.is_file():
            print(f"skipped: {step[0]} (not present)")
            continue
        print(f"\n=== {' '.join(step)}", flush=True)
        failed += (
            subprocess.run([sys.executable, str(script), *step[1:]], cwd=HERE.parent).returncode
            != 0
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
