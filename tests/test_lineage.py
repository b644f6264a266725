"""Lineage roots and the curator's note for reports that look copied without saying so."""
from __future__ import annotations

from newsdb.facts.lineage import lineage_roots, shared_wording_notes


# Each source's based_on, and its published_at.
BASED_ON = {"release": None, "copy": "release", "copy-of-copy": "copy", "own": None}
PUBLISHED = {"release": "2014-12-08", "copy": "2014-12-08", "copy-of-copy": "2014-12-09",
             "own": "2014-12-10"}


def claim(source_id, wording):
    """A claim as shared_wording_notes reads it: its wording and its report."""
    return wording, source_id


def test_a_report_is_its_own_root_unless_based_on_another():
    assert lineage_roots(BASED_ON) == {"release": "release", "copy": "release",
                                      "copy-of-copy": "release", "own": "own"}


def test_based_on_naming_no_source_is_its_own_root():
    assert lineage_roots({"copy": "gone", "own": None}) == {"copy": "copy", "own": "own"}


def test_a_cycle_of_based_on_stops_without_looping():
    roots = lineage_roots({"a": "b", "b": "a"})
    assert set(roots) == {"a", "b"}


def test_two_reports_of_different_roots_sharing_rare_wordings_are_flagged():
    claims = [claim("copy", "과제당 3년간 4억원 수준"), claim("own", "과제당 3년간 4억원 수준"),
              claim("copy", "12월 중순경"), claim("own", "12월 중순경")]
    [note] = shared_wording_notes(claims, PUBLISHED, lineage_roots(BASED_ON))
    assert note["kind"] == "lineage" and note["about_id"] == "own"
    assert "'12월 중순경', '과제당 3년간 4억원 수준'" in note["note_en"]


def test_declared_lineage_common_wordings_or_one_shared_wording_raise_nothing():
    roots = lineage_roots(BASED_ON)
    same_root = [claim("copy", "a"), claim("copy-of-copy", "a"),
                 claim("copy", "b"), claim("copy-of-copy", "b")]
    assert shared_wording_notes(same_root, PUBLISHED, roots) == []
    common = [claim(s, w) for s in ("copy", "own", "release") for w in ("19일", "20일")]
    assert shared_wording_notes(common, PUBLISHED, roots) == []
    one = [claim("copy", "19일 오전"), claim("own", "19일 오전")]
    assert shared_wording_notes(one, PUBLISHED, roots) == []


def test_a_report_repeating_a_wording_is_still_one_of_two():
    """A wording counts its reports, not its claims: one report giving it twice (spaced
    otherwise) and another once share it; a third report's use unshares it."""
    claims = [claim("copy", "12월  중순경"), claim("own", "12월 중순경"),
              claim("copy", "12월 중순경"), claim("copy", "과제당 4억원"),
              claim("own", "과제당 4억원"), claim("copy", "과제당 4억원")]
    [note] = shared_wording_notes(claims, PUBLISHED, lineage_roots(BASED_ON))
    assert "'12월 중순경', '과제당 4억원'" in note["note_en"]
    third = claims + [claim("release", "과제당 4억원")]
    assert shared_wording_notes(third, PUBLISHED, lineage_roots(BASED_ON)) == []
