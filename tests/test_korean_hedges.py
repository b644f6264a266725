import pytest

from newsdb.korean.hedges import ATTRIBUTION_RE, HEDGE_RE, REPORTED_SPEECH_RE, is_hedged


@pytest.mark.parametrize("quote, hedged", [
    ("양해각서를 체결할 예정이다", True),
    ("협력방안을 협의할 계획으로", True),
    ("19일 회동을 가질 것으로 알려졌다", True),
    ("성장할 전망이다", True),
    ("추진할 방침이다", True),
    ("양해각서를 체결했다", False),
    ("한중과기장관회의를 개최하고", False),
    ("", False),
    (None, False),
])
def test_a_quote_is_hedged_by_a_plan_or_hearsay(quote, hedged):
    assert is_hedged(quote) is hedged


@pytest.mark.parametrize("sentence, found", [
    ("미래부에 따르면 최 장관은 열 계획이다", ["미래부에 따르면", "계획이다"]),
    ("회동을 가질 것으로 알려졌다", ["것으로 알려졌다"]),
    ("시장은 커질 것으로 보인다", ["것으로 보인다"]),
    ("규모는 4조달러로 추정된다", ["추정된다"]),
    ("최 장관은 이같이 밝혔다", ["밝혔다"]),
    ("참석할 예정이며", ["예정이며"]),
    ("양해각서를 체결했다", []),
])
def test_hedged_and_attributed_stretches_of_a_sentence(sentence, found):
    assert [m.group() for m in HEDGE_RE.finditer(sentence)] == found


def test_attribution_names_who_is_followed():
    assert ATTRIBUTION_RE.search("17일 미래부에 따르면 최 장관은").group(1) == "미래부"
    assert ATTRIBUTION_RE.search("최 장관은 19일 레이쥔을 만난다") is None


def test_reported_speech():
    assert REPORTED_SPEECH_RE.search("개최한다고 밝혔다")
    assert REPORTED_SPEECH_RE.search("방문했다") is None
