import dataclasses
from datetime import date, datetime, timedelta, timezone

import pytest

from newsdb.korean.dates import (
    CARRIED_OVER_RE,
    DateSpan,
    Duration,
    duration_end,
    parse_duration,
    parse_minutes,
    resolve_event_date,
    resolve_period,
)

PUBLISHED = date(2014, 12, 17)
KST = timezone(timedelta(hours=9))


def span(start, end=None, time_of_day=None):
    start = date.fromisoformat(start)
    end = date.fromisoformat(end) if end else start
    return DateSpan(start, end, time_of_day)


@pytest.mark.parametrize(
    "text, expected",
    [
        # the article's own wordings
        ("오는 17일부터 사흘간", span("2014-12-17", "2014-12-19")),
        ("18일과 19일 이틀간", span("2014-12-18", "2014-12-19")),
        ("18일 오전", span("2014-12-18", time_of_day="morning")),
        ("20일", span("2014-12-20")),
        ("20일에는", span("2014-12-20")),
        # durations
        ("17일부터 3일간", span("2014-12-17", "2014-12-19")),
        ("18일부터 이틀 동안", span("2014-12-18", "2014-12-19")),
        ("18일부터 나흘간", span("2014-12-18", "2014-12-21")),
        ("18일부터 닷새간", span("2014-12-18", "2014-12-22")),
        ("30일부터 사흘간", span("2014-12-30", "2015-01-01")),
        ("18일과 20일 사흘간", span("2014-12-18", "2014-12-20")),
        # ranges and lists
        ("18일부터 20일까지", span("2014-12-18", "2014-12-20")),
        ("18~20일", span("2014-12-18", "2014-12-20")),
        ("오는 30일부터 2일까지", span("2014-12-30", "2015-01-02")),
        ("12월 30일과 31일", span("2014-12-30", "2014-12-31")),
        # times of day
        ("18일 오후", span("2014-12-18", time_of_day="afternoon")),
        ("18일 저녁", span("2014-12-18", time_of_day="evening")),
        ("18일 밤", span("2014-12-18", time_of_day="evening")),
        ("오는 18일 오전에", span("2014-12-18", time_of_day="morning")),
        # 오는 / 지난 / plain
        ("오는 17일", span("2014-12-17")),
        ("오는 3일", span("2015-01-03")),
        ("지난 15일", span("2014-12-15")),
        ("지난 17일", span("2014-11-17")),
        ("지난 20일", span("2014-11-20")),
        ("3일", span("2014-12-03")),
        ("31일", span("2014-12-31")),
        # full dates
        ("2014년 12월 18일", span("2014-12-18")),
        ("2015년 1월 2일에", span("2015-01-02")),
        ("12월 18일", span("2014-12-18")),
        ("1월 5일", span("2015-01-05")),  # nearer than 2014-01-05
        ("6월 1일", span("2015-06-01")),  # 2015-06-01 is 166 days away, 2014-06-01 is 199
        ("5월 1일", span("2015-05-01")),  # 2014-05-01 is 230 days back, 2015-05-01 is 135 ahead
        ("7월 1일", span("2014-07-01")),  # 169 days back beats 196 ahead
        ("지난 1월 5일", span("2014-01-05")),
        # words relative to publication
        ("오늘", span("2014-12-17")),
        ("내일 오전", span("2014-12-18", time_of_day="morning")),
        ("어제", span("2014-12-16")),
    ],
)
def test_resolve_event_date(text, expected):
    assert resolve_event_date(text, PUBLISHED) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("이날 오후", span("2014-12-18", time_of_day="afternoon")),
        ("이날", span("2014-12-18")),
        ("오후", span("2014-12-18", time_of_day="afternoon")),
        ("오후에는", span("2014-12-18", time_of_day="afternoon")),
        ("당일 저녁", span("2014-12-18", time_of_day="evening")),
        ("20일", span("2014-12-20")),  # an explicit day wins over same_day
    ],
)
def test_resolve_event_date_same_day(text, expected):
    assert resolve_event_date(text, PUBLISHED, same_day=date(2014, 12, 18)) == expected


