"""The citation draft of another outlet's report: its candidates (newsdb/draft/propose.py)
compared with the facts the sources already hold (newsdb/draft/held.py), each stated fact
becoming a claim about the held fact it matches, or a new fact when none does.

An event candidate matches a held event on these grounds, each scored: the same kind (or
one of its family), the registry names of its sentence among the event's participants
(a name few events share counts more than the minister's, who is in all of them), its
place, the words of its title, and a compatible date (a span that overlaps one a report
gave the event; a disjoint one counts against). The best score wins when it reaches
MATCH_SCORE and is ahead of the next one; otherwise the candidate is a new fact, and its
comment names the held events it was compared with.

No sentence of the report is kept: a claim carries the report's short wording of a value
(wording_ko), and its summary_en is the placeholder the build refuses until a person
writes the summary.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from newsdb.draft.held import Held, HeldEvent
from newsdb.draft.mentions import KIND_FAMILIES
from newsdb.draft.page import Page, same_url
from newsdb.draft.propose import (
    Candidate,
    Registry,
    content_id,
    indicator_before,
    propose,
    sentence_country,
    short_hash,
    statistic_category,
    statistic_groups,
)
from newsdb.curated.article_text import split_sentences
from newsdb.korean.dates import CARRIED_OVER_RE, PART_OF_DAY_STARTS, part_of_day
from newsdb.korean.hedges import ATTRIBUTION_RE, REPORTED_SPEECH_RE
from newsdb.korean.numbers import parse_korean_range

MATCH_SCORE = 3.0
ORGANISED_KINDS = {"expo", "showcase", "workshop", "investor_presentation"}
MEETING_KINDS = {"meeting", "ministerial_meeting", "joint_committee"}
GENERIC_EVENT_RE = re.compile(r"(?:이번|이|해당|같은|그)?\s*(?:행사|회의|자리|대회|모임)")


@dataclass
class ClaimDraft:
    about: str
    field: str
    tense: str
    sentence: str
    why: str
    wording_ko: str | None = None
    value: str | None = None
    hedged: bool = False
    inferred: bool = False
    attributed_to: str | None = None


@dataclass
class NewFact:
    table: str  # events | statistics | mous | participants
    record: dict
    why: str


@dataclass
class CitationDraft:
    id: str
    page: Page
    candidates: list[Candidate]
    claims: list[ClaimDraft] = field(default_factory=list)
    new_facts: list[NewFact] = field(default_factory=list)
    already_held: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


def citation_id(page: Page) -> str:
    """<outlet>-<day>-<six hex digits of the URL or headline>: stable for one report."""
    outlet = page.outlet.id if page.outlet else "report"
    key = page.url or page.headline_ko or "\n".join(page.paragraphs[:1])
    return f"{outlet}-{page.published_at[:10]}-{hashlib.sha1(key.encode()).hexdigest()[:6]}"


def already_held(page: Page, held: Held) -> list[str]:
    found = []
    for report in held.reports:
        if same_url(page.url, report.url):
            found.append(f"{report.file} has the same URL")
        elif page.outlet and report.outlet_ko == page.outlet.outlet_ko and report.day == page.published_at[:10]:
            found.append(f"{report.file} is a report of the same outlet on the same day")
        elif page.headline_ko and report.headline_ko == page.headline_ko:
            found.append(f"{report.file} has the same headline")
    return found


def draft_citation(page: Page, registry: Registry, held: Held) -> CitationDraft:
    sentences = split_sentences(page.paragraphs)
    candidates = propose(sentences, page.published, registry)
    draft = CitationDraft(citation_id(page), page, candidates, already_held=already_held(page, held))
    texts = {s.key: s.text for s in sentences}
    context = _Context(draft, held, registry, texts)
    for event in [c for c in candidates if c.kind == "event"]:
        context.event(event)
    for mou in [c for c in candidates if c.kind == "mou"]:
        context.mou(mou)
    for group in statistic_groups(candidates, texts):
        if group["figure"] is not None:
            context.figure(group)
    return draft


class _Context:
    def __init__(self, draft: CitationDraft, held: Held, registry: Registry, texts: dict[str, str]):
        self.draft, self.held, self.registry, self.texts = draft, held, registry, texts
        self.published = draft.page.published
        stamp = draft.page.published_at
        # The hour of publication, when the page gives one ('2014-12-17T14:39+09:00').
        self.published_hour = dt.datetime.fromisoformat(stamp).hour if stamp and "T" in stamp else None
        self.claimed: set[tuple[str, str]] = set()
        self.matched: dict[int, str] = {}  # id(event candidate) -> held or new event id
        self.new_ids: set[str] = set()

    # Claims ---------------------------------------------------------------------

    def claim(self, about: str, field_name: str, candidate: Candidate, why: str, **values) -> None:
        if (about, field_name) in self.claimed or field_name == "exists" and \
                any(c.about == about for c in self.draft.claims):
            return  # one claim per fact and field: the first statement of it
        # A day, a status or a participant says the fact exists.
        implied = about.replace("event_participants/", "events/").split("--")[0]
        if field_name != "exists" or implied != about:
            self.draft.claims[:] = [c for c in self.draft.claims if (c.about, c.field) not in
                                    ((about, "exists"), (implied, "exists"))]
        self.claimed.add((about, field_name))
        sentence = candidate.sentence
        self.draft.claims.append(ClaimDraft(
            about, field_name, values.pop("tense"), sentence, why,
            hedged=self.hedged(sentence), attributed_to=self.attribution(sentence), **values))

    def hedged(self, sentence: str) -> bool:
        return any(c.kind == "hedge" and c.sentence == sentence and "따르면" not in c.text
                   and not REPORTED_SPEECH_RE.search(c.text)
                   for c in self.draft.candidates)

    def attribution(self, sentence: str) -> str | None:
        text = self.texts[sentence]
        found = ATTRIBUTION_RE.search(text)
        names = [c for c in self.draft.candidates if c.kind == "entity" and c.sentence == sentence
                 and c.fields["table"] == "organizations"]
        if found:
            inside = [c for c in names if c.start >= found.start() and c.end <= found.end()]
            if inside:
                return inside[0].fields["id"]
        if re.search(r"(?:밝혔|발표했)다", text):
            subject = [c for c in names if c.text.endswith(("은", "는")) and c.start < 20]
            if subject:
                return subject[0].fields["id"]
        return None

    def tense(self, candidate: Candidate, cue_status: str | None) -> str:
        """after when the report's day is past the event, or its verb says it happened;
        ahead when the event is later than the report (its day, or its part of the day:
        '17일 밤' in a report of 14:39 on the 17th)."""
        f = candidate.fields
        start, end = f.get("start_date"), f.get("end_date")
        if end and dt.date.fromisoformat(end) < self.published:
            return "after"
        if start and dt.date.fromisoformat(start) > self.published:
            return "ahead"
        # A span ('17일 밤 3박4일') has no time of day; its wording says when it starts.
        part = f.get("time_of_day") or part_of_day(f.get("when_ko"))
        if start and dt.date.fromisoformat(start) == self.published and part in PART_OF_DAY_STARTS \
                and self.published_hour is not None and self.published_hour < PART_OF_DAY_STARTS[part]:
            return "ahead"
        sentence = candidate.sentence
        if cue_status == "held" or self._sentence_past(sentence) and not self.hedged(sentence):
            return "after"
        return "ahead"

    def _sentence_past(self, sentence: str) -> bool:
        return bool(re.search(r"(?:했|였|었|았|렸|졌|됐)다\.?$", self.texts[sentence].strip()))

    # Events ---------------------------------------------------------------------

    def event(self, candidate: Candidate) -> None:
        f = candidate.fields
        earlier = self.earlier_event(candidate)
        if earlier is not None:
            # '이번 행사에서는 … 참석해': the event the report spoke of before.
            event = self.held.events.get(earlier)
            self.matched[id(candidate)] = earlier
            if event is not None:
                tense = self.tense(candidate, f["status"])
                self.participants(candidate, event, tense)
            return
        ranked = sorted(((self.score(candidate, e), e.id) for e in self.held.events.values()), reverse=True)
        best = ranked[0] if ranked else (0.0, None)
        runner = ranked[1][0] if len(ranked) > 1 else 0.0
        compared = ", ".join(f"{i} ({s:.1f})" for s, i in ranked[1:4])
        status = f["status"]
        tense = self.tense(candidate, status)
        if best[0] >= MATCH_SCORE and best[0] > runner:
            event = self.held.events[best[1]]
            self.matched[id(candidate)] = event.id
            why = (f"'{candidate.text}' at {candidate.sentence}, matched to {event.id} "
                   f"(score {best[0]:.1f}; next: {compared})")
            self.event_claims(candidate, event, tense, why)
            return
        self.new_event(candidate, tense, compared)

    def earlier_event(self, candidate: Candidate) -> str | None:
        """The event an event word without a name refers back to ('이번 행사')."""
        if not GENERIC_EVENT_RE.fullmatch(candidate.fields["title_ko"] or ""):
            return None
        kinds = ORGANISED_KINDS if "행사" in candidate.fields["title_ko"] else MEETING_KINDS
        before = [c for c in self.draft.candidates if c.kind == "event" and id(c) in self.matched
                  and (c.sentence, c.start) < (candidate.sentence, candidate.start)
                  and c.fields["event_kind"] in kinds]
        return self.matched[id(before[-1])] if before else None

    def event_claims(self, candidate: Candidate, event: HeldEvent, tense: str, why: str) -> None:
        f = candidate.fields
        wording = self.date_wording(candidate)
        dated = self.span_owner(candidate, event)
        if wording is not None:
            self.claim(f"events/{dated.id}", "dates", candidate, why if dated is event else
                       f"{why}; the sentence's days are those of {dated.id}, of which {event.id} is a part",
                       tense=tense, wording_ko=wording[0], inferred=wording[1])
        if dated is not event or wording is None:
            self.claim(f"events/{event.id}", "exists", candidate, why, tense=tense)
        if tense == "after" and f["status"] == "held":
            self.claim(f"events/{event.id}", "status", candidate, why, tense=tense, value="held")
        if f["place"] and f["place"] == dated.place:
            self.claim(f"events/{dated.id}", "place", candidate, why, tense=tense, value=f["place"])
        self.participants(candidate, event, tense)

    def span_owner(self, candidate: Candidate, event: HeldEvent) -> HeldEvent:
        """'18일과 19일 이틀간 … A와 B를 개최': a span of days wider than every day held for
        the event is the span of its parent (an event contains its parts)."""
        f = candidate.fields
        if not f.get("start_date") or f["start_date"] == f["end_date"] or not event.spans:
            return event
        start, end = dt.date.fromisoformat(f["start_date"]), dt.date.fromisoformat(f["end_date"])
        if any(s <= start and end <= e for s, e in event.spans):
            return event
        parent = self.held.events.get(event.parent)
        while parent is not None:
            if any(s == start and e == end for s, e in parent.spans):
                return parent
            parent = self.held.events.get(parent.parent)
        return event

    def participants(self, candidate: Candidate, event: HeldEvent, tense: str) -> None:
        """People named with the event: a claim that each takes part, and a new
        participant for one the event does not have yet."""
        named = [p for p in candidate.fields["people"] if not self.protagonist(p)]
        for entity in named:
            about = f"{event.id}--{entity}"
            if about not in event.participants and len(named) > 1 and candidate.fields["cue_kind"] != "attend":
                continue  # several people met: which one takes part in this event is unsure
            if about not in event.participants:
                self.draft.new_facts.append(NewFact("participants", {
                    "event": event.id, "person": entity, "role": "attendee"},
                    f"named with {event.id} at {candidate.sentence}, not yet its participant (check the role)"))
                event.participants.add(about)
            self.claim(f"event_participants/{about}", "exists", candidate,
                       f"a participant of {event.id} named at {candidate.sentence}", tense=tense)

    def protagonist(self, entity: str) -> bool:
        """One who takes part in most held events (the travelling minister): naming them
        says nothing particular about one event."""
        sharing = sum(1 for e in self.held.events.values() if entity in e.entities)
        return sharing * 2 > len(self.held.events)

    def date_wording(self, candidate: Candidate) -> tuple[str, bool] | None:
        """The report's wording of the event's day and whether it is carried over."""
        f = candidate.fields
        if not f.get("when_ko") or not f.get("start_date") or f.get("same_day_as_sentence"):
            return None
        date = next((c for c in self.draft.candidates if c.kind == "date" and c.sentence == f["date_sentence"]
                     and c.fields.get("when_ko") == f["when_ko"] and "error" not in c.fields), None)
        if date is None:
            return None
        if f["date_basis"] != "stated" and not CARRIED_OVER_RE.match(self.texts[candidate.sentence]):
            return None  # a day is carried over only by '이어', '이어서', '같은 날'
        return date.fields.get("span_ko") or date.fields["when_ko"], f["date_basis"] != "stated"

    def score(self, candidate: Candidate, event: HeldEvent) -> float:
        f = candidate.fields
        score = 0.0
        if f["event_kind"] == event.kind:
            score += 1.0
        elif any(f["event_kind"] in family and event.kind in family for family in KIND_FAMILIES):
            score += 0.5
        names = set(f["people"]) | set(f["organizations"]) | ({f["place"]} - {None})
        for name in names & event.entities:
            sharing = sum(1 for e in self.held.events.values() if name in e.entities)
            score += 2.0 / sharing
        if f["place"] and f["place"] == event.place:
            score += 0.5
        score += 3.0 * _overlap(f["title_ko"], event.title_ko)
        if f.get("start_date") and event.spans:
            start, end = dt.date.fromisoformat(f["start_date"]), dt.date.fromisoformat(f["end_date"])
            if any(start <= e and s <= end for s, e in event.spans):
                score += 1.0
            else:
                score -= 2.0
        return round(score, 2)

    def new_event(self, candidate: Candidate, tense: str, compared: str) -> None:
        f = candidate.fields
        event_id = self.unique(content_id(f["event_kind"], f.get("start_date"), f["main"]))
        self.matched[id(candidate)] = event_id
        record = {"id": event_id, "title_ko": f["title_ko"], "kind": f["event_kind"],
                  "place": f["place"], "organizer": f["organizer"]}
        self.draft.new_facts.append(NewFact("events", record, (
            f"'{candidate.text}' at {candidate.sentence} matches no held event; "
            f"compared with {compared or 'none'}")))
        why = f"the new event {event_id}"
        wording = self.date_wording(candidate)
        if wording is not None:
            self.claim(f"events/{event_id}", "dates", candidate, why, tense=tense,
                       wording_ko=wording[0], inferred=wording[1])
        else:
            self.claim(f"events/{event_id}", "exists", candidate, why, tense=tense)

    def unique(self, wanted: str) -> str:
        taken = set(self.held.events) | set(self.held.mous) | set(self.held.statistics) | self.new_ids
        found, number = wanted, 2
        while found in taken:
            found, number = f"{wanted}-{number}", number + 1
        self.new_ids.add(found)
        return found

    # Memoranda ------------------------------------------------------------------

    def mou(self, candidate: Candidate) -> None:
        f = candidate.fields
        parties = set(f["parties"])
        event_id = next((self.matched[id(e)] for e in self.draft.candidates if e.kind == "event"
                         and e.sentence == f["event_sentence"] and e.start == f["event_start"]
                         and id(e) in self.matched), None)
        ranked = sorted(((2.0 * len(parties & m.parties) / max(len(m.parties), 1)
                          + 3.0 * _overlap(f["title_ko"] or f["quote"][:-len(candidate.text)], m.title_ko)
                          + (1.0 if event_id and m.event == event_id else 0.0), m.id)
                         for m in self.held.mous.values()), reverse=True)
        tense = "after" if f["status"] == "signed" else "ahead"
        compared = ", ".join(f"{i} ({s:.1f})" for s, i in ranked[:3])
        if ranked and ranked[0][0] >= MATCH_SCORE - 0.5 and (len(ranked) == 1 or ranked[0][0] > ranked[1][0]):
            mou_id = ranked[0][1]
            why = f"'{candidate.text}' at {candidate.sentence}, matched to {mou_id} (next: {compared})"
            self.claim(f"mous/{mou_id}", "status", candidate, why, tense=tense, value=f["status"])
            return
        if ranked and ranked[0][0] >= MATCH_SCORE - 0.5:
            self.draft.unmatched.append(f"'{candidate.text}' at {candidate.sentence}: matches "
                                        f"{compared} about equally; claim the right one")
            return
        if not f["title_ko"]:
            self.draft.unmatched.append(f"'{candidate.text}' at {candidate.sentence}: a memorandum "
                                        f"with no title; compared with {compared or 'none'}")
            return
        if not parties:
            self.draft.unmatched.append(f"'{candidate.text}' at {candidate.sentence}: a memorandum "
                                        f"with no party named; compared with {compared or 'none'}")
            return
        mou_id = self.unique(content_id("mou", None, sorted(parties)[0]) + "-" + short_hash(f["title_ko"] or candidate.text))
        self.draft.new_facts.append(NewFact("mous", {
            "id": mou_id, "title_ko": f["title_ko"] or candidate.text, "event": event_id,
            "parties": sorted(parties)}, f"matches no held memorandum; compared with {compared or 'none'}"))
        self.claim(f"mous/{mou_id}", "status", candidate, f"the new memorandum {mou_id}",
                   tense=tense, value=f["status"])

    # Figures --------------------------------------------------------------------

    def figure(self, group: dict) -> None:
        figure = group["figure"]
        f = figure.fields
        if "value" not in f:
            low, high = f["value_low"], f["value_high"]
        else:
            low = high = f["value"]
        wording = _figure_wording(figure.text)
        if wording is None:
            return
        same = [s for s in self.held.statistics.values() if s.unit == f["unit"] and {low, high} <= s.values]
        text = self.texts[figure.sentence]
        if len(same) == 1:
            self.claim(f"statistics/{same[0].id}", "value", figure,
                       f"'{figure.text}' at {figure.sentence}: the value held by {same[0].id}",
                       tense=self.figure_tense(figure), wording_ko=wording)
            return
        if f["unit"] is None:
            return
        indicator = indicator_before(text, figure.start) or figure.text
        country = self.country(figure, text)
        stat_id = self.unique(f"stat-{country.lower()}-{f['unit'].lower()}-{short_hash(indicator + wording)}")
        self.draft.new_facts.append(NewFact("statistics", {
            "id": stat_id, "indicator_ko": indicator, "category": statistic_category(indicator, text),
            "country": country, "unit": f["unit"]},
            f"'{figure.text}' at {figure.sentence}: no held figure has this value (check indicator, category, country)"))
        self.claim(f"statistics/{stat_id}", "value", figure, f"the new figure {stat_id}",
                   tense=self.figure_tense(figure), wording_ko=wording)

    def figure_tense(self, figure: Candidate) -> str:
        """A figure is reported as it stands (after), a planned or expected one ahead."""
        return "ahead" if self.hedged(figure.sentence) else "after"

    def country(self, figure: Candidate, text: str) -> str:
        return figure.fields.get("country") or sentence_country(text, figure.start)


def _overlap(a: str | None, b: str | None) -> float:
    """Shared character pairs of two titles (spaces and punctuation aside), 0..1."""
    def pairs(text):
        text = re.sub(r"[\s‘’“”'\"·‧()\-]", "", text or "")
        return {text[i:i + 2] for i in range(len(text) - 1)}
    left, right = pairs(a), pairs(b)
    if not left or not right:
        return 0.0
    return len(left & right) / min(len(left), len(right))


def _figure_wording(text: str) -> str | None:
    """The figure's wording as the build reads it ('4조달러를 넘을' -> '4조달러')."""
    for candidate in (text, re.split(r"(?<=[\d가-힣%])(?:을|를|이|가|은|는|에|로)?\s", text)[0]):
        try:
            parse_korean_range(candidate)
            return candidate
        except ValueError:
            continue
    return None
