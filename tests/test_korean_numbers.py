import dataclasses

import pytest

from newsdb.korean.numbers import (
    figure_basis,
    ParsedNumber,
    ParsedRange,
    ParsedRank,
    parse_korean_number,
    parse_korean_range,
    parse_rank,
    recompute_ratio,
)


@pytest.mark.parametrize(
    "text, value, unit, qualifier",
    [
        # the article's own wordings
        ("324만7천명", 3247000.0, "persons", "exact"),
        ("324만7천명으로", 3247000.0, "persons", "exact"),
        ("8천279억달러", 827900000000.0, "USD", "exact"),
        ("8천279억달러로", 827900000000.0, "USD", "exact"),
        ("1천767억달러", 176700000000.0, "USD", "exact"),
        ("2천610억달러", 261000000000.0, "USD", "exact"),
        ("897억달러", 89700000000.0, "USD", "exact"),
        ("6조5천억원", 6500000000000.0, "KRW", "exact"),
        ("1천500여개", 1500.0, "count", "approx"),
        ("4조달러를 넘어", 4e12, "USD", "more_than"),
        ("4조달러를 넘어섰으며", 4e12, "USD", "more_than"),
        ("25.8%", 25.8, "percent", "exact"),
        ("25.8%로", 25.8, "percent", "exact"),
        ("4.7배", 4.7, "ratio", "exact"),
        ("4.7배에", 4.7, "ratio", "exact"),
        ("2.9배", 2.9, "ratio", "exact"),
        # approximations
        ("약 100개", 100.0, "count", "approx"),
        ("약100개", 100.0, "count", "approx"),
        ("100여 개", 100.0, "count", "approx"),
        ("대략 30곳", 30.0, "count", "approx"),
        ("500명가량", 500.0, "persons", "approx"),
        # a level or a scale rounds the figure too (4억원 수준, 30억원 규모)
        ("4억원 수준", 400000000.0, "KRW", "approx"),
        ("30억원 규모의", 3000000000.0, "KRW", "approx"),
        # bounds
        ("100개 이상", 100.0, "count", "more_than"),
        ("100여개 이상", 100.0, "count", "more_than"),
        ("1만명을 넘는", 10000.0, "persons", "more_than"),
        ("10% 초과", 10.0, "percent", "more_than"),
        ("10명 미만", 10.0, "persons", "less_than"),
        ("5% 이하", 5.0, "percent", "less_than"),
        ("1조원에 못 미치는", 1e12, "KRW", "less_than"),
        # Arabic numerals, spaces and mixed forms
        ("3,247,000명", 3247000.0, "persons", "exact"),
        ("1억 2천만 원", 120000000.0, "KRW", "exact"),
        ("1억2천만원", 120000000.0, "KRW", "exact"),
        ("5천억원", 500000000000.0, "KRW", "exact"),
        ("1.5조원", 1500000000000.0, "KRW", "exact"),
        ("3백명", 300.0, "persons", "exact"),
        ("2십개", 20.0, "count", "exact"),
        ("12조3천4백5십6억원", 12345600000000.0, "KRW", "exact"),
        ("1,500억달러", 150000000000.0, "USD", "exact"),
        # every unit word
        ("3건", 3.0, "count", "exact"),
        ("7개사", 7.0, "count", "exact"),
        ("20곳", 20.0, "count", "exact"),
        ("300위안", 300.0, "CNY", "exact"),
        ("30퍼센트", 30.0, "percent", "exact"),
        ("  12명  ", 12.0, "persons", "exact"),
    ],
)
def test_parse_korean_number(text, value, unit, qualifier):
    assert parse_korean_number(text) == ParsedNumber(value, unit, qualifier)


@pytest.mark.parametrize(
    "text, qualifier",
    [
        ("1/3", "exact"),
        ("1 / 3", "exact"),
        ("3분의 1", "exact"),
        ("3분의1로", "exact"),
        ("약 3분의 1", "approx"),
        ("3분의 1 이상", "more_than"),
    ],
)
def test_parse_fraction(text, qualifier):
    assert parse_korean_number(text) == ParsedNumber(1 / 3, "fraction", qualifier)
    assert parse_korean_number(text).value == 0.3333333333333333


def test_large_values_are_exact_integers():
    assert parse_korean_number("8천279억달러").value == 827900000000.0
    assert parse_korean_number("6조5천억원").value == 6500000000000.0
    assert parse_korean_number("9999조9999억9999만9999원").value == 9999999999999999.0


