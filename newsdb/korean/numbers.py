"""Parse Korean number wordings found in news text.

Examples: '324만7천명', '8천279억달러로', '1천500여개', '4조달러를 넘어',
'25.8%', '4.7배', '3분의 1', '세계 1위'.

Values are computed with Decimal and converted to float only at the end,
so large amounts such as 8천279억 come out exactly (827900000000.0).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "FoundFigure",
    "FoundRank",
    "ParsedNumber",
    "ParsedRange",
    "ParsedRank",
    "figure_basis",
    "find_figures",
    "find_ranks",
    "parse_korean_number",
    "parse_korean_range",
    "parse_rank",
    "recompute_ratio",
]


@dataclass(frozen=True)
class ParsedNumber:
    value: float  # in base units: 324만7천명 -> 3247000.0, 25.8% -> 25.8
    unit: str  # persons | count | percent | ratio | fraction | USD | KRW | CNY
    qualifier: str  # exact | approx | more_than | less_than

    # Properties, not fields: equality, repr and the constructor stay as before,
    # but a single figure can be used wherever a range is expected.
    @property
    def value_low(self) -> float:
        return self.value

    @property
    def value_high(self) -> float:
        return self.value


@dataclass(frozen=True)
class ParsedRange:
    value_low: float  # in base units: 3억~4억원 -> 300000000.0
    value_high: float  # 400000000.0; equal to value_low for a single figure
    unit: str  # as ParsedNumber.unit
    qualifier: str  # as ParsedNumber.qualifier; read from the high side's words


@dataclass(frozen=True)
class ParsedRank:
    rank: int
    scope: str | None  # 'world' | 'country' | None


UNITS = {
    "명": "persons",
    "개사": "count",
    "개": "count",
    "건": "count",
    "곳": "count",
    "달러": "USD",
    "원": "KRW",
    "위안": "CNY",
    "%": "percent",
    "퍼센트": "percent",
    "배": "ratio",
}

# Group multipliers close a group of up to four digits (8천279억 = 8279 * 억).
BIG_MULTIPLIERS = {"조": Decimal(10) ** 12, "억": Decimal(10) ** 8, "만": Decimal(10) ** 4}
SMALL_MULTIPLIERS = {"천": Decimal(1000), "백": Decimal(100), "십": Decimal(10)}

# Checked in order: a bound beats 'approx', so '100여개 이상' is more_than.
QUALIFIER_WORDS = [
    ("less_than", ("미만", "이하", "못 미치", "못미치", "밑도", "밑돌")),
    ("more_than", ("넘어", "넘는", "넘게", "넘었", "넘긴", "넘을", "넘겨", "넘으", "초과", "이상", "웃도", "웃돌", "상회")),
    # 수준 and 규모 (a level, a scale: '4억원 수준', '30억원 규모') round a figure too.
    ("approx", ("가량", "정도", "안팎", "내외", "남짓", "수준", "규모")),
]

NUMBER_EXPECTED = (
    "expected digits with 조/억/만/천 units followed by a unit such as "
    "명, 개, 달러, 원, %, 배"
)

_UNIT_ALTERNATION = "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True))
_NUMBER_CHARS = r"[\d.,\s조억만천백십]"

NUMBER_RE = re.compile(
    rf"(?P<bound>(?:최대|최소)\s*)?"
    rf"(?P<prefix>(?:약|대략)\s*)?"
    rf"(?P<number>{_NUMBER_CHARS}+?)\s*"
    rf"(?P<about>여)?\s*"
    rf"(?P<unit>{_UNIT_ALTERNATION})"
    rf"(?P<rest>\D*)"
)
# '1/3' and '3분의 1' (the Korean form names the denominator first).
SLASH_FRACTION_RE = re.compile(r"(?P<prefix>(?:약|대략)\s*)?(?P<num>\d+)\s*/\s*(?P<den>\d+)(?P<rest>\D*)")
KOREAN_FRACTION_RE = re.compile(r"(?P<prefix>(?:약|대략)\s*)?(?P<den>\d+)\s*분의\s*(?P<num>\d+)(?P<rest>\D*)")

TOKEN_RE = re.compile(r"(?P<digits>\d[\d,.]*)|(?P<mult>[조억만천백십])|(?P<space>\s+)|(?P<bad>.)")
DIGITS_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def parse_korean_number(text: str) -> ParsedNumber:
    """Parse a Korean amount such as '8천279억달러로' into value, unit and qualifier.

    A unit word is required: a bare '12조' raises ValueError, because the
    caller could not tell dollars from won. Particles and verbs after the
    unit are ignored except for bound words (넘어, 이상, 미만, ...).
    """
    cleaned = text.strip()
    if not cleaned:
        raise ValueError(f"cannot read an empty string as a Korean number: {NUMBER_EXPECTED}")
    fraction = _parse_fraction(cleaned)
    if fraction is not None:
        return fraction
    match = NUMBER_RE.fullmatch(cleaned)
    if match is None:
        raise ValueError(_unreadable_message(cleaned))
    value = _number_value(match["number"], text)
    approx = bool(match["prefix"] or match["about"])
    qualifier = _qualifier(match["rest"], approx)
    if match["bound"] and qualifier in ("exact", "approx"):
        # '최대 30%' (up to) is at most 30%, '최소 100명' (at least) 100 or more.
        qualifier = "less_than" if match["bound"].strip() == "최대" else "more_than"
    return ParsedNumber(float(value), UNITS[match["unit"]], qualifier)


def _parse_fraction(text: str) -> ParsedNumber | None:
    match = SLASH_FRACTION_RE.fullmatch(text) or KOREAN_FRACTION_RE.fullmatch(text)
    if match is None:
        return None
    numerator, denominator = int(match["num"]), int(match["den"])
    if denominator == 0:
        raise ValueError(f"cannot read {text!r} as a fraction: the denominator must not be 0")
    qualifier = _qualifier(match["rest"], approx=bool(match["prefix"]))
    return ParsedNumber(numerator / denominator, "fraction", qualifier)


def _unreadable_message(text: str) -> str:
    if re.fullmatch(rf"(?:약|대략)?\s*{_NUMBER_CHARS}+\s*여?", text):
        return (
            f"cannot read {text!r} as a Korean number: a unit is required "
            "(명, 개, 건, 곳, 개사, 달러, 원, 위안, %, 퍼센트, 배)"
        )
    return f"cannot read {text!r} as a Korean number: {NUMBER_EXPECTED}"


def _number_value(number: str, text: str) -> Decimal:
    """Combine digit runs and 조/억/만/천/백/십 multipliers into one exact value."""
    total = Decimal(0)
    group = Decimal(0)  # the part of the current 조/억/만 group seen so far
    pending: Decimal | None = None  # digits not yet attached to a multiplier
    last_big = last_small = None
    for token in TOKEN_RE.finditer(number):
        kind, piece = token.lastgroup, token.group()
        if kind == "space":
            continue
        if kind == "bad" or (kind == "digits" and pending is not None):
            raise ValueError(f"cannot read {text!r} as a Korean number: unexpected {piece!r}; {NUMBER_EXPECTED}")
        if kind == "digits":
            pending = _digits_value(piece, text)
            continue
        # '5천억' is fine: 억 closes the group 5천 even with no digits right before it.
        if pending is None and (piece in SMALL_MULTIPLIERS or group == 0):
            raise ValueError(f"cannot read {text!r} as a Korean number: {piece!r} must follow digits (e.g. 5{piece})")
        if piece in SMALL_MULTIPLIERS:
            last_small = _check_descending(piece, last_small, SMALL_MULTIPLIERS, text)
            group += pending * SMALL_MULTIPLIERS[piece]
        else:
            last_big = _check_descending(piece, last_big, BIG_MULTIPLIERS, text)
            total += (group + (pending or 0)) * BIG_MULTIPLIERS[piece]
            group, last_small = Decimal(0), None
        pending = None
    if pending is None and total == 0 and group == 0:
        raise ValueError(f"cannot read {text!r} as a Korean number: no digits found; {NUMBER_EXPECTED}")
    return total + group + (pending or 0)


def _check_descending(piece: str, previous: str | None, scale: dict[str, Decimal], text: str) -> str:
    # '5만3억' is not a number: multipliers must shrink from left to right.
    if previous is not None and scale[piece] >= scale[previous]:
        raise ValueError(f"cannot read {text!r} as a Korean number: {piece!r} after {previous!r} is out of order")
    return piece


def _digits_value(piece: str, text: str) -> Decimal:
    if not DIGITS_RE.fullmatch(piece):
        raise ValueError(
            f"cannot read {text!r} as a Korean number: malformed digits {piece!r} "
            "(expected e.g. 12, 12.5 or 3,247,000)"
        )
    return Decimal(piece.replace(",", ""))


def _qualifier(rest: str, approx: bool) -> str:
    for qualifier, words in QUALIFIER_WORDS:
        if any(word in rest for word in words):
            return qualifier
    return "approx" if approx else "exact"


# ---------------------------------------------------------------- ranges

# '~' and its look-alikes; '-' too, since some papers write '10-20%'.
RANGE_SEPARATOR_RE = re.compile(r"\s*[~∼〜～\-–]\s*")
# The low side may leave out the unit ('3억~4억원') or repeat it ('3억원~4억원').
RANGE_LOW_RE = re.compile(
    rf"(?P<prefix>(?:약|대략)\s*)?"
    rf"(?P<number>{_NUMBER_CHARS}+?)\s*"
    rf"(?P<about>여)?\s*"
    rf"(?P<unit>{_UNIT_ALTERNATION})?"
)
BIG_MULTIPLIER_RE = re.compile("[조억만]")


def parse_korean_range(text: str) -> ParsedRange:
    """Parse '3억~4억원', '10~20%' or a single figure into low and high values.

    A single figure ('4억원') gives value_low == value_high. When the low
    side has no 조/억/만 it shares the high side's largest one, as Korean
    writers elide it: '3~4억원' is 3억 to 4억, '1천~2천억달러' is 1천억 to 2천억.
    """
    cleaned = text.strip()
    sides = RANGE_SEPARATOR_RE.split(cleaned)
    if len(sides) == 1:
        number = parse_korean_number(cleaned)
        return ParsedRange(number.value, number.value, number.unit, number.qualifier)
    if len(sides) > 2:
        raise ValueError(f"cannot read {text!r} as a Korean range: more than one '~' separator")
    low_text, high_text = sides
    if not low_text or not high_text:
        raise ValueError(f"cannot read {text!r} as a Korean range: expected a figure on both sides of '~' (e.g. 3억~4억원)")
    try:
        high = parse_korean_number(high_text)
    except ValueError as error:
        raise ValueError(f"cannot read {text!r} as a Korean range: the high side: {error}") from error
    if high.unit == "fraction":
        raise ValueError(f"cannot read {text!r} as a Korean range: ranges of fractions are not supported")
    low, low_approx, shared = _range_low(low_text, high_text, high.unit, text)
    if low > Decimal(repr(high.value)):
        # With a shared 조/억/만 the writer may have meant a smaller one ('3천~4만명').
        hint = f" (read as {low_text}{shared}; write the 조/억/만 on both sides)" if shared else ""
        raise ValueError(
            f"cannot read {text!r} as a Korean range: the low side {_plain(low)}{hint} "
            f"is greater than the high side {_plain(high.value)}"
        )
    qualifier = "approx" if low_approx and high.qualifier == "exact" else high.qualifier
    return ParsedRange(float(low), high.value, high.unit, qualifier)


def _range_low(low_text: str, high_text: str, high_unit: str, text: str) -> tuple[Decimal, bool, str | None]:
    """The low side's value, whether it said 약/여, and the 조/억/만 it borrowed from the high side."""
    match = RANGE_LOW_RE.fullmatch(low_text)
    if match is None:
        raise ValueError(f"cannot read {text!r} as a Korean range: cannot read the low side {low_text!r}; {NUMBER_EXPECTED}")
    if match["unit"] and UNITS[match["unit"]] != high_unit:
        raise ValueError(
            f"cannot read {text!r} as a Korean range: the two sides have different units "
            f"({UNITS[match['unit']]} and {high_unit})"
        )
    value = _number_value(match["number"], text)
    shared = None if BIG_MULTIPLIER_RE.search(match["number"]) else _largest_big_multiplier(high_text)
    if shared is not None:
        value *= BIG_MULTIPLIERS[shared]
    return value, bool(match["prefix"] or match["about"]), shared


