#!/usr/bin/env python3
"""Build news.db from the curated sources in sources/.

    python build_db.py                  # writes news.db beside this file
    python build_db.py --output PATH    # writes elsewhere
    python build_db.py --export DIR     # builds, then exports to DIR (see newsdb/export.py)

The database is written to a temporary file and renamed into place only when every
source checks out, so a failed or interrupted build leaves the previous file untouched.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsdb import export
from newsdb.build import build, report_problems, summary
from newsdb.finishers import FINISHERS

ROOT = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=ROOT / "sources",
                        help="folder of curated sources (default: sources/)")
    parser.add_argument("--output", type=Path, default=ROOT / "news.db",
                        help="database to write (default: news.db)")
    parser.add_argument("--export", type=Path, metavar="DIR",
                        help="after building, export the new database to DIR: "
                             "datapackage.json, CSV, spreadsheet CSV, Parquet")
    args = parser.parse_args(argv)
    counts, problems = build(args.sources, args.output, FINISHERS)
    if counts is None:
        report_problems(problems)
        return 1
    print(summary(args.output, counts))
    if args.export:
        return export.run(args.output, args.export)
    return 0


if __name__ == "__main__":
    sys.exit(main())
