"""Resolve Korean relative date wordings against an article's publication date.

resolve_event_date('오는 17일부터 사흘간', date(2014, 12, 17))
    -> DateSpan(2014-12-17, 2014-12-19, None)
resolve_event_date('17일부터 3박4일', date(2014, 12, 17))
    -> DateSpan(2014-12-17, 2014-12-20, None)
resolve_event_date('17일 밤 3박4일', date(2014, 12, 17))
    -> DateSpan(2014-12-17, 2014-12-20, None)   (the night is the departure's, not the trip's)
parse_minutes('40분가량') -> 40; parse_minutes('1시간 30분') -> 90
resolve_period('올 하반기', date(2014, 12, 17)) -> '2014-S2'
parse_duration('2박 3일') -> Duration(days=3, nights=2)
duration_end(date(2014, 12, 17), '사흘간') -> date(2014, 12, 19)

Only the local calendar date of the publication timestamp matters; an aware
datetime is reduced to its own (local) date, never converted to UTC.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

__all__ = [
    "DateSpan", "Duration", "duration_end", "parse_clock_time", "parse_duration",
    "parse_minutes",
    "resolve_event_date", "resolve_period",
]


@dataclass(frozen=True)
class DateSpan:
    start: datetime.date
    end: datetime.date  # == start for a single day
    time_of_day: str | None  # 'morning' | 'afternoon' | 'evening' | None
    # What start and end stand for: 'day' (the days themselves), 'week' ('다음 주' is
    # that week's Monday to Sunday) or 'month' ('내달' is the whole next month).
    precision: str = "day"


@dataclass(frozen=True)
class Duration:
    """A length of time as written: '6개월' is months=6, '일주일' is days=7.

    Months and years are kept apart from days because their length in days
    depends on the start date. For N박M일 nights is N and days is M.
    """

    years: int = 0
    months: int = 0
    days: int = 0
    nights: int | None = None  # only for N박M일


TIME_OF_DAY = {
    "오전": "morning",
    "아침": "morning",
    "새벽": "morning",
    "오후": "afternoon",
    "저녁": "evening",
    "밤": "evening",
}
# The hour a part of the day begins: a report published before it, on the day, speaks
# ahead of the event even in the past tense of a release written beforehand.
PART_OF_DAY_STARTS = {"morning": 6, "afternoon": 12, "evening": 18}
DURATION_WORDS = {
    "하루": 1, "이틀": 2, "사흘": 3, "나흘": 4, "닷새": 5,
    "엿새": 6, "이레": 7, "여드레": 8, "아흐레": 9, "열흘": 10,
}
# Words naming a day relative to the publication date.
RELATIVE_DAYS = {"그저께": -2, "그제": -2, "어제": -1, "오늘": 0, "내일": 1, "모레": 2}
SAME_DAY_WORDS = ("이날", "당일", "같은 날", "같은날")
# A sentence opening with these carries the previous sentence's day over ('이어서', then).
CARRIED_OVER_RE = re.compile(r"^(?:이어서?|%s)(?![가-힣])" % "|".join(SAME_DAY_WORDS))

TIME_RE = re.compile("|".join(TIME_OF_DAY))


def part_of_day(wording: str | None) -> str | None:
    """The part of the day a wording starts in ('17일 밤 3박4일' -> evening), even where
    the span it gives has none."""
    found = TIME_RE.search(wording or "")
    return TIME_OF_DAY[found.group()] if found else None


# Native counts before 달/해/주: '한 달', '석 달', '두 해'.
NATIVE_COUNTS = {
    "한": 1, "두": 2, "세": 3, "석": 3, "네": 4, "넉": 4, "다섯": 5,
    "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10,
}
_NATIVE = "|".join(sorted(NATIVE_COUNTS, key=len, reverse=True))
_DAY_WORDS = "|".join(sorted(DURATION_WORDS, key=len, reverse=True))
# One duration phrase. '(?<![가-힣])' keeps '한'/'세' from matching inside words;
# the lookahead drops '사흘 뒤', '사흘째', '3년 만에', which are points, not lengths.
DURATION_RE = re.compile(
    r"(?:(?<!\d)(?P<nights>\d+)\s*박\s*(?P<stay_days>\d+)\s*일"
    rf"|(?P<day_word>{_DAY_WORDS})"
    r"|(?<!\d)(?P<days>\d+)\s*일"
    r"|(?P<one_week>일주일)|(?<!\d)(?P<weeks>\d+)\s*주일?"
    rf"|(?<![가-힣])(?P<week_word>{_NATIVE})\s*주(?=\s*(?:간|동안))"
    rf"|(?<!\d)(?P<months>\d+)\s*(?:개월|달)|(?<![가-힣])(?P<month_word>{_NATIVE})\s*달"
    rf"|(?<!\d)(?P<years>\d+)\s*년|(?<![가-힣])(?P<year_word>{_NATIVE})\s*해"
    r")(?P<for>\s*(?:간|동안))?"
    r"(?!\s*(?:전|후|뒤|앞|만|째))"
)
# Particles a standalone duration may carry: '3년간의', '사흘에 걸쳐'.
DURATION_TAIL_RE = re.compile(r"\s*(?:에\s*걸쳐|의|을|를|은|는|이|가|에)?\s*")
DURATION_EXPECTED = (
    "expected a duration such as '사흘간', '3일 동안', '3박4일', '일주일', '한 달', '6개월' or '3년간'"
)
# '17~19일' is rewritten to '17일 19일' so only one day pattern is needed.
DAY_RANGE_RE = re.compile(r"(?<!\d)(\d{1,2})\s*[~∼〜-]\s*(\d{1,2})\s*일")
DAY_RE = re.compile(
    r"(?<!\d)(?:(?P<year>\d{4})\s*년\s*)?(?:(?P<month>\d{1,2})\s*월\s*)?(?P<day>\d{1,2})\s*일"
)
# A month and day written with a full stop, as press releases date things: '(12. 8)'.
DOTTED_DATE_RE = re.compile(r"(?<![\d.])(1[0-2]|0?[1-9])\.\s*([12]\d|3[01]|0?[1-9])(?![\d.])")
DIRECTIONS = {"오는": "future", "지난": "past"}
DIRECTION_RE = re.compile(r"(?P<direction>오는|지난)\s*(?=\d)")
# '내달 3일', '다음 달 초' and '이달' name a month relative to the publication date.
MONTH_OFFSETS = {
    "지난달": -1, "전달": -1, "이달": 0, "이번 달": 0, "이번달": 0,
    "다음 달": 1, "다음달": 1, "내달": 1,
}
MONTH_WORD_RE = re.compile(
    "(?<![가-힣])(?P<word>" + "|".join(sorted(map(re.escape, MONTH_OFFSETS), key=len, reverse=True)) + ")"
)
# '다음 주', '이번 주 화요일', '지난주', '내주': a week is Monday to Sunday.
WEEK_OFFSETS = {"지난주": -1, "지난 주": -1, "이번 주": 0, "이번주": 0, "금주": 0,
                "다음 주": 1, "다음주": 1, "내주": 1, "다다음 주": 2, "다다음주": 2}
WEEKDAYS = {"월": 0, "화": 1, "수": 2, "목": 3, "금": 4, "토": 5, "일": 6}
WEEK_RE = re.compile(
    "(?<![가-힣])(?P<week>" + "|".join(sorted(map(re.escape, WEEK_OFFSETS), key=len, reverse=True)) + ")"
    r"(?:\s*(?P<weekday>[월화수목금토일])요일)?"
)
# A clock time: '오후 3시', '오전 10시 30분', '3시 반'. Not '3시간' (a length).
CLOCK_RE = re.compile(
    r"(?:(?P<part>오전|오후|새벽|아침|저녁|밤)\s*)?(?<!\d)(?P<hour>\d{1,2})\s*시(?!간)"
    r"(?:\s*(?P<minute>\d{1,2})\s*분|\s*(?P<half>반))?"
)


def resolve_event_date(
    text: str, published: datetime.date, same_day: datetime.date | None = None
) -> DateSpan:
    """Resolve an event date wording such as '18일 오전' or '18일과 19일 이틀간'.

    same_day is the date that '이날' (or a bare '오후') refers to, usually
    the date of the previous sentence.
    """
    published = _local_date(published)
    time_match = TIME_RE.search(text)
    time_of_day = TIME_OF_DAY[time_match.group()] if time_match else None
    # A clock time ('오후 3시 30분') is read by parse_clock_time; its digits name no day.
    text_without_clock = CLOCK_RE.sub(lambda m: f" {m['part'] or ''} ", text)
    week = WEEK_RE.search(text_without_clock)
    if week:
        return _week_span(text, text_without_clock, week, published, time_of_day)
    duration, rest = _take_duration(text_without_clock)
    rest, month_span = _month_words(rest, published, text)
    if month_span is not None:
        if duration is not None:
            raise ValueError(f"cannot read {text!r}: a duration needs a start day, not a whole month")
        return DateSpan(month_span[0], month_span[1], time_of_day, "month")
    direction_match = DIRECTION_RE.search(rest)
    direction = DIRECTIONS[direction_match["direction"]] if direction_match else "nearest"
    rest = DOTTED_DATE_RE.sub(r"\1월 \2일", rest)
    days = _resolve_days(DAY_RANGE_RE.sub(r"\1일 \2일", rest), published, direction, text)
    if not days:
        days = [_anchor_day(text, rest, published, same_day, time_match is not None or duration is not None)]
    start, end = days[0], days[-1]
    if duration is not None:
        end = _apply_duration(start, end, duration, len(days), text)
        if end != start:
            # '17일 밤 3박4일': the night is when the trip starts, not a time of every
            # day of it; a span of days has no time of day.
            time_of_day = None
    return DateSpan(start, end, time_of_day)


def _week_span(text: str, rest: str, week: re.Match[str], published: datetime.date,
               time_of_day: str | None) -> DateSpan:
    """'다음 주' is next week's Monday to Sunday; '다음 주 화요일' that Tuesday."""
    if DAY_RE.search(rest) or DURATION_RE.search(rest[: week.start()] + rest[week.end():]):
        raise ValueError(f"cannot read {text!r}: a week ({week['week']!r}) cannot be combined "
                         "with a day number or a duration")
    monday = published - datetime.timedelta(days=published.weekday()) \
        + datetime.timedelta(weeks=WEEK_OFFSETS[week["week"]])
    if week["weekday"]:
        day = monday + datetime.timedelta(days=WEEKDAYS[week["weekday"]])
        return DateSpan(day, day, time_of_day)
    return DateSpan(monday, monday + datetime.timedelta(days=6), time_of_day, "week")