def _largest_big_multiplier(high_text: str) -> str | None:
    # Only the number part counts: the words after the unit may contain '만'.
    number = NUMBER_RE.fullmatch(high_text)["number"]
    found = BIG_MULTIPLIER_RE.search(number)
    return found.group() if found else None


def _plain(value: Decimal | float) -> str:
    # Decimal('3E+8') and 300000000.0 both read as 300000000 in messages.
    written = f"{Decimal(repr(value)) if isinstance(value, float) else value:f}"
    return written.rstrip("0").rstrip(".") if "." in written else written


# ---------------------------------------------------------------- ranks

WORLD_WORDS = {"세계", "전세계", "전 세계", "글로벌", "지구촌"}
COUNTRY_WORDS = {
    "국내", "중국", "한국", "미국", "일본", "인도", "대만", "독일", "영국",
    "프랑스", "러시아", "베트남", "브라질", "아시아", "유럽",
}
TOP_WORDS = ("최대", "최고", "최다")

RANK_RE = re.compile(
    r"(?P<scope>\D*?)\s*"
    rf"(?:(?P<rank>\d+)\s*위|(?P<top>{'|'.join(TOP_WORDS)}))"
    r"(?P<rest>\D*)"
)


def parse_rank(text: str) -> ParsedRank:
    """Parse '세계 1위', '중국 최대', '국내 1위', '1위' into a rank and scope.

    The first word before the rank sets the scope ('세계' -> world, '국내'
    or a country name -> country); later words such as '스마트폰' name the
    market and are ignored. An unknown first word raises ValueError rather
    than guessing a scope.
    """
    match = RANK_RE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"cannot read {text!r} as a rank: expected e.g. '세계 1위', '1위' or '중국 최대'")
    rank = int(match["rank"]) if match["rank"] else 1
    if rank < 1:
        raise ValueError(f"cannot read {text!r} as a rank: ranks start at 1위")
    return ParsedRank(rank, _rank_scope(match["scope"].strip(), text))