def test_month_boundaries_from_late_publication():
    late = date(2014, 12, 28)
    assert resolve_event_date("오는 3일", late) == span("2015-01-03")
    assert resolve_event_date("2일", late) == span("2015-01-02")  # nearest 2일
    assert resolve_event_date("지난 30일", date(2015, 1, 2)) == span("2014-12-30")


def test_aware_datetime_uses_its_local_date():
    published = datetime(2014, 12, 17, 12, 59, tzinfo=KST)
    assert resolve_event_date("오는 17일부터 사흘간", published) == span("2014-12-17", "2014-12-19")
    # 00:30 KST on the 18th is still the 17th in UTC; the local date must win.
    just_after_midnight = datetime(2014, 12, 18, 0, 30, tzinfo=KST)
    assert resolve_event_date("오늘", just_after_midnight) == span("2014-12-18")
    assert resolve_period("올해", datetime(2015, 1, 1, 0, 5, tzinfo=KST)) == "2015"


def test_date_span_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        resolve_event_date("20일", PUBLISHED).start = PUBLISHED


@pytest.mark.parametrize(
    "text, message",
    [
        ("18일과 20일 이틀간", "cover 3 days but the duration says 2"),
        ("이날", "'이날' needs the date of the day it refers to"),
        ("이날 오후", "'이날' needs the date of the day it refers to"),
        ("오후", "'오후' needs the date of the day it refers to"),
        ("32일", "day 32일 is not between 1 and 31"),
        ("0일", "day 0일 is not between 1 and 31"),
        ("2월 30일", "2월 30일 does not exist"),
        ("13월 1일", "month 13월 is not between 1 and 12"),
        ("2014년 2월 29일", "2014년 2월 29일 does not exist"),
        ("언젠가", "expected a day such as '18일'"),
        ("", "expected a day such as '18일'"),
        ("2014년 12월", "expected a day such as '18일'"),
        ("2015년 1월 2일과 2014년 12월 30일", "not in order"),
    ],
)
def test_resolve_event_date_rejects(text, message):
    with pytest.raises(ValueError, match=message):
        resolve_event_date(text, PUBLISHED)


@pytest.mark.parametrize(
    "text, expected",
    [
        # the article's own wordings
        ("지난해", "2013"),
        ("작년", "2013"),
        ("올해", "2014"),
        ("올", "2014"),
        ("내년", "2015"),
        ("올 하반기", "2014-S2"),
        ("올 상반기", "2014-S1"),
        ("지난해 하반기", "2013-S2"),
        ("2013년 3분기", "2013-Q3"),
        ("2012년 기준", "2012"),
        ("2012년", "2012"),
        ("2004년 1월 이후", "2004-01/.."),
        ("2006년부터", "2006/.."),
        ("2011년까지", "../2011"),
        ("지난 20년간", "1994/2014"),
        ("2014년 12월", "2014-12"),
        # more forms
        ("지난해에는", "2013"),
        ("올해 1분기", "2014-Q1"),
        ("재작년", "2012"),
        ("2014년 상반기에", "2014-S1"),
        ("지난해 하반기부터", "2013-S2/.."),
        ("2010년 이래", "2010/.."),
        ("최근 5년 동안", "2009/2014"),
        ("2013년 12월까지", "../2013-12"),
        ("지난달", "2014-11"),
        ("다음 달", "2015-01"),
        ("11월", "2014-11"),
        ("올해 기준", "2014"),
    ],
)
def test_resolve_period(text, expected):
    assert resolve_period(text, PUBLISHED) == expected


def test_bare_month_takes_the_nearest_year():
    assert resolve_period("11월", date(2015, 1, 10)) == "2014-11"
    assert resolve_period("2월", date(2014, 12, 17)) == "2015-02"


@pytest.mark.parametrize(
    "text, message",
    [
        ("언젠가", "expected a year such as '2013년'"),
        ("", "expected a year such as '2013년'"),
        ("2014년 13월", "month 13월 is not between 1 and 12"),
        ("2014년 5분기", "quarter 5분기 is not between 1 and 4"),
        ("하반기", "expected a year"),
        ("2014년 말", "expected a year"),
        ("올해 지난달", "a year cannot precede"),
    ],
)
def test_resolve_period_rejects(text, message):
    with pytest.raises(ValueError, match=message):
        resolve_period(text, PUBLISHED)


