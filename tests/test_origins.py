"""Where each row came from (newsdb/facts/origins.py)."""
from __future__ import annotations

from newsdb.facts.origins import Origin, Origins


def test_the_rows_of_one_record_share_one_origin():
    origins = Origins()
    event, claim, other = {"id": "visit"}, {"id": "visit-claim"}, {"id": "talks"}
    origins.note(event, "sources/a.yml", 4, "visit")
    origins.note(claim, "sources/a.yml", 4, "visit")
    origins.note(other, "sources/a.yml", 9, "talks")
    assert origins.of(event) is origins.of(claim)
    assert origins.of(other) == Origin("sources/a.yml", 9, "talks")


def test_a_file_noted_again_after_another_gives_the_same_origins():
    origins = Origins()
    rows = [{"n": n} for n in range(3)]
    for row, file in zip(rows, ("sources/a.yml", "sources/b.yml", "sources/a.yml")):
        origins.note(row, file, 4, "visit")
    assert [origins.of(row) for row in rows] == [
        Origin("sources/a.yml", 4, "visit"), Origin("sources/b.yml", 4, "visit"),
        Origin("sources/a.yml", 4, "visit")]


def test_the_first_origin_noted_stays():
    origins = Origins()
    row = {"id": "visit"}
    origins.note(row, "sources/a.yml", 4, "visit")
    origins.note(row, "sources/a.yml", 1, None)
    assert origins.of(row) == Origin("sources/a.yml", 4, "visit")
