"""One proposal per real event in an article's draft.

A Korean report names an event several times: the lead and a summary sentence list the
programme ('17일부터 사흘간 A, B, C 등을 개최한다'), and a later sentence gives each item
its day ('18일 오전에는 A를 개최'). A draft proposes each event once, at the mention that
dates it most precisely. And the summary sentence itself describes an event: a stated
span of several days over which two or more events are listed is the programme (the
trip) or, where it names a city, the leg spent there.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from itertools import groupby

# The candidates are newsdb.draft.propose's Candidate objects and the registry its
# Registry; propose.py calls this module, so it names them without importing them.


# Kinds that name the same sort of occasion: a mention of one may be the other (also how
# a citation's event is matched to a held one, newsdb/draft/cite.py).
KIND_FAMILIES = [
    {"visit", "inspection", "official_visit"},
    {"meeting", "ministerial_meeting"},
    {"expo", "showcase", "investor_presentation", "workshop"},
]
# Kinds whose identity is who is met or what is visited (the event's main participant);
# the others (organised events) are told apart by their names.
PARTY_KINDS = {"visit", "inspection", "meeting"}
# Meeting a company's head and visiting the company are one occasion.
MEET_OR_VISIT = {"meeting", "visit"}
# A title that is only the cue's noun names no particular event ('이번 방문에서').
GENERIC_TITLES = {"방문", "시찰", "면담", "회의", "행사", "회담", "만남", "일정", "출장"}
NOT_TITLE_RE = re.compile(r"[\s‘’'“”\"()·‧,.\-]|행사$")


def one_per_event(candidates: list[Candidate], registry: Registry,
                  texts: dict[str, str]) -> list[Candidate]:
    """The candidates with umbrella events added and repeated mentions of an event
    dropped, keeping each event's most precise mention."""
    candidates = _with_umbrellas(candidates, registry, texts)
    events = [c for c in candidates if c.kind == "event"]
    per_sentence = Counter(event.sentence for event in events)
    order = {c.sentence: i for i, c in enumerate(candidates)}
    kept: list[Candidate] = []
    for event in sorted(events, key=lambda e: _preference(e, per_sentence, order)):
        if not any(k.sentence != event.sentence and same_event(event, k, registry) for k in kept):
            kept.append(event)
    dropped = {id(e) for e in events} - {id(k) for k in kept}
    return [c for c in candidates if id(c) not in dropped]


def _preference(event: Candidate, per_sentence: dict[str, int], order: dict[str, int]):
    """Named before generic; a day before a span or window before no date; stated before
    inferred; a sentence about fewer events (a summary lists many); the later sentence."""
    f = event.fields
    precision = 2 if not f.get("start_date") else 0 if f["start_date"] == f["end_date"] else 1
    return (_is_generic(event), precision, f.get("date_basis") != "stated",
            per_sentence[event.sentence], -order[event.sentence])


def same_event(a: Candidate, b: Candidate, registry: Registry) -> bool:
    """Could the two mentions be of one event: kinds alike, days compatible, and the
    same name or the same party met or visited (a generic mention: any of its kind)."""
    kind_a, kind_b = a.fields["event_kind"], b.fields["event_kind"]
    party = _party(a, registry)
    same_party = party is not None and party == _party(b, registry)
    alike = kind_a == kind_b or any(kind_a in f and kind_b in f for f in KIND_FAMILIES)
    if not alike and not ({kind_a, kind_b} <= MEET_OR_VISIT and same_party):
        return False
    if not _days_compatible(a.fields, b.fields):
        # One name is one event even where the report's summary span and the event's own
        # day disagree (a programme of '사흘간' from the 17th with an item on the 20th).
        return _same_name(a, b)
    if _is_generic(a) or _is_generic(b):
        return True
    if kind_a in PARTY_KINDS and kind_b in PARTY_KINDS and same_party:
        return True
    return similar_titles(a.fields["title_ko"], b.fields["title_ko"])


def similar_titles(a: str, b: str) -> bool:
    """'한‧중 과학기술장관회의' and '한중과기장관회의'; 'K-테크 차이나 2014 행사' and
    'ICT 중소기업 수출박람회(K-테크 차이나 2014)': one name contains the other, or they
    share most of their character pairs."""
    a, b = _name(a), _name(b)
    if len(a) < 2 or len(b) < 2:
        return False
    if min(len(a), len(b)) >= 4 and (a in b or b in a):
        return True
    pairs_a = {a[i:i + 2] for i in range(len(a) - 1)}
    pairs_b = {b[i:i + 2] for i in range(len(b) - 1)}
    return 2 * len(pairs_a & pairs_b) / (len(pairs_a) + len(pairs_b)) >= 0.6


def _name(title: str | None) -> str:
    """A title without spaces, quotes, brackets, dots and a closing '행사'."""
    return NOT_TITLE_RE.sub("", title or "")


def _same_name(a, b) -> bool:
    name_a = _name(a.fields["title_ko"])
    return len(name_a) >= 4 and name_a == _name(b.fields["title_ko"])


def _is_generic(event: Candidate) -> bool:
    return _name(event.fields["title_ko"]) in GENERIC_TITLES | {""}


def _party(event: Candidate, registry: Registry) -> str | None:
    """Who is met or what is visited; a person stands for the organization they head."""
    main = event.fields.get("main")
    return registry.affiliations.get(main, main)


def _days_compatible(a: dict, b: dict) -> bool:
    """Undated, or one's days inside the other's."""
    if not a.get("start_date") or not b.get("start_date"):
        return True
    inside = lambda x, y: y["start_date"] <= x["start_date"] and x["end_date"] <= y["end_date"]
    return inside(a, b) or inside(b, a)


def _with_umbrellas(candidates: list[Candidate], registry: Registry,
                    texts: dict[str, str]) -> list[Candidate]:
    """Each summary sentence's umbrella event, placed before the events it lists (the
    candidates come sentence by sentence)."""
    out: list[Candidate] = []
    for sentence, group in groupby(candidates, key=lambda c: c.sentence):
        here = list(group)
        umbrella = _umbrella(here, registry, texts[sentence])
        if umbrella is not None:
            first = next(i for i, c in enumerate(here) if c.kind == "event")
            here.insert(first, umbrella)
        out += here
    return out


def _umbrella(here: list[Candidate], registry: Registry, text: str) -> Candidate | None:
    """The programme or leg a sentence describes when it lists two or more events over
    a stated span of days ('18일과 19일 이틀간 북경에서 A를 개최하고 B를 시찰')."""
    listed = [c for c in here if c.kind == "event" and not _is_generic(c)]
    if len(listed) < 2:
        return None
    first = listed[0].fields
    if first.get("date_basis") != "stated" or not first.get("start_date") \
            or first["start_date"] == first["end_date"] \
            or any(e.fields.get("start_date") != first["start_date"]
                   or e.fields.get("end_date") != first["end_date"] for e in listed):
        return None
    city = next((c for c in here if c.kind == "entity" and c.fields["table"] == "places"
                 and registry.place_kinds.get(c.fields["id"]) in ("city", "district")
                 and c.start < listed[-1].end), None)
    kind = "visit" if city else "official_visit"
    title = f"{city.fields['name']} 방문" if city else f"{first['title_ko']} 등 일정"
    start = min(e.fields["quote_start"] for e in listed)
    fields = dict(first, cue_kind=kind, event_kind=kind, title_ko=title,
                  quote_start=start, quote=text[start:listed[-1].end],
                  place=city.fields["id"] if city else None,
                  main=city.fields["id"] if city else first.get("organizer") or first.get("main"))
    return replace(listed[0], fields=fields)
