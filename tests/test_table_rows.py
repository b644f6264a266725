"""Reading and changing a table held as a list or staged (newsdb/facts/table_rows.py):
both answer the same, in the order the rows came, and a change written back is in the
rows the build writes."""
from __future__ import annotations

import pytest

from newsdb.facts.origins import Origin, Origins
from newsdb.facts.table_rows import (RowsById, handles_where, id_lookup, index_on, row_ids,
                                     rows_where, values_where, write_back)
from newsdb.store.registry import default_registry
from newsdb.store.staging import Stage

CLAIMS = default_registry().by_name["claims"]


def claim(claim_id: str, source: str, field: str, value, summary="said") -> dict:
    return {"id": claim_id, "source_id": source, "about_table": "events", "about_id": "visit",
            "field": field, "value": value, "value_low": None, "value_high": None,
            "wording_ko": f"{value}에", "tense": "after", "hedged": 0,
            "attributed_to_id": None, "sentence_id": None, "quote": None,
            "summary_en": summary, "accepted": 1, "relation": "confirms", "stated": 1,
            "precision": None}


def made() -> list[dict]:
    # Not in id order: the order they came in is what reconciliation sees.
    return [claim("c-3", "b", "status", "held"), claim("c-1", "a", "start_date", "2014-12-18"),
            claim("c-2", "a", "status", "planned"),
            # A list where text belongs (a curation mistake): held in memory when staged.
            claim("c-0", "b", "start_date", "2014-12-19", summary=["not", "text"])]


def staged(tmp_path):
    stage = Stage(tmp_path / ".staging")
    origins = Origins()
    store = stage.table(CLAIMS, origins)
    for line, row in enumerate(made(), 1):
        store.append(row)
        origins.note(row, "sources/x.yml", line, row["id"])
    store.flush()
    return stage, store


@pytest.fixture(params=["list", "staged"])
def table(request, tmp_path):
    if request.param == "list":
        yield made()
        return
    stage, store = staged(tmp_path)
    yield store
    stage.close()


def test_rows_where_gives_the_matching_rows_in_the_order_they_came(table):
    found = rows_where(table, ("field",), {("status",), ("start_date",)})
    assert [row["id"] for row in found] == ["c-3", "c-1", "c-2", "c-0"]
    assert found[:3] == made()[:3]
    assert [row["id"] for row in rows_where(table, ("source_id", "field"), {("a", "status")})] \
        == ["c-2"]
    assert rows_where(table, ("id",), set()) == []


def test_a_staged_row_read_back_carries_its_origin(tmp_path):
    stage, store = staged(tmp_path)
    try:
        [row] = rows_where(store, ("id",), {("c-1",)})
        assert row.origin == Origin("sources/x.yml", 2, "c-1")
    finally:
        stage.close()


def test_handles_where_gives_the_selected_values_in_the_order_they_came(table):
    found = list(handles_where(table, ("field",), {("status",)}, ("id", "value", "hedged")))
    assert [values for _, values in found] == [("c-3", "held", 0), ("c-2", "planned", 0)]


def test_handles_where_grouped_gives_each_group_together_in_the_order_they_came(table):
    found = [values for _, values in handles_where(
        table, ("id",), {("c-1",), ("c-2",), ("c-3",)}, ("id", "field"), grouped=("field",))]
    groups = [[("c-1", "start_date")], [("c-3", "status"), ("c-2", "status")]]
    assert found in (groups[0] + groups[1], groups[1] + groups[0])


def test_a_row_held_in_memory_comes_after_the_grouped_stored_ones(tmp_path):
    stage, store = staged(tmp_path)
    try:
        found = [values for _, values in handles_where(store, ("about_table",), {("events",)},
                                                       ("id",), grouped=("field",))]
        assert found == [("c-1",), ("c-3",), ("c-2",), ("c-0",)]
    finally:
        stage.close()


