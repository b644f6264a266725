"""Reconciliation: the value a fact row holds, worked out from every report's claims.

A claim allows a set of values, not one: a window of days (one of 18-19 December), a
place and everything inside it, a range of figures. Claims about the same field of the
same fact are grouped by the value they state, and:

0. a value that allows another claimed value (a window that contains a day, a city that
   contains a building, a range that contains a figure) does not compete with it: the
   row holds the more precise value, and the wider claim is `compatible` with it when
   it contains what the row holds;

the precise values are then compared on these grounds, in this order; the first ground
on which two values differ decides, and it is the reason written into `conflicts`:

1. a report that contradicts itself loses (its own schedule puts a part of an event
   outside the dates it gives the whole);
2. a report after the event beats an announcement made before it;
3. a stated day beats a day inferred from context;
4. more independent reports beat fewer: reports are counted by their lineage root (the
   release or briefing they reproduce), so a copy is not a second witness;
5. a plain statement beats a hedged one (~할 예정, ~것으로 알려졌다);

when two values tie on all of these and the field can hold both (dates as a window,
figures as a range), the row holds the value that covers both and is `disputed`;
otherwise

6. the later report beats the earlier one;
7. finally, so that the outcome never depends on file order, the smaller value.

An announcement (`planned`) of what a later report says was carried out (`held`,
`signed`) is `fulfilled`, not a contradiction. The dates of an event (start_date,
end_date) are reconciled together, as one value with its precision: two reports that
give the same first day but different last days disagree about the span.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby

# The field groups reconciled as one value; every other field is its own group.
GROUPS = {"start_date": "dates", "end_date": "dates"}
FIELDS = {"dates": ("start_date", "end_date", "date_precision")}
# The groups whose held value can cover two disputed values.
COVERABLE = ("dates", "value")
# Statuses that carry out an announcement.
CARRIED_OUT = {"held", "signed"}
# The relation of each claim to the held value (claims.relation).
CONFIRMS, COMPATIBLE, FULFILLED, CONTRADICTS = "confirms", "compatible", "fulfilled", \
    "contradicts"


@dataclass(slots=True)
class Claim:
    """One report's statement about one field of one fact, as the build reads it."""
    id: str
    source_id: str
    published_at: str  # ISO date or timestamp: sorts in time order within a corpus
    about_table: str
    about_id: str
    field: str
    value: str | None
    tense: str  # 'ahead' | 'after'
    hedged: bool
    stated: bool = True  # False: the report's value was inferred from context
    self_contradicted: bool = False
    contradiction: str | None = None  # what in the report contradicts this claim
    root: str | None = None  # the lineage root of the report (itself by default)
    precision: str | None = None  # dates: day | span | within
    low: float | None = None  # figures: the range the claim allows
    high: float | None = None
    # The report's own words for it (wording_ko): a fact's when_ko where others' dates hold.
    wording: str | None = field(default=None, compare=False)
    # Its relation to the value held, once weighed (None: never weighed).
    relation: str | None = field(default=None, compare=False)
    # Where the claim is kept, to write its verdict back (newsdb/facts/table_rows.py).
    handle: object = field(default=None, compare=False, repr=False)

    @property
    def group(self) -> str:
        return GROUPS.get(self.field, self.field)

    @property
    def lineage(self) -> str:
        return self.root or self.source_id


@dataclass(slots=True)
class Candidate:
    """One value of a group, with every claim that states it."""
    value: tuple
    claims: list[Claim] = field(default_factory=list)
    range: tuple[float, float] | None = None  # a covering figure's (low, high)

    @property
    def sources(self) -> set[str]:
        return {claim.source_id for claim in self.claims}

    @property
    def roots(self) -> set[str]:
        return {claim.lineage for claim in self.claims}

    def grounds(self) -> tuple:
        contradicted = {claim.source_id for claim in self.claims if claim.self_contradicted}
        return (
            bool(self.sources - contradicted),
            any(claim.tense == "after" for claim in self.claims),
            any(claim.stated for claim in self.claims),
            len(self.roots),
            any(not claim.hedged for claim in self.claims),
            max(claim.published_at for claim in self.claims),
        )

    def bounds(self) -> tuple[float, float] | None:
        """A figure's (low, high): its own range, or its first claim's."""
        if self.range is not None:
            return self.range
        claim = self.claims[0]
        return None if claim.low is None else (claim.low, claim.high)


# The grounds that can separate two credible values (1-5); 6 and 7 only order them.
STRONG_GROUNDS = 5


