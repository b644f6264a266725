"""The reconciliation rules, one by one, on claims made up for each case."""
from __future__ import annotations

import pytest

from newsdb.facts.reconcile import Claim, check_containment, children_of, event_dates, reconcile


def claim(source, value, field="status", about="meeting", table="events", *, tense="ahead",
          hedged=False, stated=True, published="2014-12-17", id=None, root=None,
          precision=None, low=None, high=None):
    return Claim(id or f"{source}-{about}-{field}", source, published, table, about, field,
                 value, tense, hedged, stated, root=root, precision=precision, low=low,
                 high=high)


def dates(source, start, end, precision=None, **extra):
    return [claim(source, start, "start_date", precision=precision, **extra),
            claim(source, end, "end_date", precision=precision, **extra)]


def figure(source, low, high=None, **extra):
    high = low if high is None else high
    value = format(low, ".15g") if low == high else f"{low:.15g}~{high:.15g}"
    return claim(source, value, "value", "funding", "statistics", low=low, high=high, **extra)


def outcome(claims):
    [result] = reconcile(claims)
    return result.accepted.value, [(loser.value, why) for loser, why in result.losers]


def test_a_report_after_the_event_beats_announcements():
    assert outcome([claim("a", "planned"), claim("b", "planned"),
                    claim("c", "held", tense="after", published="2014-12-18")]) == (
        ("held",), [(("planned",), "a report after the event beats an announcement made "
                                   "before it")])


def test_a_stated_day_beats_an_inferred_day():
    claims = [*dates("a", "2014-12-18", "2014-12-18", stated=False),
              *dates("b", "2014-12-19", "2014-12-19")]
    assert outcome(claims) == (("2014-12-19", "2014-12-19", "day"), [
        (("2014-12-18", "2014-12-18", "day"), "a stated day beats a day inferred from "
                                              "context")])


def test_a_window_that_contains_the_day_is_compatible_not_a_loser():
    [result] = reconcile([*dates("a", "2014-12-18", "2014-12-19", "within", stated=False),
                          *dates("b", "2014-12-19", "2014-12-19")])
    assert result.accepted.value == ("2014-12-19", "2014-12-19", "day")
    assert result.losers == []
    assert [c.value for c in result.compatible] == [("2014-12-18", "2014-12-19", "within")]
    assert {result.relation(c) for c in result.compatible[0].claims} == {"compatible"}
    assert {result.relation(c) for c in result.accepted.claims} == {"confirms"}


def test_a_window_that_misses_the_day_contradicts_it():
    [result] = reconcile([*dates("a", "2014-12-18", "2014-12-19", "within"),
                          *dates("b", "2014-12-20", "2014-12-20", tense="after")])
    assert result.accepted.value == ("2014-12-20", "2014-12-20", "day")
    [(lost, why)] = result.losers
    assert lost.value == ("2014-12-18", "2014-12-19", "within")
    assert why == "a report after the event beats an announcement made before it"
    assert {result.relation(c) for c in lost.claims} == {"contradicts"}


def test_a_city_is_compatible_with_a_building_inside_it():
    places = {"xiaomi-hq": "haidian", "haidian": "beijing", "beijing": "china"}
    [result] = reconcile([claim("a", "beijing", "place_id"),
                          claim("b", "xiaomi-hq", "place_id", tense="after")], places)
    assert result.accepted.value == ("xiaomi-hq",)
    assert result.losers == []
    assert [result.relation(c) for c in result.compatible[0].claims] == ["compatible"]


def test_a_place_outside_the_held_one_contradicts_it():
    places = {"xiaomi-hq": "beijing", "expo-hall": "beijing"}
    [result] = reconcile([claim("a", "expo-hall", "place_id", hedged=True),
                          claim("b", "xiaomi-hq", "place_id")], places)
    assert result.accepted.value == ("xiaomi-hq",)
    assert [(lost.value, why) for lost, why in result.losers] == [
        (("expo-hall",), "a plain statement beats a hedged one")]


def test_a_range_is_compatible_with_a_figure_inside_it():
    [result] = reconcile([figure("a", 3e8, 4e8), figure("b", 4e8)])
    assert result.accepted.value == ("400000000",)
    assert result.losers == [] and result.relation(result.compatible[0].claims[0]) == \
        "compatible"


def test_an_announcement_carried_out_is_fulfilled_not_a_contradiction():
    [result] = reconcile([claim("a", "planned"), claim("b", "held", tense="after")])
    [(lost, _)] = result.losers
    assert result.relation(lost.claims[0]) == "fulfilled"
    [result] = reconcile([claim("a", "planned"), claim("b", "cancelled", tense="after")])
    [(lost, _)] = result.losers
    assert result.relation(lost.claims[0]) == "contradicts"


def test_copies_of_one_release_count_as_one_independent_report():
    claims = [*dates("a", "2014-12-18", "2014-12-18", root="release"),
              *dates("b", "2014-12-18", "2014-12-18", root="release"),
              *dates("c", "2014-12-18", "2014-12-20"),
              *dates("d", "2014-12-18", "2014-12-20")]
    assert outcome(claims) == (("2014-12-18", "2014-12-20", "span"), [
        (("2014-12-18", "2014-12-18", "day"), "more independent reports: 2 against 1")])


def test_independent_reports_that_no_ground_separates_are_a_dispute_held_as_a_window():
    claims = [*dates("a", "2014-12-18", "2014-12-18", root="release"),
              *dates("b", "2014-12-18", "2014-12-18", root="release"),
              *dates("c", "2014-12-18", "2014-12-20")]
    [result] = reconcile(claims)
    assert result.disputed
    assert result.accepted.value == ("2014-12-18", "2014-12-20", "within")
    assert result.losers == []
    assert {result.relation(c) for c in claims} == {"compatible"}


