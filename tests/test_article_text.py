from newsdb.curated.article_text import (
    ArticleFormatError, parse_article, read_source_text, split_sentences,
)
import pytest

PAGE = """제목이다, 왜?

부제목…정부

일반입력 :2014/12/17 12:59\u00a0 수정: 2014/12/17 14:36

첫 문장이다. 둘째 문장은 25.8%로 세계2위다.셋째 문장이다.

관련기사

마지막 ‘인용’이다.
"""


def test_header_and_body():
    article = parse_article(PAGE, "+0900", ["관련기사"])
    assert article.title_ko == "제목이다, 왜?"
    assert article.subtitle_ko == "부제목…정부"
    assert article.published_at == "2014-12-17T12:59:00+09:00"
    assert article.updated_at == "2014-12-17T14:36:00+09:00"
    assert article.paragraphs == ("첫 문장이다. 둘째 문장은 25.8%로 세계2위다.셋째 문장이다.",
                                  "마지막 ‘인용’이다.")


def test_sentences_split_on_joined_full_stop_but_not_decimals():
    article = parse_article(PAGE, "+0900", ["관련기사"])
    sentences = split_sentences(article.paragraphs)
    assert [(s.key, s.text) for s in sentences] == [
        ("p1-s1", "첫 문장이다."),
        ("p1-s2", "둘째 문장은 25.8%로 세계2위다."),
        ("p1-s3", "셋째 문장이다."),
        ("p2-s1", "마지막 ‘인용’이다."),
    ]
    for s in sentences:
        assert article.body_ko[s.char_start:s.char_end] == s.text


def test_bom_and_crlf_are_tolerated():
    raw = ("\ufeff" + PAGE.replace("\n", "\r\n")).encode("utf-8")
    assert parse_article(read_source_text(raw), "+0900", ["관련기사"]) == \
        parse_article(PAGE, "+0900", ["관련기사"])


def test_missing_timestamp_line_names_its_line():
    broken = PAGE.replace("일반입력 :2014/12/17 12:59", "일반입력 :2014-12-17")
    with pytest.raises(ArticleFormatError) as error:
        parse_article(broken, "+0900", [])
    assert error.value.line == 5
    assert "expected the timestamp line" in str(error.value)


def test_too_short_page():
    with pytest.raises(ArticleFormatError, match="found 2 block"):
        parse_article("제목\n\n부제", "+0900", [])


def test_a_page_without_subtitle_or_update_time():
    page = "제목이다\n\n입력 :2014/12/18 09:05\n\n본문 첫 문장이다.\n"
    article = parse_article(page, "+0900", [])
    assert (article.title_ko, article.subtitle_ko) == ("제목이다", None)
    assert (article.published_at, article.updated_at) == ("2014-12-18T09:05:00+09:00", None)
    assert article.paragraphs == ("본문 첫 문장이다.",)


def test_a_page_with_a_subtitle_and_no_update_time():
    page = "제목이다\n\n부제목이다\n\n입력 :2014/12/18 09:05\n\n본문이다.\n"
    article = parse_article(page, "+0900", [])
    assert (article.subtitle_ko, article.updated_at) == ("부제목이다", None)


@pytest.mark.parametrize("page, blocks", [
    ("제목이다\n\n입력 :2014/12/18 09:05\n", 2),
    ("제목이다\n", 1),
])
def test_a_page_without_body_is_refused(page, blocks):
    with pytest.raises(ArticleFormatError, match=f"found {blocks} block"):
        parse_article(page, "+0900", [])