def test_parsed_number_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        parse_korean_number("3건").value = 4.0


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty string"),
        ("   ", "empty string"),
        ("억달러", "'억' must follow digits"),
        ("만천명", "'만' must follow digits"),
        ("4조딸러", "expected digits with 조/억/만/천 units followed by a unit such as 명, 개, 달러, 원, %, 배"),
        ("12.5.3%", "malformed digits '12.5.3'"),
        ("12조", "a unit is required"),
        ("1,23명", "malformed digits"),
        ("5만3억원", "out of order"),
        ("1천2천원", "out of order"),
        ("1 2명", "unexpected '2'"),
        ("100개3", "expected digits"),
        ("1/0", "denominator must not be 0"),
        ("명", "expected digits"),
        ("abc", "expected digits"),
    ],
)
def test_parse_korean_number_rejects(text, message):
    with pytest.raises(ValueError, match=message) as error:
        parse_korean_number(text)
    assert "cannot read" in str(error.value)


@pytest.mark.parametrize(
    "text, rank, scope",
    [
        ("세계 1위", 1, "world"),
        ("세계1위", 1, "world"),
        ("세계2위", 2, "world"),
        ("세계 4위", 4, "world"),
        ("세계 최대", 1, "world"),
        ("세계 최대의", 1, "world"),
        ("전 세계 1위", 1, "world"),
        ("글로벌 3위", 3, "world"),
        ("중국 최대", 1, "country"),
        ("국내 1위", 1, "country"),
        ("중국 스마트폰 1위", 1, "country"),
        ("중국 스마트폰 1위인", 1, "country"),
        ("1위", 1, None),
        ("12위로", 12, None),
        ("최대", 1, None),
    ],
)
def test_parse_rank(text, rank, scope):
    assert parse_rank(text) == ParsedRank(rank, scope)


@pytest.mark.parametrize(
    "text, message",
    [
        ("세계", "expected e.g. '세계 1위'"),
        ("", "expected e.g."),
        ("세계 0위", "ranks start at 1위"),
        ("업계 1위", "unknown scope '업계'"),
    ],
)
def test_parse_rank_rejects(text, message):
    with pytest.raises(ValueError, match=message):
        parse_rank(text)


@pytest.mark.parametrize(
    "numerator, denominator, stated, agrees",
    [
        (8279, 1767, 4.7, True),
        (8279, 1767, "4.7배", True),
        (8279, 1767, 4.8, False),
        (8279, 1767, "4.8배", False),
        (2610, 897, 2.9, True),
        (2610, 897, "2.9배", True),
        (2610, 897, "3배", True),  # whole-number statement: 2.909 rounds to 3
        (2610, 897, "3.0배", False),  # stated to one place: 2.9 != 3.0
        (1, 8, "0.13", True),  # half-up rounding, not banker's (0.125 -> 0.13)
        (827900000000.0, 176700000000.0, 4.7, True),
    ],
)
def test_recompute_ratio(numerator, denominator, stated, agrees):
    ratio, ok = recompute_ratio(numerator, denominator, stated)
    assert ratio == numerator / denominator
    assert ok is agrees


def test_recompute_ratio_values():
    assert recompute_ratio(8279, 1767, 4.7)[0] == pytest.approx(4.68534238822)
    assert recompute_ratio(2610, 897, "2.9배")[0] == pytest.approx(2.90969899665)


@pytest.mark.parametrize(
    "args, message",
    [
        ((1, 0, 4.7), "denominator of 0"),
        ((1, 2, "배"), "expected e.g. '4.7배'"),
        ((1, 2, "약 반"), "expected e.g. '4.7배'"),
    ],
)
def test_recompute_ratio_rejects(args, message):
    with pytest.raises(ValueError, match=message):
        recompute_ratio(*args)


# ---------------------------------------------------------------- ranges


@pytest.mark.parametrize(
    "text, low, high, unit, qualifier",
    [
        ("3억~4억원", 300000000.0, 400000000.0, "KRW", "exact"),
        ("3억∼4억 원", 300000000.0, 400000000.0, "KRW", "exact"),  # U+223C, as some papers type it
        ("3억 ~ 4억원", 300000000.0, 400000000.0, "KRW", "exact"),
        ("3억원~4억원", 300000000.0, 400000000.0, "KRW", "exact"),
        ("10~20%", 10.0, 20.0, "percent", "exact"),
        ("10%~20%", 10.0, 20.0, "percent", "exact"),
        ("10-20%", 10.0, 20.0, "percent", "exact"),
        ("3만~5만명", 30000.0, 50000.0, "persons", "exact"),
        ("1천억~2천억달러", 100000000000.0, 200000000000.0, "USD", "exact"),
        ("2.5~3.5배", 2.5, 3.5, "ratio", "exact"),
        ("0~4.5%", 0.0, 4.5, "percent", "exact"),
        ("3억~3억원", 300000000.0, 300000000.0, "KRW", "exact"),
        # an elided 조/억/만 on the low side is the high side's
        ("3~4억원", 300000000.0, 400000000.0, "KRW", "exact"),
        ("1천~2천억달러", 100000000000.0, 200000000000.0, "USD", "exact"),
        ("1.5~2조원", 1500000000000.0, 2000000000000.0, "KRW", "exact"),
        ("10~20만명", 100000.0, 200000.0, "persons", "exact"),
        ("3~4억5천만원", 300000000.0, 450000000.0, "KRW", "exact"),
        ("5천만~1억원", 50000000.0, 100000000.0, "KRW", "exact"),
        # qualifiers
        ("약 3억~4억원", 300000000.0, 400000000.0, "KRW", "approx"),
        ("3천~4천여명", 3000.0, 4000.0, "persons", "approx"),
        ("3억~4억원 이상", 300000000.0, 400000000.0, "KRW", "more_than"),
        ("3억~4억원 수준", 300000000.0, 400000000.0, "KRW", "approx"),
        ("20억∼30억원(공동부담)", 2000000000.0, 3000000000.0, "KRW", "exact"),
        ("3억~4억원에 이르는", 300000000.0, 400000000.0, "KRW", "exact"),
        # a single figure is a range of one value
        ("4억원", 400000000.0, 400000000.0, "KRW", "exact"),
        ("324만7천명으로", 3247000.0, 3247000.0, "persons", "exact"),
        ("4조달러를 넘어", 4e12, 4e12, "USD", "more_than"),
    ],
)
def test_parse_korean_range(text, low, high, unit, qualifier):
    assert parse_korean_range(text) == ParsedRange(low, high, unit, qualifier)


