#!/usr/bin/env python3
"""Write a synthetic corpus of N articles in the sources format (newsdb/synthetic.py).

    python benchmarks/generate_corpus.py N TARGET_DIR [--seed 0] [--template sources]
"""
import sys

from newsdb.synthetic import main

if __name__ == "__main__":
    sys.exit(main())
