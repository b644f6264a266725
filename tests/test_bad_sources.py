"""Corrupted sources: each gives its exact error, exits non-zero, prints no traceback and
leaves the previous database byte-identical.

Every case copies a frozen set of sources (tests/fixtures/sources/: the curated data as it
was when the cases were written) and applies a small edit. The real `sources/` folder is
never edited, so a curator who adds a report there (a new place in Beijing with the same
coordinates, a second claim with the same wording) cannot break a case. Expected lines
name the line through an anchor text (the line where that text first occurs in the
edited file).
"""
from __future__ import annotations

import errno
import shutil
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsdb.store.build import build, collect
from newsdb.store.finishers import FINISHERS

ROOT = Path(__file__).resolve().parent.parent
# The sources every case starts from: a frozen copy, not the curated folder.
BASE = Path(__file__).parent / "fixtures" / "sources"
ARTICLE = "articles/2014-12-17-msip-minister-china-visit"
ART = f"{ARTICLE}.yml"
TXT = f"{ARTICLE}.txt"
ORGS, PEOPLE, PLACES = "registry/organizations.yml", "registry/people.yml", "registry/places.yml"
ETNEWS = "citations/etnews-2014-12-17-minister-china-trip.yml"
ETODAY = "citations/etoday-2014-12-18-ministers-meeting.yml"
RELEASE = "citations/msip-2014-12-09-joint-committee-release.yml"
FNNEWS = "citations/fnnews-2014-12-17-minister-china-trip.yml"
SEDAILY = "citations/sedaily-2014-12-17-k-tech-china.yml"
# A claim of the afternoon, added to a report whose claim of the same event's dates
# already says 18일 오전 (the morning): the example of issue 20.
CLAIMED_AFTERNOON = ("  - field: time_of_day\n"
                     "    about: events/korea-china-st-ministerial-meeting-2014\n"
                     "    wording_ko: 오후\n    tense: after\n"
                     "    summary_en: The meeting is in the afternoon.\n")
EVENT_FIELDS = (
    "attributed_to, hedged, sentence, quote, id, title_ko, title_en, kind, when_ko, when_sentence, same_day_as, "
    "time_ko, date_basis, start_date, end_date, time_of_day, place, organizer, status, "
    "parent_event, description_en, participants"
)


# Edits ------------------------------------------------------------------------------

def replace(file: str, old: str, new: str, after: str | None = None):
    """Replace `old`, which must occur once in the file, or, given `after`, its first
    occurrence after the (single) text `after`."""
    def edit(sources: Path) -> None:
        path = sources / file
        text = path.read_text(encoding="utf-8")
        anchor = old if after is None else after
        assert text.count(anchor) == 1, f"{anchor!r} must occur once in {file}"
        start = text.index(anchor)
        assert old in text[start:], f"{old!r} must occur after {anchor!r} in {file}"
        path.write_text(text[:start] + text[start:].replace(old, new, 1), encoding="utf-8")
    return edit


def write_bytes(file: str, content: bytes):
    def edit(sources: Path) -> None:
        (sources / file).write_bytes(content)
    return edit


def transcode(file: str, encoding: str):
    """Save the file in a legacy encoding, as an editor set to it would."""
    def edit(sources: Path) -> None:
        path = sources / file
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding, errors="replace"))
    return edit


def delete(file: str):
    def edit(sources: Path) -> None:
        (sources / file).unlink()
    return edit


def delete_folder(folder: str):
    def edit(sources: Path) -> None:
        shutil.rmtree(sources / folder)
    return edit


def rename(file: str, new_file: str):
    def edit(sources: Path) -> None:
        (sources / file).rename(sources / new_file)
    return edit


def copy_as(file: str, new_file: str, old: str, new: str):
    """A copy of `file` saved as `new_file`, with `old` (once in the file) replaced."""
    def edit(sources: Path) -> None:
        text = (sources / file).read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} must occur once in {file}"
        (sources / new_file).write_text(text.replace(old, new), encoding="utf-8")
    return edit


@dataclass(frozen=True)
class Error:
    """An expected error line: file, the line it names (the line where an anchor text
    first occurs, a line number, or None for no line) and what follows `file:line: `.
    `{0}`, `{1}`... in the message are the lines of the anchors in `refs` (an anchor
    in another file is given as (file, anchor))."""

    file: str
    anchor: str | int | None
    message: str
    refs: tuple = ()

    def render(self, sources: Path) -> str:
        where = f"sources/{self.file}"
        if self.anchor is not None:
            where += f":{self._line(sources, self.anchor)}"
        message = self.message.format(*(self._line(sources, ref) for ref in self.refs))
        return f"error: {where}: {message}"

    def _line(self, sources: Path, anchor: str | int | tuple[str, str]) -> int:
        if isinstance(anchor, int):
            return anchor
        # A ref in another file is (file, anchor).
        file, anchor = anchor if isinstance(anchor, tuple) else (self.file, anchor)
        # errors="replace": the ASCII anchors of a file saved in another encoding still
        # match.
        text = (sources / file).read_text(encoding="utf-8", errors="replace")
        lines = text.split("\n")
        return next(n for n, text in enumerate(lines, 1) if anchor in text)


@dataclass(frozen=True)
class Case:
    name: str
    edits: tuple
    errors: tuple[Error, ...]


def case(name, edits, *errors) -> Case:
    return Case(name, tuple(edits) if isinstance(edits, list) else (edits,), errors)


KIND_EXHIBITION = Error(
    ART, "    kind: exhibition",
    "record 'k-tech-china-2014' field 'kind': expected one of 'official_visit', 'visit', "
    "'ministerial_meeting', 'expo', 'showcase', 'inspection', 'meeting', "
    "'investor_presentation', 'workshop' or 'joint_committee', got 'exhibition'")
TEXT_MISSING = Error(
    ART, "  source_file: 2014-12-17",
    "record '2014-12-17-msip-minister-china-visit' field 'source_file': article text file "
    f"sources/{TXT} is missing: expected the verbatim article beside this file")


