#!/usr/bin/env python3
"""Build news.db from the curated sources in sources/: `newsdb build` under its old name.

    python build_db.py                  # writes news.db beside this file
    python build_db.py --output PATH    # writes elsewhere
    python build_db.py --export DIR     # builds, then exports to DIR

The database is written to a temporary file and renamed into place only when every
source checks out, so a failed or interrupted build leaves the previous file untouched.
"""
from __future__ import annotations

import sys

import click

from newsdb.cli import build


def main(argv: list[str] | None = None) -> int:
    try:
        build.main(argv if argv is not None else sys.argv[1:], prog_name="build_db.py",
                   standalone_mode=False)
    except SystemExit as exit_:
        return exit_.code or 0
    except click.ClickException as error:
        error.show()
        return error.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
