"""Controlled vocabularies: every value with its meaning, read from vocabularies.yml beside
this module (package data, so an installed newsdb has them as a checkout does).

One source of truth: the models validate against these, the table registry documents
them next to each column that uses them, and the exports turn them into enum
constraints. Each list is a module attribute in upper case (EVENT_KINDS, UNITS, ...), so
`vocabulary: event_kinds` in newsdb/store/tables.yml names EVENT_KINDS here.
"""
from __future__ import annotations

from pathlib import Path

import yaml

# The terms are part of the code's contract: the curated models, the table registry, the
# JSON Schemas and the site are all made from them, so they ship with the package.
PATH = Path(__file__).with_name("vocabularies.yml")


def load(path: Path = PATH) -> dict[str, dict[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(
            isinstance(terms, dict) and terms and all(
                isinstance(t, str) and isinstance(m, str) and m for t, m in terms.items())
            for terms in data.values()):
        raise ValueError(f"{path}: expected a mapping of vocabulary names to "
                         "mappings of terms to their meanings")
    return data


lists = load()
globals().update({name.upper(): terms for name, terms in lists.items()})


# How the site names a term where the term itself is a code: every other term is shown
# as written, with its underscores as spaces (official_visit -> official visit).
short_names = {
    "countries": {"KR": "Korea", "CN": "China"},
}


def term_name(vocabulary: str, term: str) -> str:
    return short_names.get(vocabulary, {}).get(term) or term.replace("_", " ")