def at_edit(name: str, file: str, old: str, new: str, message: str,
            after: str | None = None) -> Case:
    """One replacement whose error names the edited line."""
    return case(name, replace(file, old, new, after), Error(file, new.split("\n")[0], message))


def shanghai_start_date(name: str, value: str, message: str) -> Case:
    """The Shanghai leg's start date (2014-12-20, from when_ko '20일') written as `value`."""
    return case(name,
                replace(ART, "    start_date: 2014-12-20\n", f"    start_date: {value}\n",
                        after="  - id: shanghai-leg-2014"),
                Error(ART, f"    start_date: {value}",
                      f"record 'shanghai-leg-2014' field 'start_date': {message}"))


CASES = [
    # YAML itself
    case("invalid_yaml", replace(PEOPLE, "  name_ko: 최양희", "  name_ko: [최양희"),
         Error(PEOPLE, "  name_en: Choi Yang-hee",
               "invalid YAML: expected ',' or ']', but got ':'")),
    case("yaml_duplicate_key",
         replace(PEOPLE, "  name_en: Wan Gang\n", "  name_en: Wan Gang\n  name_en: W. Gang\n"),
         Error(PEOPLE, "  name_en: W. Gang", "invalid YAML: duplicate key 'name_en'")),
    at_edit("yaml_tab_indent", PEOPLE, "  name_en: Wan Gang\n", "\tname_en: Wan Gang\n",
            "invalid YAML: found character '\\t' that cannot start any token"),
    case("yaml_not_utf8", transcode(PEOPLE, "euc-kr"),
         Error(PEOPLE, "  name_ko:",
               "file is not valid UTF-8 (invalid continuation byte): expected UTF-8 "
               "text; re-save the file as UTF-8")),
    case("registry_file_empty", write_bytes(PEOPLE, b""),
         Error(PEOPLE, None, "file is empty: expected the people registry (a YAML list of "
                             "records)")),
    case("article_file_empty", write_bytes(ART, b""),
         Error(ART, None, "file is empty: expected the article file")),
    at_edit("registry_not_a_list", PLACES, "- id: china\n", "china:\n- id: china\n",
            "expected a YAML list of places records, got a mapping"),
    case("registry_file_missing", delete(PLACES),
         Error(PLACES, None, "file is missing: expected the places registry (a YAML list of "
                             "records)")),
    # Shape of records
    case("missing_required_field",
         replace(ORGS, "  country: KR\n  kind: government_ministry\n", "  country: KR\n"),
         Error(ORGS, "- id: msip", "record 'msip' field 'kind': required field is missing")),
    case("unknown_field_typo",
         replace(ART, "    quote: 18일 오전에는", "    qoute: 18일 오전에는"),
         Error(ART, "  - id: korea-china-st-ministerial-meeting-2014",
               "record 'korea-china-st-ministerial-meeting-2014' field 'quote': required "
               "field is missing"),
         Error(ART, "    qoute: 18일 오전에는",
               "record 'korea-china-st-ministerial-meeting-2014' field 'qoute': unknown "
               f"field (did you mean 'quote'?); expected one of: {EVENT_FIELDS}")),
    at_edit("wrong_type_number", PLACES, "  latitude: 39.9042", "  latitude: north",
            "record 'beijing' field 'latitude': expected a number, got 'north'"),
    at_edit("wrong_type_list", ART, "    parties: [msip, most-china]\n", "    parties: msip\n",
            "record 'mou-industry-academia-research-joint-research' field 'parties': "
            "expected a list, got 'msip'",
            after="  - id: mou-industry-academia-research-joint-research"),
    at_edit("record_not_a_mapping", PEOPLE, "- id: lei-jun\n", "- lei-jun\n- id: lei-jun\n",
            "expected a mapping of fields for people, got 'lei-jun'"),
    at_edit("list_item_not_a_mapping", ART, "      - {person: wan-gang, role: counterpart}",
            "      - wan-gang",
            "record 'korea-china-st-ministerial-meeting-2014' field 'participants[1]': "
            "expected a mapping of fields, got 'wan-gang'"),
    at_edit("empty_list", ART, "    parties: [msip, most-china]\n", "    parties: []\n",
            "record 'mou-technology-transfer-commercialisation' field 'parties': expected "
            "at least 1 item(s), got []",
            after="  - id: mou-technology-transfer-commercialisation"),
    # Ids and references
    case("duplicate_registry_id",
         replace(PEOPLE, "- id: xu-jinghong",
                 "- id: lei-jun  # copied by mistake\n  name_ko: 레이\n- id: xu-jinghong"),
         Error(PEOPLE, "# copied by mistake",
               "record 'lei-jun' field 'id': duplicate id: already used at line {0}",
               refs=("- id: lei-jun",))),
    case("duplicate_event_id",
         replace(ART, "\nstatistics:\n",
                 "  - id: shanghai-leg-2014  # copied by mistake\n    title_ko: 상해\n"
                 "    kind: visit\n    when_ko: 20일\n    date_basis: stated\n"
                 "    status: planned\n    sentence: p15-s1\n    quote: 상해를 방문해\n"
                 "\nstatistics:\n"),
         Error(ART, "# copied by mistake",
               "record 'shanghai-leg-2014' field 'id': duplicate id: already used at line {0}",
               refs=("  - id: shanghai-leg-2014",))),
    at_edit("unknown_organization", PEOPLE, "  organization: most-china",
            "  organization: most-chna",
            "record 'wan-gang' field 'organization': unknown organization 'most-chna': "
            "expected an id from organizations", after="- id: wan-gang"),
    case("unknown_person",
         replace(ART, "      - {person: wan-gang, role: counterpart}",
                 "      - {person: wan-gnag, role: counterpart}"),
         Error(ART, "{person: wan-gnag",
               "record 'korea-china-st-ministerial-meeting-2014' field 'participants[1]': "
               "unknown person 'wan-gnag': expected an id from people")),
    at_edit("unknown_place", ART, "    place: zhongguancun-startup-cafe",
            "    place: startup-cafe",
            "record 'startup-cafe-meeting-2014' field 'place': unknown place "
            "'startup-cafe': expected an id from places"),
    at_edit("unknown_event", ART, "    event: korea-china-st-ministerial-meeting-2014\n",
            "    event: ministers-meeting\n",
            "record 'mou-industry-academia-research-joint-research' field 'event': "
            "unknown event 'ministers-meeting': expected an id from events",
            after="\nmous:\n"),
    at_edit("unknown_statistic", ART, "    ratio_of: cn-it-exports-2013",
            "    ratio_of: cn-it-export-2013",
            "record 'cn-kr-it-exports-ratio-2013' field 'ratio_of': unknown statistic "
            "'cn-it-export-2013': expected an id from statistics"),
    at_edit("unknown_note_target", ART, "    about_id: k-tech-china-2014",
            "    about_id: k-tech-2014",
            "record 'k-tech-china-day-from-inal' field 'about_id': unknown id "
            "'k-tech-2014' in events"),
    # Evidence
    at_edit("quote_not_in_article", ART, "    quote: 20일에는 중국의", "    quote: 21일에는 중국의",
            "record 'shanghai-leg-2014' field 'quote': quote is not in sentence p15-s1: "
            "expected a verbatim excerpt of that sentence; it does not occur anywhere "
            "in the article body"),
    case("quote_not_in_its_sentence",
         replace(ART, "    sentence: p13-s1", "    sentence: p13-s2"),
         Error(ART, "    quote: 최근 중국 스마트폰 1위로 등극한 샤오미의 CEO",
               "record 'xiaomi-ceo-meeting-2014' field 'quote': quote is not in sentence "
               "p13-s2: expected a verbatim excerpt of that sentence; it occurs in p13-s1")),
    at_edit("unknown_sentence", ART, "    sentence: p13-s1", "    sentence: p99-s1",
            "record 'xiaomi-ceo-meeting-2014' field 'sentence': unknown sentence "
            "'p99-s1': expected a key from p1-s1 to p16-s1"),
    at_edit("wording_not_in_sentence", ART, "    when_ko: 18일 오전", "    when_ko: 19일 오전",
            "record 'korea-china-st-ministerial-meeting-2014' field 'when_ko': "
            "'19일 오전' does not occur in sentence p11-s1: expected the article's own "
            "wording"),
    # Values computed from the Korean wording
    at_edit("value_disagrees", ART, "    value: 3247000", "    value: 3247",
            "record 'cn-full-time-rd-personnel-2012' field 'value': curated value 3247 "
            "disagrees with 3247000 computed from value_text_ko '324만7천명'"),
    at_edit("unit_disagrees", ART, "    unit: persons", "    unit: USD",
            "record 'cn-full-time-rd-personnel-2012' field 'unit': curated value 'USD' "
            "disagrees with 'persons' computed from value_text_ko '324만7천명'"),
    shanghai_start_date("date_disagrees", "2014-12-21",
                        "curated value '2014-12-21' disagrees with '2014-12-20' computed "
                        "from when_ko '20일'"),
    shanghai_start_date("impossible_date", "2014-02-30",
                        "impossible date '2014-02-30': expected a real calendar date "
                        "YYYY-MM-DD"),
    shanghai_start_date("date_not_iso", "20/12/2014",
                        "expected a date written YYYY-MM-DD, got '20/12/2014'"),
    case("day_out_of_range",
         [replace(TXT, "미래부는 20일 상해에서", "미래부는 32일 상해에서"),
          replace(ART, "    when_ko: 20일\n    date_basis: stated\n    start_date: 2014-12-20\n"
                       "    place: shanghai\n    organizer: msip",
                  "    when_ko: 32일\n    date_basis: stated\n    place: shanghai\n"
                  "    organizer: msip"),
          replace(ART, "    quote: 미래부는 20일 상해에서", "    quote: 미래부는 32일 상해에서")],
         Error(ART, "    when_ko: 32일",
               "record 'china-strategy-workshop-2014' field 'when_ko': cannot resolve the "
               "date: cannot read '32일': day 32일 is not between 1 and 31")),
    at_edit("rank_out_of_range", ART, "    rank: 4", "    rank: 0",
            "record 'cn-cited-papers-rank' field 'rank': expected a number of at least 1, "
            "got 0"),
    case("unknown_vocabulary_term", replace(ART, "    kind: expo", "    kind: exhibition"),
         KIND_EXHIBITION),
    # Places
    at_edit("latitude_out_of_range", PLACES, "  latitude: 39.9042", "  latitude: 139.9042",
            "record 'beijing' field 'latitude': expected a number of at most 90.0, got "
            "139.9042"),
    case("coordinates_in_wrong_country",
         replace(PLACES, "  longitude: 116.4074", "  longitude: 16.4074"),
         Error(PLACES, "  latitude: 39.9042",
               "record 'beijing' field 'latitude': coordinates (39.9042, 16.4074) are "
               "outside CN (expected latitude 18.0..54.0, longitude 73.0..135.5); are "
               "latitude and longitude swapped?")),
    # The article text
    at_edit("source_file_names_missing_file", ART,
            "  source_file: 2014-12-17-msip-minister-china-visit.txt",
            "  source_file: missing.txt",
            "record '2014-12-17-msip-minister-china-visit' field 'source_file': article "
            "text file sources/articles/missing.txt is missing: expected the verbatim "
            "article beside this file"),
    case("text_file_missing", delete(TXT), TEXT_MISSING),
    case("errors_beside_a_missing_text",
         [delete(TXT), replace(ART, "    kind: expo", "    kind: exhibition")],
         TEXT_MISSING,
         KIND_EXHIBITION),
    case("text_file_empty", write_bytes(TXT, b""),
         Error(TXT, None,
               "record '2014-12-17-msip-minister-china-visit': article text file is empty")),
    case("text_not_utf8", transcode(TXT, "euc-kr"),
         Error(TXT, 1, "record '2014-12-17-msip-minister-china-visit': file is not valid "
                       "UTF-8 (invalid start byte): expected UTF-8 text; re-save "
                       "the file as UTF-8")),
    case("bad_timestamp",
         replace(TXT, "일반입력 :2014/12/17 12:59", "일반입력 :2014/13/17 12:59"),
         Error(TXT, "일반입력 :2014/13/17",
               "record '2014-12-17-msip-minister-china-visit': invalid timestamp "
               "'2014/13/17 12:59': expected a real date and time YYYY/MM/DD HH:MM")),
    case("several_errors_in_one_run",
         [replace(ORGS, "  country: KR\n  kind: government_ministry\n", "  country: KR\n"),
          replace(PLACES, "  longitude: 116.4074", "  longitude: 16.4074"),
          replace(ART, "    kind: expo", "    kind: exhibition"),
          replace(ART, "    value: 3247000", "    value: 3247")],
         Error(ORGS, "- id: msip", "record 'msip' field 'kind': required field is missing"),
         Error(PLACES, "  latitude: 39.9042",
               "record 'beijing' field 'latitude': coordinates (39.9042, 16.4074) are "
               "outside CN (expected latitude 18.0..54.0, longitude 73.0..135.5); are "
               "latitude and longitude swapped?"),
         KIND_EXHIBITION,
         Error(ART, "    value: 3247",
               "record 'cn-full-time-rd-personnel-2012' field 'value': curated value 3247 "
               "disagrees with 3247000 computed from value_text_ko '324만7천명'")),
    # Citations: reports of other outlets and their claims.
    at_edit("claim_about_an_unknown_fact", ETNEWS, "  - about: events/shanghai-leg-2014",
            "  - about: events/shanghai-leg-2041",
            "record 'events/shanghai-leg-2041' field 'about': unknown events id "
            "'shanghai-leg-2041': expected a fact declared by an article or a citation"),
    at_edit("claim_about_an_unlisted_participant", ETNEWS,
            "  - about: event_participants/xiaomi-ceo-meeting-2014--lei-jun",
            "  - about: event_participants/xiaomi-ceo-meeting-2014--wan-gang",
            "record 'event_participants/xiaomi-ceo-meeting-2014--wan-gang' field 'about': "
            "unknown participant 'xiaomi-ceo-meeting-2014--wan-gang': expected <event "
            "id>--<person or organization id> of a participant of the event"),
    at_edit("claim_field_not_for_its_table", ETNEWS, "    field: place\n",
            "    field: value\n",
            "record 'events/beijing-leg-2014' field 'field': a claim about events may be "
            "about exists, dates, time_of_day, status, place, duration; got 'value'"),
    case("claim_without_wording",
         replace(ETNEWS, "  - about: events/xiaomi-ceo-meeting-2014\n    field: dates\n"
                 "    wording_ko: 19일에는\n",
                 "  - about: events/xiaomi-ceo-meeting-2014  # no wording\n    field: dates\n"),
         Error(ETNEWS, "# no wording",
               "record 'events/xiaomi-ceo-meeting-2014' field 'wording_ko': a claim about "
               "dates needs the report's own words for it in wording_ko")),
    at_edit("claim_wording_unreadable", ETNEWS, "    wording_ko: 19일에는", "    wording_ko: 주말에",
            "record 'events/xiaomi-ceo-meeting-2014' field 'wording_ko': cannot read '주말에': "
            "cannot read '주말에' as an event date: expected a day such as '18일', '이날' or a "
            "time of day such as '오후'"),
    case("claim_value_disagrees_with_its_wording",
         replace(ETNEWS, "    wording_ko: 19일에는\n", "    wording_ko: 19일에는\n    value: 2014-12-18\n"),
         Error(ETNEWS, "    value: 2014-12-18",
               "record 'events/xiaomi-ceo-meeting-2014' field 'value': curated value "
               "'2014-12-18' disagrees with '2014-12-19' computed from wording_ko '19일에는'")),
    at_edit("claim_unknown_status", ETODAY, "    value: held", "    value: finished",
            "record 'events/korea-china-st-ministerial-meeting-2014' field 'value': unknown "
            "status 'finished' for events: expected one of planned, held, cancelled"),
    at_edit("claim_unknown_place", ETNEWS, "    value: beijing", "    value: bejing",
            "record 'events/beijing-leg-2014' field 'value': unknown place 'bejing': expected "
            "an id from places"),
    case("claim_status_without_value",
         replace(ETODAY, "  - about: events/korea-china-st-ministerial-meeting-2014\n"
                 "    field: status\n    value: held\n",
                 "  - about: events/korea-china-st-ministerial-meeting-2014  # no value\n"
                 "    field: status\n"),
         Error(ETODAY, "# no value",
               "record 'events/korea-china-st-ministerial-meeting-2014' field 'value': a "
               "claim about status needs its value")),
    at_edit("claim_figure_in_another_unit", ETODAY, "    wording_ko: 6조5000억원",
            "    wording_ko: 65억달러",
            "record 'statistics/tsinghua-holdings-annual-revenue' field 'wording_ko': cannot "
            "read '65억달러': its unit is USD, the figure's is KRW"),
    at_edit("claim_signed_date_of_two_days", ETODAY, "    wording_ko: 18일 오전",
            "    wording_ko: 18일과 19일",
            "record 'mous/mou-industry-academia-research-joint-research' field 'wording_ko': "
            "'18일과 19일' is more than one day: expected the day of signed_date",
            after="  - about: mous/mou-industry-academia-research-joint-research\n"
                  "    field: signed_date"),
    at_edit("claim_unknown_tense", ETNEWS, "    tense: ahead", "    tense: before",
            "record 'events/msip-china-programme-2014' field 'tense': expected one of 'ahead' "
            "or 'after', got 'before'", after="  - about: events/msip-china-programme-2014"),
    at_edit("citation_id_not_its_file_name", ETNEWS,
            "  id: etnews-2014-12-17-minister-china-trip", "  id: etnews-2014-12-17",
            "record 'etnews-2014-12-17' field 'id': expected the citation id to equal the "
            "file name 'etnews-2014-12-17-minister-china-trip'"),
    at_edit("citation_date_not_iso", ETNEWS, "  published_at: 2014-12-17",
            "  published_at: 2014/12/17",
            "record 'etnews-2014-12-17-minister-china-trip' field 'published_at': expected "
            "a date YYYY-MM-DD, or a time with its offset YYYY-MM-DDTHH:MM+09:00, got "
            "'2014/12/17'"),
    at_edit("claim_about_an_unknown_table", ETNEWS, "  - about: events/shanghai-leg-2014",
            "  - about: event/shanghai-leg-2014",
            "record 'event/shanghai-leg-2014' field 'about': expected <table>/<id> of a fact: "
            "events/..., mous/..., statistics/..., event_participants/<event id>--<person or "
            "organization id> or people/..., got 'event/shanghai-leg-2014'"),
    case("cited_event_without_a_status_claim",
         replace(RELEASE, "    field: status\n    value: held\n", "    field: exists\n"),
         Error(RELEASE, "  - id: korea-china-st-joint-committee-12-2014",
               "record 'korea-china-st-joint-committee-12-2014' field 'id': no report gives "
               "its status: expected a claim with about: "
               "events/korea-china-st-joint-committee-12-2014 and field: status")),
    case("cited_fact_with_a_duplicate_id",
         replace(ETODAY, "statistics:\n  - id: kr-cn-joint-research-funding-from-2015",
                 "statistics:\n  - id: tsinghua-holdings-annual-revenue  # duplicated\n"
                 "    indicator_ko: 칭화홀딩스 매출\n    category: corporate\n"
                 "    country: CN\n    unit: KRW\n"
                 "  - id: kr-cn-joint-research-funding-from-2015"),
         Error(ETODAY, "# duplicated",
               "record 'tsinghua-holdings-annual-revenue' field 'id': duplicate id: already "
               "used in sources/articles/2014-12-17-msip-minister-china-visit.yml")),
    # Places
    at_edit("place_its_own_parent_cycle", PLACES, "  parent: zhongguancun\n",
            "  parent: zhongguancun-startup-cafe\n",
            "record 'zhongguancun-startup-cafe' field 'parent': parent places form a cycle: "
            "expected a chain ending at a place without a parent",
            after="- id: zhongguancun-startup-cafe"),
    # YAML itself, again
    case("yaml_second_document", replace(PEOPLE, "- id: lei-jun\n", "---\n- id: lei-jun\n"),
         Error(PEOPLE, "---",
               "invalid YAML: a second document in the file: expected one document "
               "(remove the '---' or '...' line)")),
    at_edit("yaml_control_character", PEOPLE, "  name_ko: 최양희", "  name_ko: 최양\x01희",
            "invalid YAML: control character U+0001 in the text: expected printable "
            "characters only"),
    # Files and their names
    case("no_article_file", [delete(ART), delete_folder("citations")],
         Error("articles", None, "expected at least one article file <article-id>.yml")),
    case("article_id_not_its_file_name",
         rename(ART, "articles/2014-12-17-msip-minister-china-trip.yml"),
         Error("articles/2014-12-17-msip-minister-china-trip.yml",
               "  id: 2014-12-17-msip-minister-china-visit",
               "record '2014-12-17-msip-minister-china-visit' field 'id': expected the "
               "article id to equal the file name '2014-12-17-msip-minister-china-trip'")),
    case("citation_with_the_id_of_the_article",
         copy_as("citations/fnnews-2014-12-17-minister-china-trip.yml",
                 "citations/2014-12-17-msip-minister-china-visit.yml",
                 "  id: fnnews-2014-12-17-minister-china-trip",
                 "  id: 2014-12-17-msip-minister-china-visit"),
         Error("citations/2014-12-17-msip-minister-china-visit.yml",
               "  id: 2014-12-17-msip-minister-china-visit",
               "record '2014-12-17-msip-minister-china-visit' field 'id': duplicate source "
               f"id: already used in sources/{ART}")),
    # Events
    at_edit("same_day_as_an_unknown_event", ART,
            "    same_day_as: korea-china-st-ministerial-meeting-2014",
            "    same_day_as: ministers-meeting",
            "record 'k-tech-china-2014' field 'same_day_as': expected an earlier event of "
            "this article, got 'ministers-meeting'", after="  - id: k-tech-china-2014"),
    at_edit("time_ko_unreadable", ART, "    time_ko: 오후", "    time_ko: 세계 최대",
            "record 'k-tech-china-2014' field 'time_ko': cannot resolve the time of day: "
            "cannot read '세계 최대' as an event date: expected a day such as '18일', "
            "'이날' or a time of day such as '오후'", after="  - id: k-tech-china-2014"),
    at_edit("stated_date_from_another_sentence", ART, "    date_basis: inferred",
            "    date_basis: stated  # read from p10-s1",
            "record 'xiaomi-ceo-meeting-2014' field 'date_basis': a date read from another "
            "sentence (when_sentence) is 'inferred', not 'stated'",
            after="  - id: xiaomi-ceo-meeting-2014"),
    at_edit("event_its_own_parent", ART, "    parent_event: msip-china-programme-2014",
            "    parent_event: shanghai-leg-2014  # itself",
            "record 'shanghai-leg-2014' field 'parent_event': an event cannot be its own "
            "parent", after="  - id: shanghai-leg-2014"),
    at_edit("participant_person_and_organization", ART,
            "      - {person: wan-gang, role: counterpart}",
            "      - {person: wan-gang, organization: most-china, role: counterpart}",
            "record 'korea-china-st-ministerial-meeting-2014' field 'participants[1]': expected "
            "exactly one of 'person' or 'organization'"),
    case("participant_listed_twice",
         replace(ART, "    participants:\n      - {person: choi-yang-hee, role: attendee}\n",
                 "    participants:  # twice\n      - {person: choi-yang-hee, role: attendee}\n"
                 "      - {person: choi-yang-hee, role: host}\n",
                 after="  - id: shanghai-leg-2014"),
         Error(ART, "    participants:  # twice",
               "record 'shanghai-leg-2014' field 'participants': 'choi-yang-hee' is listed "
               "twice")),
    case("inferred_date_without_a_note",
         replace(ART, "    about_id: zhongguancun-inspection-2014",
                 "    about_id: zhangjiang-hi-tech-park-inspection-2014"),
         Error(ART, "    date_basis: inferred",
               "record 'zhongguancun-inspection-2014' field 'date_basis': an inferred date "
               "needs a note (about_table: events, about_id: zhongguancun-inspection-2014) "
               "saying how it was inferred")),
    # Statistics
    case("value_without_value_text_ko",
         replace(ART, "    value_text_ko: 25.8%\n    value: 25.8\n    unit: percent\n"
                      "    qualifier: exact\n", "    value: 25.8\n"),
         Error(ART, "    value: 25.8",
               "record 'cn-high-tech-export-share-of-manufacturing' field 'value': a value "
               "needs the article's wording in value_text_ko")),
    case("statistic_without_value_or_rank",
         replace(ART, "    value_text_ko: 1/3\n    unit: fraction\n    qualifier: exact\n", ""),
         Error(ART, "  - id: cn-share-of-world-mobile-phone-consumption",
               "record 'cn-share-of-world-mobile-phone-consumption' field 'value_text_ko': "
               "expected value_text_ko, rank_ko or both")),
    at_edit("value_text_ko_not_in_quote", ART, "    value_text_ko: 6조5천억원",
            "    value_text_ko: 6조5000억원",
            "record 'tsinghua-holdings-annual-revenue' field 'value_text_ko': '6조5000억원' "
            "does not occur in the quote: expected the article's own wording of the number"),
    at_edit("value_text_ko_unreadable", ART, "    value_text_ko: 100개 이상",
            "    value_text_ko: 첨단기술산업개발구",
            "record 'cn-high-tech-development-zones' field 'value_text_ko': cannot read "
            "'첨단기술산업개발구' as a Korean number: expected digits with 조/억/만/천 units "
            "followed by a unit such as 명, 개, 달러, 원, %, 배"),
    case("rank_without_rank_ko",
         replace(ART, "    rank_ko: 세계 1위\n    rank: 1\n    rank_scope: world\n",
                 "    rank: 1  # without rank_ko\n", after="  - id: cn-full-time-rd-personnel-2012"),
         Error(ART, "# without rank_ko",
               "record 'cn-full-time-rd-personnel-2012' field 'rank': a rank needs the "
               "article's wording in rank_ko")),
    at_edit("rank_ko_not_in_quote", ART, "    rank_ko: 세계 4위", "    rank_ko: 세계 3위",
            "record 'cn-cited-papers-rank' field 'rank_ko': '세계 3위' does not occur in the "
            "quote"),
    at_edit("rank_ko_unreadable", ART, "    rank_ko: 세계 최대", "    rank_ko: IT 시장",
            "record 'cn-it-market-rank' field 'rank_ko': cannot read 'IT 시장' as a rank: "
            "expected e.g. '세계 1위', '1위' or '중국 최대'"),
    case("rank_without_scope",
         replace(ART, "    rank_ko: 1위\n    rank: 1\n    rank_scope: world\n",
                 "    rank_ko: 1위\n    rank: 1\n"),
         Error(ART, "    rank_ko: 1위",
               "record 'cn-it-trade-surplus-rank-since-2006' field 'rank_scope': '1위' does "
               "not say world or country: expected rank_scope and a note explaining it")),
    case("period_without_period_ko", replace(ART, "    period_ko: 2004년 1월 이후\n", ""),
         Error(ART, "    period: 2004-01/..",
               "record 'cn-it-exports-rank-since-2004' field 'period': a period needs the "
               "article's wording in period_ko")),
    at_edit("period_ko_unreadable", ART, "    period_ko: 지난 20년간", "    period_ko: 산학연",
            "record 'cn-high-tech-development-zones' field 'period_ko': cannot read '산학연' "
            "as a period: expected a year such as '2013년', '지난해' or '올해', optionally "
            "with 상반기/하반기, N분기 or N월, and 부터/이후/까지"),
    case("ratio_without_its_base",
         replace(ART, "    compared_to: kr-it-exports-2013\n", ""),
         Error(ART, "  - id: cn-kr-it-exports-ratio-2013",
               "record 'cn-kr-it-exports-ratio-2013' field 'ratio_of': a ratio needs both "
               "ratio_of (the figure) and compared_to (the base)")),
    case("ratio_of_a_figure_that_is_not_a_ratio",
         replace(ART, "    period: \"2013\"\n    sentence: p8-s1\n",
                 "    period: \"2013\"\n    ratio_of: cn-it-trade-surplus-2013  # not a ratio\n"
                 "    compared_to: kr-it-trade-surplus-2013\n    sentence: p8-s1\n",
                 after="  - id: cn-it-exports-2013"),
         Error(ART, "# not a ratio",
               "record 'cn-it-exports-2013' field 'ratio_of': ratio_of and compared_to belong "
               "to a ratio (unit 'ratio'), got unit 'USD'")),
    at_edit("ratio_of_figures_in_different_units", ART,
            "    compared_to: kr-it-exports-2013", "    compared_to: cn-high-tech-development-zones",
            "record 'cn-kr-it-exports-ratio-2013' field 'compared_to': cannot compare USD "
            "with count"),
    # MOUs and notes
    at_edit("signed_mou_without_signed_date", ART, "    status: planned",
            "    status: signed  # no signed_date",
            "record 'mou-technology-transfer-commercialisation' field 'signed_date': a signed "
            "MOU needs its signed_date", after="  - id: mou-technology-transfer-commercialisation"),
    case("note_quote_not_in_the_body",
         replace(ART, "    about_id: 2014-12-17-msip-minister-china-visit\n    note_en: >-\n"
                      "      The captured page",
                 "    about_id: 2014-12-17-msip-minister-china-visit\n"
                 "    quote: 관련기사  # dropped from the body\n    note_en: >-\n"
                 "      The captured page"),
         Error(ART, "# dropped from the body",
               "record 'related-articles-artefact' field 'quote': quote does not occur in "
               "the article body: expected a verbatim excerpt")),
    # Citations, again
    # A cited event's participant is reported at the line of its event.
    case("cited_participant_person_and_organization",
         replace(RELEASE, "      - {person: cao-jianlin, role: counterpart}",
                 "      - {person: cao-jianlin, organization: most-china, role: counterpart}"),
         Error(RELEASE, "{person: cao-jianlin, organization: most-china",
               "record 'korea-china-st-joint-committee-12-2014' field 'participants[1]': "
               "expected exactly one of 'person' or 'organization'")),
    case("article_text_without_body",
         write_bytes(TXT, "미래부 장관, 샤오미 CEO 만난다, 왜?\n\n일반입력 :2014/12/17 12:59\n"
                     .encode()),
         Error(TXT, None,
               "record '2014-12-17-msip-minister-china-visit': expected a title, a subtitle "
               "if the page has one, a timestamp line and at least one body paragraph, "
               "separated by blank lines; found 2 block(s)")),
    # Lineage: what a report reproduces, and the sources that state nothing of their own.
    at_edit("based_on_an_unknown_source", ETNEWS, "  outlet_ko: 전자신문\n",
            "  based_on: msip-briefing-2014-12-17\n  outlet_ko: 전자신문\n",
            "record 'etnews-2014-12-17-minister-china-trip' field 'based_on': unknown source "
            "'msip-briefing-2014-12-17': expected the id of a release or briefing (a "
            "citation file with kind: release or kind: briefing)"),
    at_edit("based_on_a_report_that_is_not_a_release", ETNEWS, "  outlet_ko: 전자신문\n",
            "  based_on: etoday-2014-12-18-ministers-meeting\n  outlet_ko: 전자신문\n",
            "record 'etnews-2014-12-17-minister-china-trip' field 'based_on': "
            "'etoday-2014-12-18-ministers-meeting' is a source of kind citation: expected the "
            "id of a release or briefing (a citation file with kind: release or kind: "
            "briefing)"),
    case("briefing_with_claims",
         replace(ETNEWS, "  outlet_ko: 전자신문\n", "  kind: briefing\n  outlet_ko: 전자신문\n"),
         Error(ETNEWS, "claims:",
               "record 'etnews-2014-12-17-minister-china-trip' field 'claims': a briefing has "
               "no claims of its own: expected them in the reports based_on it")),
    case("release_without_url",
         replace(RELEASE, "  url: http", "  # url: http"),
         Error(RELEASE, "  id: msip-2014-12-09",
               "record 'msip-2014-12-09-joint-committee-release' field 'url': a citation "
               "needs its url (only a briefing may have none)")),
    case("within_on_a_claim_that_is_not_dates",
         replace(ETNEWS, "    field: place\n", "    field: place\n    within: true\n"),
         Error(ETNEWS, "    within: true", "record 'events/beijing-leg-2014' field 'within': within: true says the event "
            "falls on one of the days its dates claim names: expected field: dates, got "
            "'place'")),
    case("within_on_one_day",
         replace(ETNEWS, "    wording_ko: 17일부터 20일까지\n",
                 "    wording_ko: 17일\n    within: true\n"),
         Error(ETNEWS, "    within: true",
               "record 'events/msip-china-programme-2014' field 'within': '17일' is one "
               "day: within: true needs a wording of more than one day (18일과 19일 이틀간)")),
    case("duration_unreadable",
         replace(ETNEWS, "    field: dates\n    wording_ko: 20일\n",
                 "    field: duration\n    wording_ko: 20일간 내내\n",
                 after="  - about: events/shanghai-leg-2014"),
         Error(ETNEWS, "    wording_ko: 20일간 내내",
               "record 'events/shanghai-leg-2014' field 'wording_ko': cannot read '20일간 "
               "내내': cannot read '20일간 내내' as a length of time: expected minutes or "
               "hours such as '40분', '40분가량' or '1시간 30분'")),
    case("cited_statistic_period_unreadable",
         replace(ETODAY, "    country: KR\n    unit: KRW\n",
                 "    country: KR\n    unit: KRW\n    period_ko: 최근\n",
                 after="  - id: kr-cn-joint-research-funding-from-2015"),
         Error(ETODAY, "    period_ko: 최근",
               "record 'kr-cn-joint-research-funding-from-2015' field 'period_ko': cannot "
               "read '최근' as a period: expected a year such as '2013년', '지난해' or '올해', "
               "optionally with 상반기/하반기, N분기 or N월, and 부터/이후/까지")),
    # Found by the sources fuzzer (tests/fuzzing.py, benchmarks/fuzz_sources.py)
    case("citation_claims_one_field_twice_disagree",
         replace(ETODAY, "  - about: events/korea-china-st-ministerial-meeting-2014\n"
                         "    field: status\n",
                 CLAIMED_AFTERNOON + "  - about: events/korea-china-st-ministerial-meeting-2014\n"
                 "    field: status\n"),
         Error(ETODAY, "  - field: time_of_day",
               "record 'events/korea-china-st-ministerial-meeting-2014' field 'time_of_day': "
               "this report already claims time_of_day 'morning' for "
               "events/korea-china-st-ministerial-meeting-2014 (line {0}); this claim gives "
               "'afternoon': expected one value per field of a fact in one report",
               refs=("  - about: events/korea-china-st-ministerial-meeting-2014",))),
    # A participant a citation adds that the article already lists: check said valid
    # and the build stopped at SQLite's "UNIQUE constraint failed: event_participants.id".
    case("citation_adds_a_participant_the_article_lists",
         replace(SEDAILY, "participants:\n",
                 "participants:\n  - {event: msip-china-programme-2014, person: choi-yang-hee,"
                 " role: host}\n"),
         Error(SEDAILY, "  - {event: msip-china-programme-2014",
               "record 'msip-china-programme-2014' field 'id': event_participants key "
               "'msip-china-programme-2014--choi-yang-hee' is already used by the row from "
               f"sources/{ART}:{{0}}: expected each row of event_participants to have its "
               "own key", refs=((ART, "  - id: msip-china-programme-2014"),))),
    at_edit("published_at_not_on_the_calendar", FNNEWS,
            "  published_at: 2014-12-17T17:44+09:00", "  published_at: 2014-12-32T17:44+09:00",
            "record 'fnnews-2014-12-17-minister-china-trip' field 'published_at': impossible "
            "date '2014-12-32T17:44+09:00': expected a real calendar date YYYY-MM-DD, or a "
            "real time YYYY-MM-DDTHH:MM+09:00"),
]


