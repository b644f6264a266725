"""Write a Draft (newsdb/draft/propose.py) in the curated article format of sources/articles.

This is the only module that knows the curated YAML; when the format changes, this
changes and the extraction does not. Every candidate is a block of its own, introduced
by a comment, so that accepting a candidate means keeping its lines and rejecting it
means deleting them. Everything written as YAML builds as it stands (values the build
computes are written only where the build computes the same ones); what cannot be a
record yet (a range of values, an event without a date, a proposed registry entry) is
written as a comment.
"""
from __future__ import annotations

import json
import re

from newsdb.curated.models import SUMMARY_PLACEHOLDER
from newsdb.draft.propose import (
    Candidate,
    Draft,
    content_id,
    indicator_before,
    short_hash,
    sentence_country,
    statistic_category,
    statistic_groups,
)

SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/article.schema.json"
_PLAIN = re.compile(r"^[가-힣A-Za-z‘“(][^:#{}\[\]&*!|>%@`\"]*$")
_RESERVED = {"yes", "no", "true", "false", "null", "on", "off", "y", "n", "~"}


def scalar(value) -> str:
    """A YAML 1.2 scalar: plain when unambiguous, else a JSON (double-quoted) string."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    text = str(value)
    if _PLAIN.match(text) and text == text.strip() and text.lower() not in _RESERVED \
            and ": " not in text and " #" not in text and not text.endswith(":"):
        return text
    return json.dumps(text, ensure_ascii=False)


def _block(lines: list[str], fields: list[tuple[str, object]], indent: str = "    ") -> None:
    first = True
    for key, value in fields:
        if value is None or value == []:
            continue
        prefix = f"{indent[:-2]}- " if first else indent
        first = False
        if isinstance(value, list):
            lines.append(f"{prefix}{key}:")
            for item in value:
                if isinstance(item, dict):
                    inner = ", ".join(f"{k}: {scalar(v)}" for k, v in item.items())
                    lines.append(f"{indent}  - {{{inner}}}")
                else:
                    lines.append(f"{indent}  - {scalar(item)}")
        else:
            lines.append(f"{prefix}{key}: {scalar(value)}")


def _comment(text: str) -> str:
    return "# " + text.replace("\n", " ")


def write_draft(draft: Draft, article_id: str, source_file: str, drop_paragraphs: list[str]) -> str:
    texts = {s.key: s.text for s in draft.sentences}
    events, event_ids = _events(draft)
    lines = [
        SCHEMA_LINE,
        f"# DRAFT of {source_file}, proposed by `newsdb draft`. Every candidate is one block",
        "# introduced by a comment: keep the blocks that are right, delete the others, check",
        "# the guesses marked 'check', then rename this file to "
        f"{article_id}.yml. Sentence keys:",
    ]
    lines += [f"#   {s.key}  {s.text}" for s in draft.sentences]
    lines += ["", "article:"]
    _block(lines, [("id", article_id)], "  ")
    lines[-1] = lines[-1].replace("- id", "  id")
    lines += [f"  source_file: {scalar(source_file)}", '  utc_offset: "+09:00"', "  language: ko"]
    if drop_paragraphs:
        lines.append(f"  drop_paragraphs: [{', '.join(scalar(p) for p in drop_paragraphs)}]")
    notes: list[list[str]] = []
    lines += ["", "events:"]
    for candidate in events:
        lines += _event_block(draft, candidate, event_ids, notes)
    lines += ["", "statistics:"]
    groups = statistic_groups(draft.candidates, texts)
    stat_ids = _ids("stat", [g["figure"] or g["rank"] for g in groups], texts)
    for group in groups:
        lines += _statistic_block(draft, group, groups, stat_ids, texts, notes)
    lines += ["", "mous:"]
    mou_ids = _ids("mou", draft.of_kind("mou"), texts)
    for candidate in draft.of_kind("mou"):
        lines += _mou_block(candidate, mou_ids, event_ids, draft)
    lines += ["", "notes:"]
    for note in notes:
        lines += note
    lines += _leftovers(draft, groups)
    if len(lines) and lines[-1] != "":
        lines.append("")
    return "\n".join(_empty_lists(lines))


def _empty_lists(lines: list[str]) -> list[str]:
    """'events:' with no item is written 'events: []' (YAML would read it as null)."""
    out = []
    for index, line in enumerate(lines):
        if re.fullmatch(r"(events|statistics|mous|notes):", line):
            following = next((l for l in lines[index + 1:] if l.strip() and not l.lstrip().startswith("#")), "")
            if not following.startswith(" "):
                line += " []"
        out.append(line)
    return out


def _ids(prefix: str, candidates: list[Candidate], texts: dict[str, str] | None = None) -> dict[int, str]:
    """Ids from what each fact is, never from where it is: an event is its kind, day and
    main participant ('meeting-2014-12-19-lei-jun'); a figure or a memorandum its wording
    and a short hash of its sentence. Two drafts give two facts the same id only when they
    are the same fact; within one draft a repeated id takes -2, -3."""
    ids, taken = {}, set()
    for candidate in candidates:
        f = candidate.fields
        if prefix == "event":
            wanted = content_id(f["event_kind"], f.get("start_date"), f.get("main"))
        else:
            sentence = (texts or {}).get(candidate.sentence, "")
            wanted = f"{prefix}-{short_hash(sentence + '|' + candidate.text)}"
        found, number = wanted, 2
        while found in taken:
            found, number = f"{wanted}-{number}", number + 1
        taken.add(found)
        ids[id(candidate)] = found
    return ids


# Events -----------------------------------------------------------------------------

def _events(draft: Draft) -> tuple[list[Candidate], dict[int, str]]:
    events = draft.of_kind("event")
    return events, _ids("event", events)


def _anchor_event(draft: Draft, sentence_key: str | None, event_ids, before: Candidate) -> str | None:
    """An event dated by a day wording in `sentence_key`, for same_day_as."""
    for event in draft.of_kind("event"):
        if event is before:
            return None
        if event.sentence == sentence_key and event.fields["date_sentence"] == sentence_key \
                and event.fields["when_ko"] and not event.fields.get("same_day_as_sentence"):
            return event_ids[id(event)]
    return None


def _day_wording(draft: Draft, sentence_key: str | None) -> Candidate | None:
    days = [c for c in draft.of_kind("date") if c.sentence == sentence_key and "error" not in c.fields
            and c.fields.get("when_ko") and not c.fields.get("same_day_as_sentence")]
    return days[-1] if days else None


def _event_block(draft: Draft, event: Candidate, event_ids, notes) -> list[str]:
    f = event.fields
    event_id = event_ids[id(event)]
    head = (f"  # candidate {event_id}: cue '{event.text}' at {event.sentence} "
            f"[{event.start}:{event.end}], kind {f['event_kind']} (check)")
    when = _when(draft, event, event_ids)
    if when is None:
        return [head, "  # no date found before this cue: add when_ko by hand to keep it", _comment(
            f"  - title_ko: {f['title_ko']}  quote: {f['quote']}"), ""]
    when_ko, when_sentence, same_day_as, time_ko, basis, shown = when
    participants = [{"person": p, "role": "attendee"} for p in f["people"]]
    lines = [head, f"  # date: {shown} -> {f.get('start_date')}..{f.get('end_date')} ({basis})"]
    _block(lines, [
        ("id", event_id), ("title_ko", f["title_ko"]), ("kind", f["event_kind"]),
        ("when_ko", when_ko), ("when_sentence", when_sentence), ("same_day_as", same_day_as),
        ("time_ko", time_ko), ("date_basis", basis), ("place", f["place"]),
        ("organizer", f["organizer"]), ("status", f["status"]),
        ("sentence", event.sentence), ("quote", f["quote"]), ("participants", participants),
    ])
    lines.append("")
    if basis == "inferred":
        notes.append([
            f"  # goes with {event_id}: an inferred date needs a note",
            *_note_lines(f"note-{event_id}-date", "events", event_id, when_sentence or event.sentence,
                         when_ko, f"The event's sentence gives no day; the date is read from "
                         f"{when_sentence or event.sentence} ('{shown}'). Check it."),
        ])
    return lines


def _when(draft: Draft, event: Candidate, event_ids):
    """when_ko, when_sentence, same_day_as, time_ko, date_basis and the wording shown."""
    f = event.fields
    date_sentence = f["date_sentence"]
    if date_sentence is None:
        return None
    other = date_sentence if date_sentence != event.sentence else None
    basis = f["date_basis"]
    if not f.get("same_day_as_sentence"):
        return f["when_ko"], other, None, None, basis, f["when_ko"]
    # '이날 오후' or a bare '오후': the day of an earlier sentence.
    anchor = _anchor_event(draft, f["same_day_as_sentence"], event_ids, event)
    wording = f["when_ko"] or f["time_ko"]
    if anchor is not None:
        time_ko = f["time_ko"] if f["when_ko"] and other is None else None
        return wording, other, anchor, time_ko, basis, " ".join(filter(None, (f["when_ko"], f["time_ko"])))
    day = _day_wording(draft, f["same_day_as_sentence"])
    if day is None:
        return None
    time_ko = f["time_ko"] if other is None else None
    return day.fields["when_ko"], day.sentence, None, time_ko, "inferred", day.text


def _note_lines(note_id: str, table: str, about: str, sentence: str | None, quote: str | None,
                text: str, kind: str = "inference") -> list[str]:
    lines: list[str] = []
    _block(lines, [("id", note_id), ("kind", kind), ("about_table", table), ("about_id", about),
                   ("sentence", sentence if quote else None), ("quote", quote), ("note_en", text)])
    return lines + [""]


# Statistics -------------------------------------------------------------------------

def _statistic_block(draft: Draft, group: dict, groups, stat_ids, texts, notes) -> list[str]:
    figure, rank, period = group["figure"], group["rank"], group["period"]
    key = group["sentence"]
    text = texts[key]
    main = figure or rank
    stat_id = stat_ids[id(main)]
    start = _clause(text, main.start)
    end = max(c.end for c in (figure, rank) if c is not None)
    quote = text[start:end]
    head = f"  # candidate {stat_id}: {' + '.join(c.text for c in (figure, rank, period) if c)} at {key}"
    if figure is not None and "value_low" in figure.fields:
        f = figure.fields
        return [head, "  # a range: the format has no field for two values yet; keep it as a note or",
                f"  # record one bound. value_low {scalar(f['value_low'])}, value_high "
                f"{scalar(f['value_high'])}, unit {f['unit']}, qualifier {f['qualifier']}", ""]
    indicator = indicator_before(text, main.start) or text[start:main.start].strip() or main.text
    fields: list[tuple[str, object]] = [
        ("id", stat_id), ("indicator_ko", indicator),
        ("category", statistic_category(indicator, text)),
        ("country", main.fields.get("country") or sentence_country(text, main.start)),
    ]
    if figure is not None:
        f = figure.fields
        fields += [("value_text_ko", figure.text), ("value", f["value"]), ("unit", f["unit"]),
                   ("qualifier", f["qualifier"]), ("basis", f.get("basis"))]
        ratio = _ratio_parts(figure, groups, stat_ids) if f["unit"] == "ratio" else None
        if ratio:
            fields += [("ratio_of", ratio[0]), ("compared_to", ratio[1])]
    if period is not None and period.fields.get("period"):
        fields += [("period_ko", period.text), ("period", period.fields["period"])]
    scope_note = None
    if rank is not None:
        r = rank.fields
        scope = r["rank_scope"] or r.get("rank_scope_guess") or "world"
        fields += [("rank_ko", rank.text), ("rank", r["rank"]), ("rank_scope", scope)]
        if r["rank_scope"] is None:
            scope_note = scope
    fields += [("sentence", key), ("quote", quote)]
    lines = [head + " (check indicator, category, country)"]
    _block(lines, fields)
    lines.append("")
    if scope_note:
        notes.append([f"  # goes with {stat_id}: its rank names no scope",
                      *_note_lines(f"note-{stat_id}-scope", "statistics", stat_id, key, rank.text,
                                   f"'{rank.text}' names no scope; '{scope_note}' is taken from the "
                                   "rank before it in the sentence. Check it.")])
    return lines


def _clause(text: str, position: int) -> int:
    from newsdb.draft.propose import _clause_start

    return _clause_start(text, position)


def _ratio_parts(figure: Candidate, groups, stat_ids) -> tuple[str, str] | None:
    """'A로 한국 B의 4.7배': the two figures of one unit before the ratio in its sentence."""
    before = [g["figure"] for g in groups if g["figure"] is not None and g["sentence"] == figure.sentence
              and g["figure"].end <= figure.start and g["figure"].fields.get("unit") not in ("ratio", None)
              and "value" in g["figure"].fields]
    if len(before) < 2 or before[-1].fields["unit"] != before[-2].fields["unit"]:
        return None
    return stat_ids[id(before[-2])], stat_ids[id(before[-1])]


# MOUs -------------------------------------------------------------------------------

def _mou_block(mou: Candidate, mou_ids, event_ids, draft: Draft) -> list[str]:
    f = mou.fields
    mou_id = mou_ids[id(mou)]
    event = next((e for e in draft.of_kind("event") if e.sentence == f["event_sentence"]
                  and e.start == f["event_start"]), None)
    head = f"  # candidate {mou_id}: '{mou.text}' at {mou.sentence} [{mou.start}:{mou.end}] (check parties)"
    if len(f.get("subjects", ())) > 1:
        head += "\n  # one memorandum on " + "; ".join(f"'{s}'" for s in f["subjects"]) + " (titled by the first)"
    if not f["parties"] or f["status"] == "signed" and event is None:
        return [head, "  # no parties or no signing date found: complete it by hand",
                _comment(f"  - title_ko: {f['title_ko']}  quote: {f['quote']}"), ""]
    lines = [head]
    _block(lines, [
        ("id", mou_id), ("title_ko", f["title_ko"] or mou.text), ("status", f["status"]),
        ("event", event_ids[id(event)] if event else None),
        ("signed_date", event.fields["start_date"] if f["status"] == "signed" else None),
        ("parties", f["parties"]), ("sentence", mou.sentence), ("quote", f["quote"]),
    ])
    return lines + [""]


# What no record holds ---------------------------------------------------------------

def _leftovers(draft: Draft, groups) -> list[str]:
    used = {id(g["period"]) for g in groups if g["period"] is not None}
    lines = ["", "# Periods no statistic above took (give one to a statistic as period_ko):"]
    lines += [f"#   {c.sentence} [{c.start}:{c.end}] {c.text} -> {c.fields.get('period') or c.fields.get('error')}"
              for c in draft.of_kind("period") if id(c) not in used]
    lines += ["# Dates and times found (events above use the ones near their cue):"]
    lines += [f"#   {c.sentence} [{c.start}:{c.end}] {c.text} -> "
              + (c.fields.get("error") or f"{c.fields['start_date']}..{c.fields['end_date']} "
                 f"{c.fields.get('time_of_day') or ''} {c.fields.get('time') or ''} ({c.fields['precision']})")
              for c in draft.of_kind("date")]
    lines += ["# Hedged or attributed wording (say so in a note when a figure depends on it):"]
    lines += [f"#   {c.sentence} [{c.start}:{c.end}] {c.text}" for c in draft.of_kind("hedge")]
    lines += ["# Registry names found (the build links these mentions itself):"]
    for key in dict.fromkeys(c.sentence for c in draft.of_kind("entity")):
        names = ", ".join(dict.fromkeys(f"{c.text}={c.fields['id']}" for c in draft.of_kind("entity")
                                        if c.sentence == key))
        lines.append(f"#   {key}: {names}")
    proposed = {}
    for candidate in draft.of_kind("new_entity"):
        proposed.setdefault(candidate.fields["name"], candidate)
    if proposed:
        lines += ["# Proper nouns no registry entry names: proposed entries for sources/registry/",
                  "# (add the ones that are organizations, people or places; fill id and the rest):"]
        for name, candidate in proposed.items():
            lines.append(f"#   {candidate.fields['table']}.yml: - {{id: ?, name_ko: {name}}}"
                         f"  # first at {candidate.sentence} [{candidate.start}:{candidate.end}] {candidate.text}")
    return lines


# Citations --------------------------------------------------------------------------

CITATION_SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/citation.schema.json"
# Longest excerpt of a removed page line shown in a citation draft: enough to recognise
# the line, never a sentence of the report.
REMOVED_EXCERPT = 16


def write_citation(draft, report_name: str) -> str:
    """The citation draft (newsdb/draft/cite.py) in the format of sources/citations."""
    page = draft.page
    todo = f"{SUMMARY_PLACEHOLDER}: in your own words"
    lines = [
        CITATION_SCHEMA_LINE,
        f"# DRAFT of a citation of {report_name}, proposed by `newsdb cite`. No sentence of the",
        "# report is kept. Each claim is one block introduced by a comment saying what it was",
        "# matched with: keep the right ones, delete the others, write every summary_en in your",
        f"# own words (the build refuses '{SUMMARY_PLACEHOLDER}'), then rename this file to {draft.id}.yml.",
    ]
    for flag in draft.already_held:
        lines.append(f"# ALREADY HELD? {flag}: check before adding this report.")
    if page.removed:
        lines.append(f"# Removed from the page ({len(page.removed)} lines; line: why, start):")
        for removed in page.removed:
            excerpt = removed.text if len(removed.text) <= REMOVED_EXCERPT else removed.text[:REMOVED_EXCERPT] + "…"
            lines.append(f"#   {removed.line}: {removed.why}, {excerpt}")
    lines += ["citation:", f"  id: {draft.id}"]
    outlet = page.outlet
    lines.append(f"  outlet_ko: {scalar(outlet.outlet_ko if outlet else None)}"
                 + ("" if outlet else f"  # {SUMMARY_PLACEHOLDER}: no outlet found on the page"))
    lines.append(f"  outlet_en: {scalar(outlet.outlet_en if outlet else None)}"
                 + ("" if outlet and outlet.outlet_en else "  # not in newsdb/draft/outlets.yml: give it"))
    if page.outlet_basis:
        lines[-2] += f"  # from the {page.outlet_basis}"
    lines.append(f"  url: {scalar(page.url)}" + ("" if page.url else "  # give the page's URL"))
    if page.author_ko:
        lines.append(f"  author_ko: {scalar(page.author_ko)}")
    basis = {"url": "the day in the URL", "date line": "the page's date line", "given": "--published"}
    lines.append(f"  published_at: {page.published_at}  # from {basis.get(page.published_basis, '?')}")
    if page.headline_ko:
        lines.append(f"  headline_ko: {scalar(page.headline_ko)}")
    lines.append(f"  summary_en: {scalar(todo + ', what the report says')}")
    for table in ("events", "mous", "statistics", "participants"):
        facts = [f for f in draft.new_facts if f.table == table]
        if not facts:
            continue
        lines += ["", f"{table}:"]
        for fact in facts:
            lines.append(f"  # new: {fact.why}")
            _block(lines, list(fact.record.items()))
    lines += ["", "claims:"]
    for claim in draft.claims:
        lines.append(f"  # {claim.why}")
        _block(lines, [
            ("about", claim.about), ("field", claim.field), ("wording_ko", claim.wording_ko),
            ("value", claim.value), ("tense", claim.tense), ("hedged", claim.hedged or None),
            ("inferred", claim.inferred or None), ("attributed_to", claim.attributed_to),
            ("summary_en", f"{todo}, what the report says of this"),
        ])
    if not draft.claims:
        lines[-1] = "claims: []  # nothing matched and nothing new: a citation needs one claim"
    if draft.unmatched:
        lines += ["", "# Found, but neither a held fact nor a complete new one (add by hand):"]
        lines += [f"#   {text}" for text in draft.unmatched]
    return "\n".join(lines) + "\n"