@dataclass(slots=True)
class Outcome:
    about_table: str
    about_id: str
    group: str
    accepted: Candidate
    losers: list[tuple[Candidate, str]]  # each losing value and why it lost
    compatible: list[Candidate] = field(default_factory=list)
    disputed: bool = False

    def accepted_value(self, field_name: str) -> str | None:
        return dict(zip(FIELDS.get(self.group, (self.group,)), self.accepted.value))[field_name]

    def relation(self, claim: Claim) -> str:
        """How one claim of the group relates to the held value."""
        if any(claim in candidate.claims for candidate in self.compatible):
            return COMPATIBLE
        if claim in self.accepted.claims:
            return COMPATIBLE if self.disputed else CONFIRMS
        if (claim.field == "status" and claim.value == "planned" and claim.tense == "ahead"
                and self.accepted.value[0] in CARRIED_OUT):
            return FULFILLED
        return CONTRADICTS


def reconcile(claims: list[Claim], places: dict[str, str | None] | None = None
              ) -> Iterator[Outcome]:
    """One outcome per fact and field group that has claims, in a stable order, each
    grouped and decided as it is asked for (the groups and outcomes of a million claims
    are not held at once). `places` maps a place to its parent, for rule 0."""
    dates = dates_by_report(claims)
    # One group at a time, in key order: a stable sort keeps the claims of a group in
    # their order, so its values come in the order they are first claimed.
    ordered = sorted((claim for claim in claims if claim.field != "exists"), key=group_key)
    for (table, about_id, group), members in groupby(ordered, key=group_key):
        candidates: dict[tuple, Candidate] = {}
        for claim in members:
            value = group_value(claim, dates)
            candidates.setdefault(value, Candidate(value)).claims.append(claim)
        yield decide(table, about_id, group, list(candidates.values()), places or {})


def group_key(claim: Claim) -> tuple[str, str, str]:
    """The fact and field group a claim is reconciled in."""
    return (claim.about_table, claim.about_id, claim.group)


def decide(table: str, about_id: str, group: str, candidates: list[Candidate],
           places: dict[str, str | None]) -> Outcome:
    """Rule 0, then the grounds, then a dispute where the grounds cannot separate."""
    wide = [c for c in candidates
            if any(covers(group, c, other, places) for other in candidates if other is not c)]
    precise = [c for c in candidates if c not in wide]
    ranked = sorted(precise, key=ranking, reverse=True)
    winner, disputed = ranked[0], False
    tied = [c for c in ranked[1:]
            if c.grounds()[:STRONG_GROUNDS] == winner.grounds()[:STRONG_GROUNDS]]
    if tied and group in COVERABLE:
        # No ground separates them: the row holds what both allow, and says so.
        sides = [winner, *tied]
        winner, disputed = cover(group, sides), True
        rest = [c for c in ranked if c not in sides]
    else:
        sides, rest = [winner], ranked[1:]
    # A wider claim is compatible when it allows what the row holds (on a dispute: one of
    # the sides the row's window or range covers).
    compatible = [c for c in wide
                  if any(covers(group, c, side, places) for side in [winner, *sides])]
    losers = sorted([*rest, *(c for c in wide if c not in compatible)], key=ranking,
                    reverse=True)
    return Outcome(table, about_id, group, winner,
                   [(loser, reason(winner, loser)) for loser in losers], compatible, disputed)


def covers(group: str, wide: Candidate, narrow: Candidate,
           places: dict[str, str | None]) -> bool:
    """Whether every value `narrow` allows is one that `wide` allows, and `wide` allows
    more (rule 0)."""
    if wide.value == narrow.value:
        return False
    if group == "dates":
        start, end, precision = wide.value
        return (precision == "within" and start <= narrow.value[0]
                and narrow.value[1] <= end)
    if group == "place_id":
        return wide.value[0] in ancestors(narrow.value[0], places)
    if group == "value":
        outer, inner = wide.bounds(), narrow.bounds()
        return (outer is not None and inner is not None and outer[0] < outer[1]
                and outer[0] <= inner[0] and inner[1] <= outer[1])
    return False


def ancestors(place: str | None, places: dict[str, str | None]) -> list[str]:
    found: list[str] = []
    while place in places and places[place] and places[place] not in found:
        place = places[place]
        found.append(place)
    return found


def cover(group: str, candidates: list[Candidate]) -> Candidate:
    """The value that allows every candidate's: a window of days, a range of figures."""
    claims = [claim for candidate in candidates for claim in candidate.claims]
    if group == "dates":
        start = min(c.value[0] for c in candidates)
        end = max(c.value[1] for c in candidates)
        return Candidate((start, end, "within"), claims)
    low = min(c.bounds()[0] for c in candidates)
    high = max(c.bounds()[1] for c in candidates)
    return Candidate((f"{value_text(low)}~{value_text(high)}",), claims, (low, high))