def test_a_change_written_back_is_in_the_rows(table):
    changes = [(handle, {"relation": "contradicts", "accepted": 0} if values[0] == "c-3"
                else {"relation": "compatible"})
               for handle, values in handles_where(table, ("field",),
                                                   {("status",), ("start_date",)}, ("id",))]
    write_back(table, changes)
    verdicts = {row["id"]: (row["relation"], row["accepted"]) for row in table}
    assert verdicts == {"c-3": ("contradicts", 0), "c-1": ("compatible", 1),
                        "c-2": ("compatible", 1), "c-0": ("compatible", 1)}


def test_values_and_ids(table):
    assert sorted(values_where(table, ("source_id", "field")), key=str) == sorted(
        [("b", "status"), ("a", "start_date"), ("a", "status"), ("b", "start_date")], key=str)
    assert sorted(values_where(table, ("id",), ("source_id",), {("b",)})) == [("c-0",), ("c-3",)]
    assert row_ids(table) == {"c-0", "c-1", "c-2", "c-3"}
    assert row_ids(table, {"c-1", "c-0", "c-9"}) == {"c-0", "c-1"}


def test_an_indexed_lookup_gives_the_same_rows(table):
    """A look-up asked again and again (reconciliation's, by fact) is indexed in the
    staging file: a search, not a scan, with the same rows."""
    before = [row["id"] for row in rows_where(table, ("about_id", "field"), {("visit", "status")})]
    index_on(table, ("about_id", "field"))
    if not isinstance(table, list):
        plan = " ".join(str(step) for step in table.conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM stage_claims WHERE about_id = ? AND field = ?",
            ("visit", "status")))
        assert "USING INDEX stage_claims_by_about_id_field" in plan, plan
    assert [row["id"] for row in rows_where(table, ("about_id", "field"),
                                            {("visit", "status")})] == before == ["c-3", "c-2"]


def test_an_id_lookup_answers_for_stored_and_held_rows(table):
    """Asked whether an id is there, a staged table searches its staging file (and the
    rows it holds in memory: c-0's summary is a list) instead of holding every id."""
    ids = id_lookup(table)
    assert all(key in ids for key in ("c-0", "c-1", "c-2", "c-3"))
    assert "c-4" not in ids and "visit" not in ids and None not in ids


def test_an_id_lookup_gives_the_row_of_an_id(table):
    """A citation's claim about a figure reads the figure's row (its unit) by id."""
    ids = id_lookup(table)
    assert ids["c-1"]["value"] == "2014-12-18" and ids["c-3"]["source_id"] == "b"
    assert ids["c-0"]["summary_en"] == ["not", "text"]  # held in memory
    with pytest.raises(KeyError):
        ids["c-9"]


def test_rows_fetched_by_id_changed_and_saved_are_in_the_rows(table):
    """Reconciliation reads a few facts' rows by id, changes them and saves them: the
    changed values are in the rows the build writes, the others as they were."""
    by_id = RowsById(table)
    fetched = by_id.fetch({"c-1", "c-0", "c-9"})
    assert sorted(fetched) == ["c-0", "c-1"]
    fetched["c-1"]["value"] = "2014-12-20"
    fetched["c-1"]["accepted"] = 1.0  # equal to 1, but another type: written
    fetched["c-0"]["relation"] = "compatible"
    by_id.save(fetched)
    rows = {row["id"]: row for row in table}
    assert (rows["c-1"]["value"], rows["c-1"]["relation"]) == ("2014-12-20", "confirms")
    assert type(rows["c-1"]["accepted"]) is float
    assert rows["c-0"]["relation"] == "compatible"
    assert [rows[key]["value"] for key in ("c-2", "c-3")] == ["planned", "held"]
    assert by_id.fetch({"c-1"})["c-1"]["value"] == "2014-12-20"


def test_values_assigned_by_id_are_in_the_rows(table):
    """Counts written by id without reading the rows (an id no row has is no change)."""
    RowsById(table).assign({"c-2": {"accepted": 0, "relation": "compatible"},
                            "c-0": {"accepted": 0, "relation": "compatible"},
                            "c-9": {"accepted": 0, "relation": "compatible"}})
    assert {row["id"]: (row["relation"], row["accepted"]) for row in table} == {
        "c-3": ("confirms", 1), "c-1": ("confirms", 1), "c-2": ("compatible", 0),
        "c-0": ("compatible", 0)}