def _month_words(rest: str, published: datetime.date, text: str):
    """Rewrite '내달 3일' as '2015년 1월 3일'; a month word with no day ('내달') is the
    whole month, returned as (first day, last day)."""
    found = MONTH_WORD_RE.search(rest)
    if found is None:
        return rest, None
    year, month = _shift_month(published.year, published.month, MONTH_OFFSETS[found["word"]])
    after = rest[found.end():]
    if re.match(r"\s*\d{1,2}\s*일", after):
        if re.search(r"\d\s*월", rest[: found.start()]):
            raise ValueError(f"cannot read {text!r}: a month number cannot precede {found['word']!r}")
        return f"{rest[: found.start()]} {year}년 {month}월 {after}", None
    if DAY_RE.search(rest):
        raise ValueError(f"cannot read {text!r}: expected the day right after {found['word']!r} (e.g. 내달 3일)")
    next_year, next_month = _shift_month(year, month, 1)
    last = datetime.date(next_year, next_month, 1) - datetime.timedelta(days=1)
    return rest, (datetime.date(year, month, 1), last)


def parse_clock_time(text: str) -> datetime.time | None:
    """The clock time in a wording, or None: '오후 3시' -> 15:00, '오전 10시 30분' -> 10:30,
    '저녁 7시 반' -> 19:30. A bare '3시' is read as written (03:00 is not guessed to be
    15:00). '3시간' is a length, not a time."""
    found = CLOCK_RE.search(text)
    if found is None:
        return None
    hour = int(found["hour"])
    minute = 30 if found["half"] else int(found["minute"] or 0)
    if found["part"] in ("오후", "저녁", "밤") and 1 <= hour < 12:
        hour += 12
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        raise ValueError(f"cannot read {text!r}: {found.group().strip()!r} is not a time of day")
    return datetime.time(hour % 24, minute)