def test_single_number_exposes_low_and_high():
    number = parse_korean_number("8천279억달러")
    assert (number.value_low, number.value_high) == (827900000000.0, 827900000000.0)
    # properties, not fields: the dataclass compares and prints as before
    assert number == ParsedNumber(827900000000.0, "USD", "exact")
    assert [f.name for f in dataclasses.fields(number)] == ["value", "unit", "qualifier"]


def test_parsed_range_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        parse_korean_range("3억~4억원").value_low = 1.0


@pytest.mark.parametrize(
    "text, message",
    [
        ("3억원~4억달러", r"the two sides have different units \(KRW and USD\)"),
        ("10명~20%", r"different units \(persons and percent\)"),
        ("4억~3억원", "the low side 400000000 is greater than the high side 300000000"),
        ("20~10%", "the low side 20 is greater than the high side 10"),
        ("3천~4만명", r"the low side 30000000 \(read as 3천만; write the 조/억/만 on both sides\)"),
        ("~4억원", "expected a figure on both sides"),
        ("3억~", "expected a figure on both sides"),
        ("3~4~5억원", "more than one '~' separator"),
        ("3억~4억", "the high side: .*a unit is required"),
        ("abc~4억원", "cannot read the low side 'abc'"),
        ("1/3~1/2", "ranges of fractions are not supported"),
        ("5만3억~6억원", "out of order"),
        ("", "empty string"),
    ],
)
def test_parse_korean_range_rejects(text, message):
    with pytest.raises(ValueError, match=message) as error:
        parse_korean_range(text)
    assert str(error.value).startswith("cannot read")


@pytest.mark.parametrize(
    "text, value, unit, qualifier",
    [
        ("최대 30%", 30.0, "percent", "less_than"),
        ("최소 100명", 100.0, "persons", "more_than"),
        ("최대 1만명 이상", 10000.0, "persons", "more_than"),  # the bound word wins
        ("4조달러를 넘을", 4e12, "USD", "more_than"),
        ("2천억원을 넘겨", 2e11, "KRW", "more_than"),
    ],
)
def test_bounds_written_before_or_as_verbs(text, value, unit, qualifier):
    assert parse_korean_number(text) == ParsedNumber(value, unit, qualifier)


def test_find_figures_and_ranks_in_running_text():
    from newsdb.korean.numbers import find_figures, find_ranks

    text = "사업비 3억~4억원, 6개월간 1억 2천만 원, 점유율 최대 30%로 중국 스마트폰 1위, 5위안"
    figures = [(f.text, f.start) for f in find_figures(text)]
    assert figures == [("3억~4억원", 4), ("1억 2천만 원", 17), ("최대 30%", 31), ("5위안", 51)]
    assert isinstance(find_figures(text)[0].parsed, ParsedRange)
    assert [(r.text, r.parsed) for r in find_ranks(text)] == [("중국 스마트폰 1위", ParsedRank(1, "country"))]
    assert find_ranks("최대 30% 최고경영자") == []


@pytest.mark.parametrize("before, basis", [
    ("과제당 연간 ", "per_project_per_year"),
    ("과제당 3년간 ", "per_project_over_period"),
    ("사업당 3년 동안 ", "per_project_over_period"),
    ("3년 동안 모두 ", "total_over_period"),
    ("정부는 5년간 총 ", "total_over_period"),
    ("칭화홀딩스의 연간 매출은 ", "per_year"),
    ("매년 ", "per_year"),
    ("연 ", "per_year"),
    ("연 매출 ", "per_year"),
    ("연구개발 예산 ", None),
    ("외환보유고는 ", None),
    ("2012년 기준 ", None),
    ("연구원 ", None),
])
def test_a_figures_basis_is_read_from_the_words_before_it(before, basis):
    assert figure_basis(before) == basis