def test_disputed_figures_are_held_as_the_range_that_covers_both():
    [result] = reconcile([figure("a", 3e9), figure("b", 2e9)])
    assert result.disputed
    assert result.accepted.value == ("2000000000~3000000000",)
    assert result.accepted.bounds() == (2e9, 3e9)


def test_more_independent_reports_win():
    claims = [claim(s, "2014-12-18", "start_date") for s in "ab"] + \
             [claim(s, "2014-12-18", "end_date") for s in "ab"] + \
             [claim("c", "2014-12-18", "start_date"), claim("c", "2014-12-20", "end_date")]
    assert outcome(claims) == (("2014-12-18", "2014-12-18", "day"), [
        (("2014-12-18", "2014-12-20", "span"), "more independent reports: 2 against 1")])


def test_a_source_counts_once_however_often_it_repeats_itself():
    claims = [claim("a", "y", id="a1"), claim("a", "y", id="a2"), claim("b", "x")]
    # one source each, equal on every ground: the repetition does not make "y" win
    assert outcome(claims) == (("x",), [(("y",), "as many reports on every ground; the "
                                                 "earlier value in sort order is kept")])


def test_a_plain_statement_beats_a_hedged_one():
    assert outcome([claim("a", "x", hedged=True), claim("b", "y")]) == (
        ("y",), [(("x",), "a plain statement beats a hedged one")])


def test_the_later_report_wins_when_nothing_else_differs():
    assert outcome([claim("a", "x", published="2014-12-09"),
                    claim("b", "y", published="2014-12-18")]) == (
        ("y",), [(("x",), "the later report beats the earlier one")])


def test_a_tie_on_every_ground_keeps_the_smaller_value_whatever_the_order():
    first = outcome([claim("a", "y"), claim("b", "x")])
    second = outcome([claim("b", "x"), claim("a", "y")])
    assert first == second
    assert first[0] == ("x",)


def test_a_report_contradicting_itself_loses_even_with_more_reports():
    parents = {"leg": "trip"}
    claims = [claim("a", "2014-12-17", "start_date", "trip"),
              claim("a", "2014-12-19", "end_date", "trip"),
              claim("a", "2014-12-20", "start_date", "leg"),
              claim("a", "2014-12-20", "end_date", "leg"),
              claim("b", "2014-12-17", "start_date", "trip"),
              claim("b", "2014-12-20", "end_date", "trip")]
    check_containment(claims, children_of(parents))
    [trip] = [o for o in reconcile(claims) if o.about_id == "trip"]
    assert trip.accepted.value == ("2014-12-17", "2014-12-20", "span")
    [(lost, why)] = trip.losers
    assert lost.value == ("2014-12-17", "2014-12-19", "span")
    assert why == ("this report contradicts itself: the same report puts leg on 2014-12-20")


def test_a_report_is_checked_against_its_parts_dates_weighed_apart():
    # A fact at a time: the leg's claims are not among the trip's, their dates are known.
    trip = dates("a", "2014-12-17", "2014-12-19", about="trip")
    leg = dates("a", "2014-12-20", "2014-12-20", about="leg")
    check_containment(trip, children_of({"leg": "trip"}), event_dates(leg))
    assert [c.contradiction for c in trip] == [
        None, "the same report puts leg on 2014-12-20"]
    other = dates("b", "2014-12-17", "2014-12-19", about="trip")
    check_containment(other, children_of({"leg": "trip"}), event_dates(leg))
    assert [c.self_contradicted for c in other] == [False, False]  # b says nothing of the leg


def test_exists_claims_are_not_reconciled():
    assert list(reconcile([claim("a", None, "exists")])) == []


@pytest.mark.parametrize("field", ["status", "place_id", "time_of_day", "value"])
def test_agreeing_reports_give_no_losers(field):
    value, losers = outcome([claim("a", "v", field), claim("b", "v", field, tense="after")])
    assert (value, losers) == (("v",), [])


def test_on_a_dispute_a_window_that_allows_one_side_is_compatible():
    claims = [*dates("a", "2014-12-18", "2014-12-18", root="release"),
              *dates("b", "2014-12-18", "2014-12-20"),
              *dates("c", "2014-12-18", "2014-12-19", "within", root="release")]
    [result] = reconcile(claims)
    assert result.disputed and result.accepted.value == ("2014-12-18", "2014-12-20", "within")
    assert result.losers == []
    assert {result.relation(c) for c in claims} == {"compatible"}


def test_a_time_of_day_tie_is_not_a_dispute():
    [result] = reconcile([claim("a", "morning", "time_of_day"),
                          claim("b", "afternoon", "time_of_day")])
    assert not result.disputed and result.accepted.value == ("afternoon",)


def test_a_title_claim_confirms_is_compatible_with_or_contradicts_the_registry():
    from newsdb.facts.claims import title_relations

    people = [{"id": "lei-jun", "title_ko": "CEO", "other_titles_ko": '["회장"]'}]
    claims = [claim(source, value, "title_ko", table="people", about="lei-jun",
                    id=f"{source}--title")
              for source, value in (("a", "CEO"), ("b", "회장"), ("c", "사장"))]
    [conflict] = title_relations(people, claims)
    assert [c.relation for c in claims] == ["confirms", "compatible", "contradicts"]
    assert (conflict["claim_id"], conflict["accepted_value"]) == ("c--title", "CEO")