# A length in hours and minutes: '40분', '40분가량', '1시간 30분', '2시간여', '90분간'.
MINUTES_RE = re.compile(
    r"^\s*(?:(?P<hours>\d+)\s*시간)?\s*(?:(?P<minutes>\d+)\s*분)?"
    r"\s*(?:여|간|가량|정도|동안|남짓|쯤)*\s*$"
)


def parse_minutes(text: str) -> int:
    """The length of a meeting in minutes: '40분가량' -> 40, '1시간 30분' -> 90.
    Words of approximation (가량, 여, 정도) are read as the figure they round."""
    found = MINUTES_RE.match(text)
    if found is None or not (found["hours"] or found["minutes"]):
        raise ValueError(f"cannot read {text!r} as a length of time: expected minutes or "
                         "hours such as '40분', '40분가량' or '1시간 30분'")
    minutes = int(found["hours"] or 0) * 60 + int(found["minutes"] or 0)
    if minutes < 1:
        raise ValueError(f"cannot read {text!r} as a length of time: it must be at least "
                         "one minute")
    return minutes


def _local_date(published: datetime.date) -> datetime.date:
    # datetime is a subclass of date; .date() keeps the local wall-clock date.
    if isinstance(published, datetime.datetime):
        return published.date()
    return published


def _take_duration(text: str) -> tuple[Duration | None, str]:
    """Return the one duration in the text ('사흘간', '3박4일', '한 달간') and the text without it."""
    found = [match for match in DURATION_RE.finditer(text) if _is_length(match)]
    if not found:
        return None, text
    if len(found) > 1:
        phrases = ", ".join(repr(match.group().strip()) for match in found)
        raise ValueError(f"cannot read {text!r}: more than one duration ({phrases})")
    match = found[0]
    return _duration_from_match(match, text), text[: match.start()] + " " + text[match.end():]