# ---------------------------------------------------------------- durations


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3년 동안", Duration(years=3)),
        ("3년간", Duration(years=3)),
        ("3년간의", Duration(years=3)),
        ("사흘간", Duration(days=3)),
        ("사흘 동안", Duration(days=3)),
        ("사흘에 걸쳐", Duration(days=3)),
        ("3일간", Duration(days=3)),
        ("3일 동안", Duration(days=3)),
        ("3박4일", Duration(days=4, nights=3)),
        ("2박 3일", Duration(days=3, nights=2)),
        ("3박4일간", Duration(days=4, nights=3)),
        ("3박5일", Duration(days=5, nights=3)),  # a night flight home
        ("하루", Duration(days=1)),
        ("이틀", Duration(days=2)),
        ("사흘", Duration(days=3)),
        ("나흘", Duration(days=4)),
        ("닷새", Duration(days=5)),
        ("엿새", Duration(days=6)),
        ("이레", Duration(days=7)),
        ("여드레", Duration(days=8)),
        ("아흐레", Duration(days=9)),
        ("열흘", Duration(days=10)),
        ("일주일", Duration(days=7)),
        ("일주일간", Duration(days=7)),
        ("2주", Duration(days=14)),
        ("2주일 동안", Duration(days=14)),
        ("한 주간", Duration(days=7)),
        ("한 달", Duration(months=1)),
        ("한 달간", Duration(months=1)),
        ("석 달", Duration(months=3)),
        ("6개월", Duration(months=6)),
        ("6개월간", Duration(months=6)),
        ("3달", Duration(months=3)),
        ("두 해 동안", Duration(years=2)),
        ("  사흘간  ", Duration(days=3)),
    ],
)
def test_parse_duration(text, expected):
    assert parse_duration(text) == expected


def test_duration_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        parse_duration("사흘간").days = 4


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "expected a duration such as '사흘간'"),
        ("언젠가", "expected a duration such as '사흘간'"),
        ("1년 6개월", "expected a duration such as"),  # one unit only
        ("사흘 뒤", "expected a duration such as"),  # a point in time, not a length
        ("사흘째", "expected a duration such as"),
        ("3년 만에", "expected a duration such as"),
        ("3일", "'3일' alone names a date; write 3일간 or 3일 동안"),
        ("2014년", "'2014년' alone names a date"),
        ("0일간", "a duration must be at least one day"),
        ("0개월", "a duration must be at least one day"),
        ("3박3일", "3박3일 needs at least one night and more days than nights"),
        ("3박2일", "3박2일 needs at least one night and more days than nights"),
        ("0박1일", "0박1일 needs at least one night"),
    ],
)
def test_parse_duration_rejects(text, message):
    with pytest.raises(ValueError, match=message):
        parse_duration(text)


@pytest.mark.parametrize(
    "start, duration, end",
    [
        ("2014-12-17", "사흘간", "2014-12-19"),  # the start day counts
        ("2014-12-17", "3박4일", "2014-12-20"),
        ("2014-12-17", "2박 3일", "2014-12-19"),
        ("2014-12-17", "하루", "2014-12-17"),
        ("2014-12-17", "일주일", "2014-12-23"),
        ("2014-12-30", "사흘간", "2015-01-01"),
        ("2014-12-17", "한 달", "2015-01-16"),
        ("2014-12-17", "6개월", "2015-06-16"),
        ("2014-12-17", "3년간", "2017-12-16"),
        # a month too short for the start day ends on its last day (민법 제160조)
        ("2015-01-31", "한 달", "2015-02-28"),
        ("2016-01-31", "한 달", "2016-02-29"),
        ("2015-01-28", "한 달", "2015-02-27"),
        ("2016-02-29", "1년간", "2017-02-28"),
    ],
)
def test_duration_end(start, duration, end):
    assert duration_end(date.fromisoformat(start), duration) == date.fromisoformat(end)


def test_duration_end_takes_a_duration_or_an_aware_datetime():
    assert duration_end(date(2014, 12, 17), Duration(days=4, nights=3)) == date(2014, 12, 20)
    assert duration_end(datetime(2014, 12, 18, 0, 30, tzinfo=KST), Duration(days=3)) == date(2014, 12, 20)