def _rank_scope(scope_text: str, text: str) -> str | None:
    if not scope_text:
        return None
    if scope_text.startswith("전 세계"):
        return "world"
    first_word = scope_text.split()[0]
    if first_word in WORLD_WORDS:
        return "world"
    if first_word in COUNTRY_WORDS:
        return "country"
    raise ValueError(
        f"cannot read {text!r} as a rank: unknown scope {first_word!r} "
        "(expected 세계, 국내 or a country name before the rank)"
    )


# ---------------------------------------------------------------- ratios


def recompute_ratio(numerator: float, denominator: float, stated: float | str) -> tuple[float, bool]:
    """Recompute numerator/denominator and check it against a stated ratio.

    The check rounds (half up) to the stated number's decimal places.
    `stated` may be the article text ('4.7배', '4배', '4.0') or a float;
    pass text when trailing zeros matter, since float 4.0 cannot tell
    '4배' (0 places) from '4.0배' (1 place) and is read as written by repr.
    """
    if denominator == 0:
        raise ValueError("cannot recompute a ratio with a denominator of 0")
    stated_value, places = _stated_value_and_places(stated)
    exact = Decimal(repr(float(numerator))) / Decimal(repr(float(denominator)))
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return numerator / denominator, rounded == stated_value


def _stated_value_and_places(stated: float | str) -> tuple[Decimal, int]:
    if isinstance(stated, str):
        match = re.fullmatch(r"\s*(?P<digits>\d+(?:\.\d+)?)\s*(?:배|%|퍼센트)?\D*", stated)
        if match is None:
            raise ValueError(f"cannot read {stated!r} as a stated ratio: expected e.g. '4.7배' or '4.7'")
        value = Decimal(match["digits"])
    else:
        value = Decimal(repr(float(stated)))
    return value, max(0, -value.as_tuple().exponent)