def _is_length(match: re.Match[str]) -> bool:
    # A bare '17일' or '2014년' is a date; only '3일간' / '3년 동안' are lengths.
    return bool(match["for"]) or not (match["days"] or match["years"])


# Which DURATION_RE group fills which Duration field, and how many of it one count is.
_DURATION_GROUPS = (
    ("day_word", "days", 1), ("days", "days", 1),
    ("one_week", "days", 7), ("weeks", "days", 7), ("week_word", "days", 7),
    ("months", "months", 1), ("month_word", "months", 1),
    ("years", "years", 1), ("year_word", "years", 1),
)
_WORD_COUNTS = {**DURATION_WORDS, **NATIVE_COUNTS, "일주일": 1}


def _duration_from_match(match: re.Match[str], text: str) -> Duration:
    if match["nights"]:
        return _stay(int(match["nights"]), int(match["stay_days"]), text)
    group, field, per = next(entry for entry in _DURATION_GROUPS if match[entry[0]])
    piece = match[group]
    count = int(piece) if piece.isdigit() else _WORD_COUNTS[piece]
    if count < 1:
        raise ValueError(f"cannot read {text!r}: a duration must be at least one day ({match.group().strip()!r})")
    return Duration(**{field: count * per})


def _stay(nights: int, days: int, text: str) -> Duration:
    # '3박5일' (a night flight home) is a real package; only days <= nights is impossible.
    if nights < 1 or days <= nights:
        raise ValueError(
            f"cannot read {text!r}: {nights}박{days}일 needs at least one night and more days than nights (e.g. 3박4일)"
        )
    return Duration(days=days, nights=nights)