@pytest.mark.parametrize("duration", [Duration(), Duration(days=-1), Duration(months=1, days=-40)])
def test_duration_end_rejects_empty_or_negative(duration):
    with pytest.raises(ValueError, match="it must be positive"):
        duration_end(date(2014, 12, 17), duration)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("17일부터 사흘간", span("2014-12-17", "2014-12-19")),
        ("17일부터 3박4일", span("2014-12-17", "2014-12-20")),  # was 12-17 to 2015-01-04: '4일' read as a day
        ("17일부터 3박4일간", span("2014-12-17", "2014-12-20")),
        ("오는 17일부터 2박 3일", span("2014-12-17", "2014-12-19")),
        ("17일부터 사흘", span("2014-12-17", "2014-12-19")),  # was 12-17 only: '사흘' ignored
        ("17일부터 사흘 동안", span("2014-12-17", "2014-12-19")),
        ("17일부터 일주일간", span("2014-12-17", "2014-12-23")),
        ("17일부터 2주간", span("2014-12-17", "2014-12-30")),
        ("17일부터 한 달간", span("2014-12-17", "2015-01-16")),
        ("17일부터 6개월간", span("2014-12-17", "2015-06-16")),
        ("2014년 12월 17일부터 사흘간", span("2014-12-17", "2014-12-19")),
        ("18~20일 사흘간", span("2014-12-18", "2014-12-20")),
        ("17일과 20일 3박4일", span("2014-12-17", "2014-12-20")),
        ("18일과 19일 이틀", span("2014-12-18", "2014-12-19")),
        ("17일 사흘째", span("2014-12-17")),  # '사흘째' is a point, not a length
        # the time of day of a departure is not a time of every day of the stay
        ("17일부터 3박4일 오후", span("2014-12-17", "2014-12-20")),
        ("17일 밤 3박4일", span("2014-12-17", "2014-12-20")),
        ("18일부터 2박 3일", span("2014-12-18", "2014-12-20")),
        ("17일 새벽 2박 3일", span("2014-12-17", "2014-12-19")),
        # a duration of one day keeps it
        ("18일 오후 하루", span("2014-12-18", time_of_day="afternoon")),
    ],
)
def test_resolve_event_date_with_durations(text, expected):
    assert resolve_event_date(text, PUBLISHED) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("17일부터 사흘간 3박4일", r"more than one duration \('사흘간', '3박4일'\)"),
        ("17일과 19일 3박4일", "the days given cover 3 days but the duration says 4"),
        ("17일과 19일 한 달간", "the days given cover 3 days but the duration says 31"),
        ("17일부터 3박3일", "3박3일 needs at least one night and more days than nights"),
        ("17일부터 0일간", "a duration must be at least one day"),
    ],
)
def test_resolve_event_date_rejects_durations(text, message):
    with pytest.raises(ValueError, match=message):
        resolve_event_date(text, PUBLISHED)


@pytest.mark.parametrize("text, published, expected", [
    # press releases date things as '(12. 8)': month and day with a full stop
    ("어제(12. 8) 오후", date(2014, 12, 9), (date(2014, 12, 8), date(2014, 12, 8), "afternoon")),
    ("12. 18", date(2014, 12, 9), (date(2014, 12, 18), date(2014, 12, 18), None)),
    ("(1. 3) 오전", date(2014, 12, 29), (date(2015, 1, 3), date(2015, 1, 3), "morning")),
])
def test_dotted_month_and_day(text, published, expected):
    span = resolve_event_date(text, published)
    assert (span.start, span.end, span.time_of_day) == expected

# ---------------------------------------------------------------- months, weeks, clock times


@pytest.mark.parametrize(
    "text, expected",
    [
        ("내달 3일", span("2015-01-03")),
        ("다음 달 3일", span("2015-01-03")),
        ("다음달 20일부터 사흘간", span("2015-01-20", "2015-01-22")),
        ("이달 25일", span("2014-12-25")),
        ("이번 달 5일", span("2014-12-05")),
        ("지난달 28일", span("2014-11-28")),
        ("다음 주 화요일", span("2014-12-23")),
        ("이번 주 금요일 오후", span("2014-12-19", time_of_day="afternoon")),
        ("지난주 월요일", span("2014-12-08")),
        ("18일 오후 3시", span("2014-12-18", time_of_day="afternoon")),
        ("19일 오전 10시 30분", span("2014-12-19", time_of_day="morning")),
        ("20일 3시", span("2014-12-20")),
    ],
)
def test_resolve_event_date_relative_months_weeks_and_clock(text, expected):
    assert resolve_event_date(text, PUBLISHED) == expected