# ---------------------------------------------------------------- finding figures in text


@dataclass(frozen=True)
class FoundFigure:
    """A figure as written in running text, with what the parsers compute from it."""

    start: int  # character offsets of `text` in the searched string
    end: int
    text: str  # the exact wording, including 약/여 and bound words ('4조달러를 넘어')
    parsed: ParsedNumber | ParsedRange


@dataclass(frozen=True)
class FoundRank:
    start: int
    end: int
    text: str  # '세계 2위', '중국 스마트폰 1위', '세계 최대', '2위'
    parsed: ParsedRank


# A written amount: digits with 조/억/만/천/백/십 groups, '1억 2천만' with spaces.
_AMOUNT = r"\d(?:[\d,]|\.(?=\d)|[조억만천백십]|\s(?=\d))*"
# '6개월', '3개년' are lengths of time, not counts.
_FOUND_UNIT = rf"(?:개(?!월|년)|{'|'.join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True) if u != '개')})"
_BOUND_WORDS = "|".join(
    re.escape(word) for _, words in QUALIFIER_WORDS for word in sorted(words, key=len, reverse=True))
# A bound or approximation written after the unit: '를 넘어', ' 이상', '가량'.
_BOUND_TAIL = rf"(?:(?:을|를|이|가|은|는|에|으로|로)?\s?(?:{_BOUND_WORDS}))?"
_PREFIX = r"(?:(?:최대|최소)\s*)?(?:(?:약|대략)\s*)?"
FIGURE_IN_TEXT_RE = re.compile(
    rf"(?<![\d.,/])(?P<figure>{_PREFIX}"
    rf"(?:{_AMOUNT}\s*여?\s*{_FOUND_UNIT}?\s*[~∼〜～\-–]\s*)?"  # the low side of a range
    rf"{_AMOUNT}\s*여?\s*{_FOUND_UNIT}"
    rf"|{_PREFIX}\d+\s*/\s*\d+(?![\d/])"
    rf"|{_PREFIX}\d+\s*분의\s*\d+)"
    rf"(?P<tail>{_BOUND_TAIL})"
)