def parse_duration(text: str) -> Duration:
    """Parse a length of time: '사흘간', '3일 동안', '3박4일', '일주일', '한 달', '6개월', '3년간'.

    One unit only ('1년 6개월' is rejected). A bare '3일' or '3년' is
    rejected too, because in news text it names a date, not a length.
    """
    cleaned = text.strip()
    match = DURATION_RE.match(cleaned)
    if match is None or not DURATION_TAIL_RE.fullmatch(cleaned[match.end():]):
        raise ValueError(f"cannot read {text!r} as a duration: {DURATION_EXPECTED}")
    if not _is_length(match):
        phrase = match.group().strip()
        raise ValueError(
            f"cannot read {text!r} as a duration: {phrase!r} alone names a date; "
            f"write {phrase}간 or {phrase} 동안"
        )
    return _duration_from_match(match, text)


def duration_end(start: datetime.date, duration: Duration | str) -> datetime.date:
    """The last day of a duration that includes its start day.

    사흘 from the 17th ends on the 19th, 3박4일 from the 17th on the 20th,
    한 달 from 12월 17일 on 1월 16일.
    """
    if isinstance(duration, str):
        duration = parse_duration(duration)
    counts = (duration.years, duration.months, duration.days)
    if min(counts) < 0 or max(counts) == 0:
        raise ValueError(f"cannot find the end of {duration!r}: it must be positive")
    after_months = _add_months(_local_date(start), duration.years * 12 + duration.months)
    return after_months + datetime.timedelta(days=duration.days - 1)