# Running the build ------------------------------------------------------------------

@pytest.fixture(scope="module")
def previous_db(tmp_path_factory) -> bytes:
    """The bytes of a database built from the base sources: the file a failed build
    must leave in place."""
    output = tmp_path_factory.mktemp("previous") / "news.db"
    counts, problems = build(BASE, output)
    assert counts is not None, [str(p) for p in problems.items]
    return output.read_bytes()


def run_build(sources: Path, output: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "build_db.py"), "--sources", str(sources),
         "--output", str(output)],
        capture_output=True, text=True, timeout=120,
    )


def corrupted_copy(tmp_path: Path, edits) -> Path:
    sources = tmp_path / "sources"
    shutil.copytree(BASE, sources)
    for edit in edits:
        edit(sources)
    return sources


@pytest.fixture
def output(tmp_path, previous_db) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "news.db"
    path.write_bytes(previous_db)
    return path


@dataclass
class Outcome:
    sources: Path
    output: Path
    result: subprocess.CompletedProcess


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory, previous_db) -> dict[str, Outcome]:
    """Every case built in its own process; the processes run a few at a time because
    most of each is start-up."""
    def run(bad: Case) -> tuple[str, Outcome]:
        folder = tmp_path_factory.mktemp(bad.name)
        sources = corrupted_copy(folder, bad.edits)
        (folder / "out").mkdir()
        output = folder / "out" / "news.db"
        output.write_bytes(previous_db)
        return bad.name, Outcome(sources, output, run_build(sources, output))

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(run, CASES))