def find_figures(text: str) -> list[FoundFigure]:
    """Every figure with a unit in running text, parsed: '324만7천명', '3억~4억원',
    '4조달러를 넘어', '25.8%', '4.7배', '1/3'. Wordings the parsers refuse are left out."""
    found = []
    for match in FIGURE_IN_TEXT_RE.finditer(text):
        wording = match.group().rstrip()
        is_range = RANGE_SEPARATOR_RE.search(wording.lstrip("최대소약략 ")) is not None
        try:
            parsed = parse_korean_range(wording) if is_range else parse_korean_number(wording)
        except ValueError:
            continue
        found.append(FoundFigure(match.start(), match.start() + len(wording), wording, parsed))
    return found


_SCOPE_WORDS = "|".join(sorted(WORLD_WORDS | COUNTRY_WORDS, key=len, reverse=True))
# Up to two words naming the market between the scope and the rank ('중국 스마트폰 1위').
_MARKET_WORDS = r"(?:\s*[^\s\d,.()·~]+?){0,2}?"
RANK_IN_TEXT_RE = re.compile(
    rf"(?<![가-힣])(?:(?P<scope>{_SCOPE_WORDS})(?P<market>{_MARKET_WORDS})\s*)?"
    rf"(?:(?<![\d.])(?P<rank>\d+)\s*위(?!안)|(?P<top>{'|'.join(TOP_WORDS)})(?=[\s,.]|의|로|인|이|$))"
)


def find_ranks(text: str) -> list[FoundRank]:
    """Every rank in running text: '세계 2위', '세계2위', '중국 스마트폰 1위', '1위로',
    '세계 최대'. 최대/최고/최다 count only after a scope ('최대 30%' is a bound)."""
    found = []
    for match in RANK_IN_TEXT_RE.finditer(text):
        if match["top"] and not match["scope"]:
            continue
        start = match.start()
        if match["scope"] and match["market"] and re.search(r"(?:의|은|는|을|를|에서|이|가)$", match["market"]):
            # '중국의 ... 1위' is no scope: the words in between are a clause.
            start = match.start("rank") if match["rank"] else match.start("top")
        wording = text[start:match.end()]
        try:
            parsed = parse_rank(wording)
        except ValueError:
            continue
        found.append(FoundRank(start, match.end(), wording, parsed))
    return found


# What a figure is per, from the words before it in its clause (statistics.basis):
# '과제당' (per project), '연간'/'매년'/'한 해' (per year), 'N년간'/'N년 동안' (over a period).
_PER_PROJECT_RE = re.compile(r"(?:과제|사업|건)\s*당")
_PER_YEAR_RE = re.compile(r"(?<![가-힣])(?:연간|매년|해마다|한\s*해)(?![가-힣])|(?<![가-힣])연(?=\s*$|\s+(?:매출|수입|수출|생산|예산))")
_OVER_PERIOD_RE = re.compile(r"(?<![\d.])\d+\s*년\s*(?:간|동안)")


def figure_basis(before: str) -> str | None:
    """The basis of a figure from its clause's words before it, or None (examples in
    tests/test_korean_numbers.py)."""
    per_project = bool(_PER_PROJECT_RE.search(before))
    if _PER_YEAR_RE.search(before):
        return "per_project_per_year" if per_project else "per_year"
    if _OVER_PERIOD_RE.search(before):
        return "per_project_over_period" if per_project else "total_over_period"
    return None