def _add_months(start: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the day after a month too short to have it.

    Subtracting a day then gives the end the civil code counts (민법 제160조):
    한 달 from 1월 31일 ends on the last day of February.
    """
    if months == 0:
        return start
    year, month = _shift_month(start.year, start.month, months)
    same_day = _try_date(year, month, start.day)
    if same_day is not None:
        return same_day
    next_year, next_month = _shift_month(year, month, 1)
    return datetime.date(next_year, next_month, 1)


def _resolve_days(text: str, published: datetime.date, direction: str, original: str) -> list[datetime.date]:
    # Later days in '18일과 19일' or '30일부터 2일까지' are the next match after the previous one.
    resolved: list[datetime.date] = []
    for match in DAY_RE.finditer(text):
        year = int(match["year"]) if match["year"] else None
        month = int(match["month"]) if match["month"] else None
        day = int(match["day"])
        anchor, rule = (resolved[-1], "after") if resolved else (published, direction)
        candidates = _candidate_dates(year, month, day, anchor, original)
        # A written-out year leaves nothing to choose; 오는/지난 cannot move it.
        resolved.append(candidates[0] if year and month else _choose(candidates, anchor, rule, original))
    if any(later < earlier for earlier, later in zip(resolved, resolved[1:])):
        raise ValueError(f"cannot read {original!r}: the days are not in order")
    return resolved


def _candidate_dates(
    year: int | None, month: int | None, day: int, anchor: datetime.date, text: str
) -> list[datetime.date]:
    """All real dates with this day (and month/year, if given) near the anchor."""
    if not 1 <= day <= 31:
        raise ValueError(f"cannot read {text!r}: day {day}일 is not between 1 and 31")
    if month is not None:
        _check_month_day(month, day, text)
    if year is not None and month is not None:
        return [_make_date(year, month, day, text)]
    if month is not None:
        options = [(anchor.year + offset, month) for offset in (-1, 0, 1)]
    else:
        options = [_shift_month(anchor.year, anchor.month, offset) for offset in (-1, 0, 1)]
    return [d for y, m in options if (d := _try_date(y, m, day)) is not None]


def _check_month_day(month: int, day: int, text: str) -> None:
    if not 1 <= month <= 12:
        raise ValueError(f"cannot read {text!r}: month {month}월 is not between 1 and 12")
    # 2000 is a leap year, so this only rejects days no year has (2월 30일).
    if _try_date(2000, month, day) is None:
        raise ValueError(f"cannot read {text!r}: {month}월 {day}일 does not exist")


def _make_date(year: int, month: int, day: int, text: str) -> datetime.date:
    made = _try_date(year, month, day)
    if made is None:
        raise ValueError(f"cannot read {text!r}: {year}년 {month}월 {day}일 does not exist")
    return made


def _try_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _shift_month(year: int, month: int, offset: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + offset
    return index // 12, index % 12 + 1


def _choose(candidates: list[datetime.date], anchor: datetime.date, direction: str, text: str) -> datetime.date:
    """Pick the candidate matching 오는 (future), 지난 (past), a follow-on day (after) or the nearest."""
    rules = {
        "future": lambda d: d >= anchor,
        "past": lambda d: d < anchor,
        "after": lambda d: d > anchor,
        "nearest": lambda d: True,
    }
    fitting = [d for d in candidates if rules[direction](d)]
    if not fitting:
        raise ValueError(f"cannot read {text!r}: no such date {direction} {anchor.isoformat()}")
    return min(fitting, key=lambda d: abs((d - anchor).days))


def _anchor_day(
    text: str, rest: str, published: datetime.date, same_day: datetime.date | None, has_time_or_duration: bool
) -> datetime.date:
    """The day for wordings with no day number: 이날, 오늘, or a bare '오후'."""
    if re.search(r"\d", rest):
        raise ValueError(f"cannot read {text!r} as an event date: expected a day such as '18일' or '12월 18일'")
    for word, offset in RELATIVE_DAYS.items():
        if word in text:
            return published + datetime.timedelta(days=offset)
    mentions_same_day = any(word in text for word in SAME_DAY_WORDS)
    if not (mentions_same_day or has_time_or_duration):
        raise ValueError(
            f"cannot read {text!r} as an event date: expected a day such as '18일', "
            "'이날' or a time of day such as '오후'"
        )
    if same_day is None:
        word = next((w for w in SAME_DAY_WORDS if w in text), text.strip())
        # In the curated YAML the day is named by same_day_as (an event of that day).
        raise ValueError(f"{word!r} needs the date of the day it refers to "
                         "(same_day_as: an event of that day)")
    return _local_date(same_day)


def _apply_duration(
    start: datetime.date, end: datetime.date, duration: Duration, day_count: int, text: str
) -> datetime.date:
    # '17일부터 사흘간' gives the end; '18일과 19일 이틀간' must agree with it.
    stated_end = duration_end(start, duration)
    if day_count > 1 and stated_end != end:
        covered = (end - start).days + 1
        stated = (stated_end - start).days + 1
        raise ValueError(
            f"cannot read {text!r}: the days given cover {covered} days but the duration says {stated}"
        )
    return stated_end


# ---------------------------------------------------------------- periods

RELATIVE_YEARS = {
    "재작년": -2, "지난해": -1, "작년": -1, "전년": -1,
    "올해": 0, "금년": 0, "올": 0, "내년": 1, "내후년": 2,
}
RELATIVE_MONTHS = {"지난달": -1, "전월": -1, "이달": 0, "이번 달": 0, "이번달": 0, "다음 달": 1, "다음달": 1, "내달": 1}
HALVES = {"상반기": "S1", "하반기": "S2"}
_YEAR_WORDS = "|".join(sorted(RELATIVE_YEARS, key=len, reverse=True))
_MONTH_WORDS = "|".join(sorted(RELATIVE_MONTHS, key=len, reverse=True))
# Particles that do not change the period's meaning; anything else is rejected.
_PARTICLES = r"(?:\s|기준|에는|에서|에|의|은|는|엔|중|을|를|로|으로|과|와|까지는|부터는)*"

PERIOD_RE = re.compile(
    rf"(?:(?P<year>\d{{4}})\s*년|(?P<year_word>{_YEAR_WORDS}))?\s*"
    rf"(?:(?P<half>상반기|하반기)|(?P<quarter>\d)\s*분기|(?P<month>\d{{1,2}})\s*월|(?P<month_word>{_MONTH_WORDS}))?\s*"
    r"(?:(?P<since>이후|부터|이래)|(?P<until>까지))?"
    rf"{_PARTICLES}"
)
LAST_YEARS_RE = re.compile(rf"(?:지난|최근)\s*(?P<years>\d+)\s*년\s*(?:간|동안){_PARTICLES}")


def resolve_period(text: str, published: datetime.date) -> str:
    """Resolve '지난해', '올 하반기', '2013년 3분기', '2006년부터' to an ISO 8601-style period.

    Formats: '2013', '2014-S2' (half), '2013-Q3', '2014-12', open ranges
    '2006/..' and '../2011', and closed ranges '1994/2014'.
    """
    published = _local_date(published)
    cleaned = text.strip()
    last_years = LAST_YEARS_RE.fullmatch(cleaned)
    if last_years:
        return f"{published.year - int(last_years['years'])}/{published.year}"
    match = PERIOD_RE.fullmatch(cleaned)
    if match is None or not (match["year"] or match["year_word"] or match["month"] or match["month_word"]):
        raise ValueError(
            f"cannot read {text!r} as a period: expected a year such as '2013년', '지난해' or '올해', "
            "optionally with 상반기/하반기, N분기 or N월, and 부터/이후/까지"
        )
    period = _period_label(match, published, text)
    if match["since"]:
        return f"{period}/.."
    if match["until"]:
        return f"../{period}"
    return period


def _period_label(match: re.Match[str], published: datetime.date, text: str) -> str:
    if match["month_word"]:
        if match["year"] or match["year_word"]:
            raise ValueError(f"cannot read {text!r} as a period: a year cannot precede {match['month_word']!r}")
        year, month = _shift_month(published.year, published.month, RELATIVE_MONTHS[match["month_word"]])
        return f"{year}-{month:02d}"
    year = _period_year(match, published)
    if match["half"]:
        return f"{year}-{HALVES[match['half']]}"
    if match["quarter"]:
        quarter = int(match["quarter"])
        if not 1 <= quarter <= 4:
            raise ValueError(f"cannot read {text!r} as a period: quarter {quarter}분기 is not between 1 and 4")
        return f"{year}-Q{quarter}"
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ValueError(f"cannot read {text!r} as a period: month {month}월 is not between 1 and 12")
        if year is None:
            year = _nearest_year_for_month(month, published)
        return f"{year}-{month:02d}"
    return str(year)


def _period_year(match: re.Match[str], published: datetime.date) -> int | None:
    if match["year"]:
        return int(match["year"])
    if match["year_word"]:
        return published.year + RELATIVE_YEARS[match["year_word"]]
    return None


def _nearest_year_for_month(month: int, published: datetime.date) -> int:
    # A bare '11월' in a January article means last November, not next.
    here = published.year * 12 + published.month - 1
    return min((published.year - 1, published.year, published.year + 1), key=lambda y: abs(y * 12 + month - 1 - here))


# ---------------------------------------------------------------- finding wordings in text


@dataclass(frozen=True)
class FoundWording:
    """A date or period wording in running text, by character offsets."""

    start: int
    end: int
    text: str
    kind: str  # 'date' | 'period'


_TIME = "오전|오후|저녁|아침|새벽|밤"
# A part of the day standing alone is a word of its own: '오후에는', not '오후반'.
_TIME_WORD = rf"(?<![가-힣])(?:{_TIME})(?=[\s,.·)]|에|엔|부터|까지|께|중|$)"
_CLOCK = r"(?<!\d)\d{1,2}\s*시(?!간)(?:\s*\d{1,2}\s*분|\s*반)?"
_TIME_PART = rf"(?:\s*(?:{_TIME_WORD})(?:\s*{_CLOCK})?|\s*{_CLOCK})?"
_DAY = (r"(?<![\d.박/])(?<!박\s)(?:\d{4}\s*년\s*)?(?:\d{1,2}\s*월\s*)?\d{1,2}"
        r"(?:\s*[~∼〜\-]\s*\d{1,2})?\s*일(?!간|\s*동안|째|\s*만에|자)")
_MORE_DAYS = r"(?:\s*(?:과|와|부터|,|및)\s*(?:\d{1,2}\s*월\s*)?\d{1,2}\s*일(?:까지)?(?!간|\s*동안))*"
_DURATION = (rf"(?:\s*(?:부터|에서)?\s*(?:\d+\s*박\s*\d+\s*일|{'|'.join(DURATION_WORDS)}|일주일|\d+\s*일|\d+\s*주|"
             rf"(?:{_NATIVE})\s*(?:달|주)|\d+\s*개월)\s*(?:간|동안))?")
_MONTH_WORD = "|".join(sorted(map(re.escape, MONTH_OFFSETS), key=len, reverse=True))
_WEEK_WORD = "|".join(sorted(map(re.escape, (w for w in WEEK_OFFSETS if w != "내주")), key=len, reverse=True))
_ANCHOR = "|".join(["그저께", "그제", "어제", "오늘", "내일", "모레", *SAME_DAY_WORDS])
# A stay of nights and days, which needs no 간/동안: '17일 밤 3박4일 일정으로'.
_NIGHTS = r"\s*(?:부터|에서)?\s*\d+\s*박\s*\d+\s*일(?:\s*(?:간|동안))?"
# A day or days named by number ('오는 18일', '12월 30일', '18일과 19일').
_DAYS = rf"(?:(?:오는|지난)\s*)?(?:(?<![가-힣])(?:{_MONTH_WORD})\s*)?{_DAY}{_MORE_DAYS}"
DATE_IN_TEXT_RE = re.compile(
    rf"{_DAYS}{_TIME_PART}{_NIGHTS}"
    rf"|{_DAYS}{_DURATION}{_TIME_PART}"
    rf"|(?<![가-힣])(?:{_ANCHOR})(?![가-힣]{{2}}){_TIME_PART}"
    rf"|(?<![가-힣])(?:{_WEEK_WORD})(?:\s*[월화수목금토일]요일)?{_TIME_PART}"
    rf"|{_TIME_WORD}(?:\s*{_CLOCK})?"
    rf"|{_CLOCK}"
)
_YEAR_WORD = "|".join(sorted((w for w in RELATIVE_YEARS if w != "올"), key=len, reverse=True))
_PERIOD_TAIL = r"(?:\s*(?:상반기|하반기|\d\s*분기|\d{1,2}\s*월))?(?:\s*(?:기준|이후|부터|이래|까지))?"
PERIOD_IN_TEXT_RE = re.compile(
    r"(?:지난|최근)\s*\d+\s*년\s*(?:간|동안)"
    # A length of years ('3년 동안', '3년간'): a period whose dates the sentence does not
    # give. ('연간', a year's worth, says what a figure is per: numbers.figure_basis.)
    r"|(?<![\d.])\d+\s*년\s*(?:간|동안)"
    rf"|(?<![\d.])\d{{4}}\s*년(?:대)?(?:\s*(?:초반|중반|후반|초|말))?{_PERIOD_TAIL}"
    rf"|(?<![가-힣])(?:{_YEAR_WORD}){_PERIOD_TAIL}"
    rf"|(?<![가-힣])올(?=\s*(?:상반기|하반기|\d\s*분기|\d{{1,2}}\s*월)){_PERIOD_TAIL}"
    rf"|(?<![가-힣])(?:{_MONTH_WORD})(?!\s*\d{{1,2}}\s*일)(?:\s*(?:기준|이후|부터|까지))?"
)
# A year or month followed by a day is a date, not a period.
_DAY_FOLLOWS = re.compile(r"\s*(?:\d{1,2}\s*월\s*)?\d{1,2}\s*일")


def find_wordings(text: str) -> list[FoundWording]:
    """Every event date ('18일 오전', '이날 오후', '17일부터 사흘간', '내달 3일', '다음 주')
    and every period ('지난해', '2012년 기준', '올 하반기', '2004년 1월 이후') in running
    text, in order. Dates are read by resolve_event_date, periods by resolve_period."""
    found: list[FoundWording] = []
    taken: list[tuple[int, int]] = []
    for match in DATE_IN_TEXT_RE.finditer(text):
        wording = match.group().rstrip(" ,")
        start = match.start() + len(wording) - len(wording.lstrip())
        wording = wording.strip()
        if not wording:
            continue
        found.append(FoundWording(start, start + len(wording), wording, "date"))
        taken.append((start, start + len(wording)))
    for match in PERIOD_IN_TEXT_RE.finditer(text):
        start, end = match.start(), match.end()
        wording = match.group().rstrip()
        end = start + len(wording)
        if _DAY_FOLLOWS.match(text, end) or any(s < end and start < e for s, e in taken):
            continue
        found.append(FoundWording(start, end, wording, "period"))
    return sorted(found, key=lambda f: f.start)
