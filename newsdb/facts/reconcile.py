"""Reconciliation: the value a fact row holds, worked out from every report's claims.

Claims about the same field of the same fact are grouped by the value they state, and
the values are compared on these grounds, in this order; the first ground on which two
values differ decides, and it is the reason written into `conflicts`:

1. a report that contradicts itself loses (its own schedule puts a part of an event
   outside the dates it gives the whole);
2. a report after the event beats an announcement made before it;
3. a stated day beats a day inferred from context;
4. more independent reports (distinct sources) beat fewer;
5. a plain statement beats a hedged one (~할 예정, ~것으로 알려졌다);
6. the later report beats the earlier one;
7. finally, so that the outcome never depends on file order, the smaller value.

The dates of an event (start_date, end_date) are reconciled together, as one value: two
reports that give the same first day but different last days disagree about the span.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# The field groups reconciled as one value; every other field is its own group.
GROUPS = {"start_date": "dates", "end_date": "dates"}


@dataclass
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

    @property
    def group(self) -> str:
        return GROUPS.get(self.field, self.field)


@dataclass
class Candidate:
    """One value of a group, with every claim that states it."""
    value: tuple
    claims: list[Claim] = field(default_factory=list)

    @property
    def sources(self) -> set[str]:
        return {claim.source_id for claim in self.claims}

    def grounds(self) -> tuple:
        contradicted = {claim.source_id for claim in self.claims if claim.self_contradicted}
        return (
            bool(self.sources - contradicted),
            any(claim.tense == "after" for claim in self.claims),
            any(claim.stated for claim in self.claims),
            len(self.sources),
            any(not claim.hedged for claim in self.claims),
            max(claim.published_at for claim in self.claims),
        )


@dataclass
class Outcome:
    about_table: str
    about_id: str
    group: str
    accepted: Candidate
    losers: list[tuple[Candidate, str]]  # each losing value and why it lost

    def accepted_value(self, field_name: str) -> str | None:
        return dict(zip(FIELDS.get(self.group, (self.group,)), self.accepted.value))[field_name]


FIELDS = {"dates": ("start_date", "end_date")}


def reconcile(claims: list[Claim]) -> list[Outcome]:
    """One outcome per fact and field group that has claims, in a stable order."""
    grouped: dict[tuple, dict[tuple, Candidate]] = {}
    dates = dates_by_report(claims)
    for claim in claims:
        if claim.field == "exists":
            continue
        key = (claim.about_table, claim.about_id, claim.group)
        value = group_value(claim, dates)
        candidates = grouped.setdefault(key, {})
        candidates.setdefault(value, Candidate(value)).claims.append(claim)
    outcomes = []
    for (table, about_id, group), candidates in sorted(grouped.items()):
        ranked = sorted(candidates.values(), key=ranking, reverse=True)
        winner = ranked[0]
        outcomes.append(Outcome(table, about_id, group, winner,
                                [(loser, reason(winner, loser)) for loser in ranked[1:]]))
    return outcomes


def dates_by_report(claims: list[Claim]) -> dict[tuple, dict[str, str | None]]:
    """(source, table, fact) -> {start_date, end_date} that the report claims, built once
    (looking them up claim by claim was quadratic in the number of claims)."""
    found: dict[tuple, dict[str, str | None]] = {}
    for claim in claims:
        if claim.group == "dates":
            key = (claim.source_id, claim.about_table, claim.about_id)
            found.setdefault(key, {})[claim.field] = claim.value
    return found


def group_value(claim: Claim, dates: dict[tuple, dict[str, str | None]]) -> tuple:
    """The claim's value for its whole group: for dates, (start, end) from the claims of
    the same report about the same fact."""
    if claim.group != "dates":
        return (claim.value,)
    pair = dates[(claim.source_id, claim.about_table, claim.about_id)]
    return (pair.get("start_date"), pair.get("end_date"))


def ranking(candidate: Candidate) -> tuple:
    # Ties on every ground fall to the smaller value (sorted descending, so inverted).
    return (*candidate.grounds(), tuple(_inverted(v) for v in candidate.value))


def _inverted(value: str | None) -> tuple:
    text = value or ""
    return tuple(-ord(ch) for ch in text) + (1,)


def reason(winner: Candidate, loser: Candidate) -> str:
    """Why `winner` beats `loser`: the first ground on which they differ."""
    won, lost = winner.grounds(), loser.grounds()
    count, other = len(winner.sources), len(loser.sources)
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


def check_containment(claims: list[Claim], parents: dict[str, str]) -> None:
    """Mark date claims that their own report contradicts: a report that puts a part of
    an event (a child) outside the dates it gives the event itself."""
    by_source: dict[tuple[str, str], dict[str, str]] = {}
    for claim in claims:
        if claim.about_table == "events" and claim.group == "dates" and claim.value:
            by_source.setdefault((claim.source_id, claim.about_id), {})[claim.field] = claim.value
    children: dict[str, list[str]] = {}
    for child, parent in sorted(parents.items()):
        children.setdefault(parent, []).append(child)
    for claim in claims:
        if claim.about_table != "events" or claim.group != "dates":
            continue
        own = by_source.get((claim.source_id, claim.about_id), {})
        for child in children.get(claim.about_id, ()):
            dates = by_source.get((claim.source_id, child), {})
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
