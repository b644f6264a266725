"""One proposal per real event in an article's draft (newsdb/draft/mentions.py), on
short articles of our own words in the style of ministry-release reports."""
import datetime as dt
from pathlib import Path

import pytest

from newsdb.curated.article_text import split_sentences
from newsdb.draft.mentions import one_per_event, similar_titles
from newsdb.draft.propose import Registry, propose

SOURCES = Path(__file__).resolve().parent.parent / "sources"


@pytest.fixture(scope="module")
def registry():
    return Registry.from_sources(SOURCES)


def events(paragraphs: list[str], registry, published=dt.date(2014, 12, 5)):
    sentences = split_sentences(tuple(paragraphs))
    candidates = propose(sentences, published, registry)
    texts = {s.key: s.text for s in sentences}
    kept = one_per_event(candidates, registry, texts)
    return [(c.sentence, c.fields["event_kind"], c.fields["start_date"], c.fields["end_date"])
            for c in kept if c.kind == "event"]


def test_a_listed_programme_is_one_event_and_each_item_is_proposed_where_it_is_dated(registry):
    found = events([
        "미래부는 오는 10일부터 사흘간 ‘한·일 과학기술장관회의’, ‘수소 포럼’ 등을 개최한다고 밝혔다.",
        "10일 오전에는 일본 문부과학성 장관과 한일과기장관회의를 개최한다.",
        "11일에는 ‘수소 포럼’을 개최한다.",
    ], registry)
    assert found == [
        ("p1-s1", "official_visit", "2014-12-10", "2014-12-12"),
        ("p2-s1", "ministerial_meeting", "2014-12-10", "2014-12-10"),
        ("p3-s1", "workshop", "2014-12-11", "2014-12-11"),
    ]


def test_a_leg_in_a_city_and_a_company_met_through_its_head(registry):
    found = events([
        "최 장관은 18일과 19일 이틀간 북경에서 중관촌을 시찰하고 샤오미와 칭화홀딩스의 CEO를 만난다.",
        "19일에는 레이쥔을 만나 협력을 논의한다.",
        "19일 오후에는 칭화홀딩스를 방문해 쉬징홍 이사장과 협의한다.",
    ], registry)
    # The Beijing leg is proposed at the summary; the Zhongguancun inspection stays there
    # (no other sentence dates it); the two meetings are proposed where they are dated.
    assert found == [
        ("p1-s1", "visit", "2014-12-18", "2014-12-19"),
        ("p1-s1", "inspection", "2014-12-18", "2014-12-19"),
        ("p2-s1", "meeting", "2014-12-19", "2014-12-19"),
        ("p3-s1", "visit", "2014-12-19", "2014-12-19"),
    ]


def test_a_generic_mention_is_not_a_second_trip(registry):
    found = events([
        "미래부는 17일부터 사흘간 ‘한·중 과학기술장관회의’와 ‘대중국 전략 워크숍’을 개최한다.",
        "최 장관은 이번 방문에서 기술사업화 협력방안을 협의할 계획이다.",
    ], registry, dt.date(2014, 12, 17))
    assert [kind for _, kind, _, _ in found] == ["official_visit", "ministerial_meeting", "workshop"]


def test_two_events_of_one_kind_with_other_names_both_stay(registry):
    found = events([
        "18일 오전에는 ‘K-테크 차이나 2014’를 개최한다.",
        "19일에는 ‘한중 게임 박람회’를 개최한다.",
    ], registry, dt.date(2014, 12, 17))
    assert [(s, k) for s, k, _, _ in found] == [("p1-s1", "expo"), ("p2-s1", "expo")]


@pytest.mark.parametrize("a, b, same", [
    ("한‧중 과학기술장관회의", "한중과기장관회의", True),
    ("ICT 중소기업 수출박람회(K-테크 차이나 2014)", "K-테크 차이나 2014 행사", True),
    ("대중국 전략 워크숍", "대중국 전략워크숍", True),
    ("K-테크 차이나 2014", "방송콘텐츠 쇼 케이스", False),
    ("한중 게임 박람회", "K-테크 차이나 2014", False),
])
def test_similar_titles(a, b, same):
    assert similar_titles(a, b) is same