@pytest.mark.parametrize(
    "text, start, end, precision",
    [
        ("다음 주", "2014-12-22", "2014-12-28", "week"),  # 2014-12-17 is a Wednesday
        ("다음주", "2014-12-22", "2014-12-28", "week"),
        ("이번 주", "2014-12-15", "2014-12-21", "week"),
        ("지난주", "2014-12-08", "2014-12-14", "week"),
        ("내달", "2015-01-01", "2015-01-31", "month"),
        ("이달", "2014-12-01", "2014-12-31", "month"),
        ("지난달", "2014-11-01", "2014-11-30", "month"),
        ("20일", "2014-12-20", "2014-12-20", "day"),
    ],
)
def test_weeks_and_months_are_spans_with_their_precision(text, start, end, precision):
    found = resolve_event_date(text, PUBLISHED)
    assert (found.start.isoformat(), found.end.isoformat(), found.precision) == (start, end, precision)


def test_clock_time_with_same_day():
    assert resolve_event_date("이날 오후 3시", PUBLISHED, same_day=date(2014, 12, 18)) == span(
        "2014-12-18", time_of_day="afternoon")


@pytest.mark.parametrize(
    "text, message",
    [
        ("다음 주 18일", "a week .* cannot be combined with a day number"),
        ("내달 사흘간", "a duration needs a start day"),
        ("12월 내달 3일", "a month number cannot precede"),
    ],
)
def test_resolve_event_date_rejects_mixed_relative_words(text, message):
    with pytest.raises(ValueError, match=message):
        resolve_event_date(text, PUBLISHED)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("오후 3시", "15:00"),
        ("오전 10시 30분", "10:30"),
        ("저녁 7시 반", "19:30"),
        ("밤 11시", "23:00"),
        ("새벽 2시", "02:00"),
        ("오후 12시", "12:00"),
        ("3시", "03:00"),
        ("18일 오후 2시에", "14:00"),
    ],
)
def test_parse_clock_time(text, expected):
    from newsdb.korean.dates import parse_clock_time

    assert parse_clock_time(text).strftime("%H:%M") == expected


@pytest.mark.parametrize("text", ["3시간", "18일 오후", "시장", ""])
def test_parse_clock_time_finds_none(text):
    from newsdb.korean.dates import parse_clock_time

    assert parse_clock_time(text) is None


def test_parse_clock_time_rejects_impossible_times():
    from newsdb.korean.dates import parse_clock_time

    with pytest.raises(ValueError, match="not a time of day"):
        parse_clock_time("오전 10시 75분")


@pytest.mark.parametrize("text, minutes", [
    ("40분", 40), ("40분가량", 40), ("40분간", 40), ("1시간 30분", 90), ("2시간여", 120),
    ("90분 동안", 90), ("1시간", 60),
])
def test_parse_minutes(text, minutes):
    assert parse_minutes(text) == minutes


@pytest.mark.parametrize("text, message", [
    ("40", "cannot read '40' as a length of time"),
    ("오전", "cannot read '오전' as a length of time"),
    ("0분", "it must be at least one minute"),
    ("3년간", "cannot read '3년간' as a length of time"),
])
def test_parse_minutes_rejects(text, message):
    with pytest.raises(ValueError, match=message):
        parse_minutes(text)


@pytest.mark.parametrize("sentence, carried", [
    ("이어서 칭화홀딩스를 방문해", True),
    ("이어 칭화홀딩스를 방문해", True),
    ("이날 오후에는 행사를 연다", True),
    ("같은 날 행사를 연다", True),
    ("같은날 행사를 연다", True),
    ("당일 행사를 연다", True),
    ("이어지는 행사", False),
    ("19일에는 샤오미를 찾는다", False),
])
def test_a_sentence_carries_the_previous_day_over(sentence, carried):
    assert bool(CARRIED_OVER_RE.match(sentence)) is carried