def test_there_are_at_least_twenty_cases():
    assert len(CASES) >= 20
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("bad", CASES, ids=lambda c: c.name)
def test_corrupted_source_gives_its_exact_error(bad: Case, outcomes, previous_db):
    outcome = outcomes[bad.name]
    result = outcome.result
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    reported = result.stderr.splitlines()
    expected = [error.render(outcome.sources) for error in bad.errors]
    assert sorted(line for line in reported if line.startswith("error: ")) == sorted(expected)
    assert reported[-1] == (f"build failed: {len(expected)} problem(s) found; "
                            f"{outcome.output} was not changed")
    assert outcome.output.read_bytes() == previous_db
    assert sorted(p.name for p in outcome.output.parent.iterdir()) == ["news.db"]


def table_dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


@pytest.mark.parametrize("name, transform", [
    ("bom", lambda raw: b"\xef\xbb\xbf" + raw),
    ("crlf", lambda raw: raw.replace(b"\n", b"\r\n")),
    ("bom_and_crlf", lambda raw: b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n")),
])
def test_bom_and_crlf_are_read_as_the_same_text(name, transform, tmp_path, output):
    sources = corrupted_copy(tmp_path, [])
    for file in (TXT, ART, PEOPLE):
        path = sources / file
        path.write_bytes(transform(path.read_bytes()))
    result = run_build(sources, output)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"built {output}: articles 1, sources ")
    clean = tmp_path / "clean.db"
    build(BASE, clean, FINISHERS)
    assert table_dump(output) == table_dump(clean)


