"""Lineage: which reports reproduce which release or briefing, and a curator's flag for
two reports that look copied but say nothing of it.

Majority counting goes wrong when sources copy each other (Dong, Berti-Equille and
Srivastava, "Integrating Conflicting Data: The Role of Source Dependence", VLDB 2009);
copiers give themselves away by the rare values and wordings they share. Declared lineage
(`based_on`) comes first; the wordings only raise a note for the curator.
"""
from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

# Two reports of different lineage that share at least this many wordings no other report
# uses are flagged.
SHARED_RARE_WORDINGS = 2


def lineage_roots(based_on: dict[str, str | None]) -> dict[str, str]:
    """source id -> its lineage root: the source it is ultimately based on (itself when
    based_on is empty or names no source), from every source's based_on. A cycle stops
    at the first source seen twice."""
    roots = {}
    for source_id in based_on:
        seen = [source_id]
        while based_on[seen[-1]] in based_on and based_on[seen[-1]] not in seen:
            seen.append(based_on[seen[-1]])
        roots[source_id] = seen[-1]
    return roots


def shared_wording_notes(wordings: Iterable[tuple[str | None, str]],
                         published: dict[str, str], roots: dict[str, str]) -> list[dict]:
    """A `notes` row for each pair of reports of different lineage roots that share
    SHARED_RARE_WORDINGS or more wordings that no third report uses; `wordings` are the
    claims' (wording_ko, source_id), `published` each source's published_at."""
    # Each wording's reports, up to the first two; None once a third uses it (a set of
    # every report of a common wording was most of reconciliation's memory).
    users: dict[str, tuple[str, ...] | None] = {}
    for wording, source_id in wordings:
        if wording:
            key = " ".join(wording.split())
            reports = users.get(key, ())
            if reports is not None and source_id not in reports:
                users[key] = (*reports, source_id) if len(reports) < 2 else None
    shared: dict[tuple[str, str], list[str]] = {}
    for wording, reports in users.items():
        if reports is not None and len(reports) == 2:
            pair = tuple(sorted(reports))
            if roots[pair[0]] != roots[pair[1]]:
                shared.setdefault(pair, []).append(wording)
    notes = []
    for (first, second), wordings in sorted(shared.items()):
        if len(wordings) < SHARED_RARE_WORDINGS:
            continue
        later = max((first, second), key=lambda s: (published[s], s))
        other = first if later == second else second
        listed = ", ".join(f"'{w}'" for w in sorted(wordings))
        notes.append({
            "id": f"shared-wordings-{first}--{second}", "article_id": None,
            "source_id": later, "kind": "lineage", "about_table": "sources",
            "about_id": later, "sentence_id": None, "quote": None,
            "note_en": f"{later} and {other} share wordings that no other report uses "
                       f"({listed}) but declare no common lineage: a curator should check "
                       "whether one reproduces the other or both reproduce a release "
                       "(based_on).",
        })
    return notes
