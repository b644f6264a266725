"""The reconciliation rules, one by one, on claims made up for each case."""
from __future__ import annotations

import pytest

from newsdb.facts.reconcile import Claim, check_containment, reconcile


def claim(source, value, field="status", about="meeting", table="events", *, tense="ahead",
          hedged=False, stated=True, published="2014-12-17", id=None):
    return Claim(id or f"{source}-{about}-{field}", source, published, table, about, field,
                 value, tense, hedged, stated)


def outcome(claims):
    [result] = reconcile(claims)
    return result.accepted.value, [(loser.value, why) for loser, why in result.losers]


def test_a_report_after_the_event_beats_announcements():
    assert outcome([claim("a", "planned"), claim("b", "planned"),
                    claim("c", "held", tense="after", published="2014-12-18")]) == (
        ("held",), [(("planned",), "a report after the event beats an announcement made "
                                   "before it")])


def test_a_stated_day_beats_an_inferred_range():
    claims = [claim("a", "2014-12-18", "start_date", stated=False),
              claim("a", "2014-12-19", "end_date", stated=False),
              claim("b", "2014-12-19", "start_date"), claim("b", "2014-12-19", "end_date")]
    assert outcome(claims) == (("2014-12-19", "2014-12-19"), [
        (("2014-12-18", "2014-12-19"), "a stated day beats a day inferred from context")])


def test_more_independent_reports_win():
    claims = [claim(s, "2014-12-18", "start_date") for s in "ab"] + \
             [claim(s, "2014-12-18", "end_date") for s in "ab"] + \
             [claim("c", "2014-12-18", "start_date"), claim("c", "2014-12-20", "end_date")]
    assert outcome(claims) == (("2014-12-18", "2014-12-18"), [
        (("2014-12-18", "2014-12-20"), "more independent reports: 2 against 1")])


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
    check_containment(claims, parents)
    [trip] = [o for o in reconcile(claims) if o.about_id == "trip"]
    assert trip.accepted.value == ("2014-12-17", "2014-12-20")
    [(lost, why)] = trip.losers
    assert lost.value == ("2014-12-17", "2014-12-19")
    assert why == ("this report contradicts itself: the same report puts leg on 2014-12-20")


def test_exists_claims_are_not_reconciled():
    assert reconcile([claim("a", None, "exists")]) == []


@pytest.mark.parametrize("field", ["status", "place_id", "time_of_day", "value"])
def test_agreeing_reports_give_no_losers(field):
    value, losers = outcome([claim("a", "v", field), claim("b", "v", field, tense="after")])
    assert (value, losers) == (("v",), [])