def value_text(value) -> str:
    """A value as claims store it: a float in full ('400000000', not '4e+08')."""
    if isinstance(value, float):
        return format(value, ".15g")
    return str(value)


def dates_by_report(claims: list[Claim]) -> dict[tuple, dict[str, str | None]]:
    """(source, table, fact) -> {start_date, end_date, precision} that the report claims,
    built once (looking them up claim by claim was quadratic in the number of claims)."""
    found: dict[tuple, dict[str, str | None]] = {}
    for claim in claims:
        if claim.group == "dates":
            key = (claim.source_id, claim.about_table, claim.about_id)
            found.setdefault(key, {})[claim.field] = claim.value
            if claim.precision:
                found[key]["date_precision"] = claim.precision
    return found


def group_value(claim: Claim, dates: dict[tuple, dict[str, str | None]]) -> tuple:
    """The claim's value for its whole group: for dates, (start, end, precision) from the
    claims of the same report about the same fact."""
    if claim.group != "dates":
        return (claim.value,)
    pair = dates[(claim.source_id, claim.about_table, claim.about_id)]
    start, end = pair.get("start_date"), pair.get("end_date")
    precision = pair.get("date_precision") or ("day" if start == end else "span")
    return (start, end, precision)


def ranking(candidate: Candidate) -> tuple:
    # Ties on every ground fall to the smaller value (sorted descending, so inverted).
    return (*candidate.grounds(), tuple(_inverted(v) for v in candidate.value))


def _inverted(value: str | None) -> tuple:
    text = value or ""
    return tuple(-ord(ch) for ch in text) + (1,)


def reason(winner: Candidate, loser: Candidate) -> str:
    """Why `winner` beats `loser`: the first ground on which they differ."""
    won, lost = winner.grounds(), loser.grounds()
    count, other = len(winner.roots), len(loser.roots)
    explanations = [
        lambda: "this report contradicts itself: " + "; ".join(sorted(
            {c.contradiction for c in loser.claims if c.contradiction})),
        lambda: "a report after the event beats an announcement made before it",
        lambda: "a stated day beats a day inferred from context",
        lambda: f"more independent reports: {count} against {other}",
        lambda: "a plain statement beats a hedged one",
        lambda: "the later report beats the earlier one",
    ]
    for ground, explain in enumerate(explanations):
        if won[ground] != lost[ground]:
            return explain()
    return "as many reports on every ground; the earlier value in sort order is kept"


def children_of(parents: dict[str, str]) -> dict[str, list[str]]:
    """Each event's parts, from each part's parent (parts in id order)."""
    children: dict[str, list[str]] = {}
    for child, parent in sorted(parents.items()):
        children.setdefault(parent, []).append(child)
    return children


def event_dates(claims: Iterable[Claim]) -> dict[tuple[str, str], dict[str, str]]:
    """(report, event) -> the dates the report gives the event, {field: value}."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    for claim in claims:
        if claim.about_table == "events" and claim.group == "dates" and claim.value:
            found.setdefault((claim.source_id, claim.about_id), {})[claim.field] = claim.value
    return found


def check_containment(claims: list[Claim], children: dict[str, list[str]],
                      known: dict[tuple[str, str], dict[str, str]] | None = None) -> None:
    """Mark date claims that their own report contradicts: a report that puts a part of
    an event (a child) outside the dates it gives the event itself. The parts' dates are
    looked up among `claims`, then in `known` (event_dates() of claims weighed apart)."""
    by_source = event_dates(claims)
    known = known or {}
    for claim in claims:
        if claim.about_table != "events" or claim.group != "dates":
            continue
        own = by_source.get((claim.source_id, claim.about_id), {})
        for child in children.get(claim.about_id, ()):
            key = (claim.source_id, child)
            dates = by_source.get(key) or known.get(key, {})
            outside = (
                (claim.field == "end_date" and dates.get("end_date", "") > own.get("end_date", "~"))
                or (claim.field == "start_date"
                    and dates.get("start_date", "~") < own.get("start_date", ""))
            )
            if outside:
                claim.self_contradicted = True
                claim.contradiction = (f"the same report puts {child} on "
                                       f"{dates.get('start_date')}"
                                       + (f" to {dates['end_date']}"
                                          if dates.get("end_date") != dates.get("start_date")
                                          else ""))