def test_missing_output_folder_is_one_clear_line(tmp_path):
    target = tmp_path / "no-such-folder" / "news.db"
    result = run_build(ROOT / "sources", target)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == (
        f"error: {target}: cannot write the database: folder {target.parent} does not exist")


def test_output_that_is_a_folder_is_one_clear_line(tmp_path):
    target = tmp_path / "news.db"
    target.mkdir()
    result = run_build(ROOT / "sources", target)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"error: {target}: cannot write the database: [Errno 21] Is a "
                            "directory")
    assert target.is_dir() and not any(target.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news.db"]


def test_unreadable_source_is_one_clear_problem(tmp_path, monkeypatch):
    people = ROOT / "sources" / PEOPLE
    read_bytes = Path.read_bytes

    def failing_read_bytes(path: Path) -> bytes:
        if path == people:
            raise OSError(errno.EIO, "Input/output error", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", failing_read_bytes)
    counts, problems = build(ROOT / "sources", tmp_path / "news.db")
    assert counts is None
    assert [str(p) for p in problems.sorted()] == [
        f"{people}: cannot read the sources: Input/output error"]
    assert not any(tmp_path.iterdir())


def test_a_claim_that_agrees_with_its_report_is_merged(tmp_path):
    """Issue 20's example with the same time of day: the report's claim of the dates
    already says 18일 오전, so its claim of the morning adds nothing and is no error."""
    morning = CLAIMED_AFTERNOON.replace("오후", "오전").replace("afternoon", "morning")
    sources = corrupted_copy(tmp_path, [replace(
        ETODAY, "  - about: events/korea-china-st-ministerial-meeting-2014\n    field: status\n",
        morning + "  - about: events/korea-china-st-ministerial-meeting-2014\n"
                  "    field: status\n")])
    tables, problems = collect(sources)
    clean, _ = collect(BASE)
    assert [str(p) for p in problems.items] == []
    assert tables["claims"] == clean["claims"]
