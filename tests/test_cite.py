"""`newsdb cite`: a pasted page of another outlet's report read into bibliographic data
(newsdb/draft/page.py), its stated facts turned into claims about the facts already held
(newsdb/draft/cite.py), and the draft accepted as written (summaries filled) builds and
changes no fact it does not claim. The report of tests/fixtures/cite/ is written for the
tests in the style of a real one; no outlet's text is in the repository."""
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from newsdb.cli import cli
from newsdb.curated.models import SUMMARY_PLACEHOLDER
from newsdb.draft.cite import citation_id, content_id
from newsdb.draft.page import read_page, same_url
from newsdb.store.build import collect

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
REPORT = Path(__file__).parent / "fixtures" / "cite" / "report.txt"


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


@pytest.fixture
def sources(tmp_path):
    root = tmp_path / "sources"
    shutil.copytree(SOURCES, root)
    return root


def cite(sources: Path, *extra) -> Path:
    result = run("cite", REPORT, "--sources", sources, *extra)
    assert result.exit_code == 0, result.output
    drafts = sorted((sources / "citations").glob("*.draft.yml"))
    assert len(drafts) == 1 and f"wrote {drafts[0]}" in result.output
    return drafts[0]


def accept(draft: Path) -> Path:
    """What a curator does: write the summaries and the outlet's English name, rename."""
    text = draft.read_text(encoding="utf-8")
    count = iter(range(1000))
    text = re.sub(rf'"{SUMMARY_PLACEHOLDER}[^"]*"', lambda _: f"Our own summary number {next(count)}.", text)
    text = re.sub(r"outlet_en: null.*", "outlet_en: Example Daily", text)
    accepted = draft.with_name(draft.name.replace(".draft.yml", ".yml"))
    accepted.write_text(text, encoding="utf-8")
    draft.unlink()
    return accepted


# The page -----------------------------------------------------------------------------

def test_the_page_gives_outlet_author_time_headline_and_a_clean_body():
    page = read_page(REPORT.read_text(encoding="utf-8"))
    assert page.url == "https://www.example.kr/news/20141218-0001"
    assert (page.outlet.outlet_ko, page.outlet.outlet_en, page.outlet_basis) == ("예시일보", None, "copyright")
    assert page.author_ko == "홍길동"
    assert page.published_at == "2014-12-18T16:20+09:00"
    assert page.headline_ko.startswith("최양희 장관, 베이징서 과기장관회의")
    removed = {r.why for r in page.removed}
    assert {"url", "byline", "date", "punctuation", "caption", "copyright", "furniture", "tail"} <= removed
    body = "\n".join(page.paragraphs)
    assert "기자" not in body and "ⓒ" not in body and "|" not in body and "▲" not in body
    assert len(page.paragraphs) == 5


@pytest.mark.parametrize("text, outlet, author", [
    ("https://m.etnews.com/20141217999999\n본문은 이렇게 시작하는 문장으로 이루어져 있다고 가정한다.\n"
     "박철수기자 cspark@etnews.com", "etnews", "박철수"),
    ("[아시아경제 김영희 기자]정부는 내년부터 새 연구 과제를 공모한다고 오늘 밝혔다.", "asiae", "김영희"),
    ("정부는 내년부터 새 연구 과제를 공모한다고 오늘 밝혔다.\n< 저작권자 ⓒ 서울경제, 무단 전재 및 재배포 금지 >",
     "sedaily", None),
    ("정부는 내년부터 새 연구 과제를 공모한다고 오늘 밝혔다.\n이민수 통신방송 전문기자 ms@ddaily.co.kr\n"
     "Copyright ⓒ 디지털데일리", "ddaily", "이민수"),
])
def test_outlet_from_domain_copyright_or_byline_and_the_author(text, outlet, author):
    page = read_page(text, published="2014-12-17")
    assert page.outlet.id == outlet
    assert page.author_ko == author
    # the outlet's name in the copyright line is no place or organization of the body
    assert not any(name in "\n".join(page.paragraphs) for name in ("서울경제", "디지털데일리"))


@pytest.mark.parametrize("line, stamp", [
    ("입력 2014.12.17 17:44", "2014-12-17T17:44+09:00"),
    ("기사입력 2014-12-17 오후 5:44", "2014-12-17T17:44+09:00"),
    ("등록 : 2014/12/17", "2014-12-17"),
])
def test_the_date_line_gives_the_publication_time(line, stamp):
    page = read_page(f"{line}\n정부는 내년부터 새 연구 과제를 공모한다고 오늘 밝혔다.\n수정 2014.12.18 09:00")
    assert (page.published_at, page.published_basis) == (stamp, "date line")


def test_without_a_date_line_the_day_comes_from_the_url_or_is_asked_for(tmp_path):
    page = read_page("https://www.etnews.com/20141217000999\n정부는 새 연구 과제를 공모한다고 오늘 밝혔다.")
    assert (page.published_at, page.published_basis) == ("2014-12-17", "url")
    report = tmp_path / "undated.txt"
    report.write_text("https://sedaily.com/NewsView/XYZ\n정부는 새 연구 과제를 공모한다고 오늘 밝혔다.\n",
                      encoding="utf-8")
    result = run("cite", report, "--sources", SOURCES)
    assert result.exit_code == 1
    assert "no date line and no day in the URL: give the day with --published" in result.output


def test_same_url_ignores_scheme_mobile_host_and_trailing_slash():
    assert same_url("http://m.etnews.com/20141217000258/", "https://www.etnews.com/20141217000258")
    assert not same_url("https://etnews.com/20141217000258", "https://etnews.com/20141217000259")


# The draft ----------------------------------------------------------------------------

def test_claims_link_to_the_held_facts(sources):
    data = yaml.safe_load(cite(sources).read_text(encoding="utf-8"))
    claims = {(c["about"], c["field"]): c for c in data["claims"]}
    meeting = claims[("events/korea-china-st-ministerial-meeting-2014", "dates")]
    # 열린 … 체결했다고 밝혔다, published the afternoon after: reported as done, by the ministry
    assert (meeting["wording_ko"], meeting["tense"], meeting["attributed_to"]) == ("18일 오전", "after", "msip")
    assert claims[("events/korea-china-st-ministerial-meeting-2014", "status")]["value"] == "held"
    assert claims[("mous/mou-industry-academia-research-joint-research", "status")]["value"] == "signed"
    xiaomi = claims[("events/xiaomi-ceo-meeting-2014", "dates")]
    assert (xiaomi["wording_ko"], xiaomi["tense"]) == ("19일", "ahead")
    # '이어 칭화홀딩스를 방문해 … 논의할 예정이다': the day carried over, a plan
    visit = claims[("events/tsinghua-holdings-visit-2014", "dates")]
    assert visit["inferred"] is True and visit["hedged"] is True and visit["wording_ko"] == "19일"
    assert claims[("statistics/tsinghua-holdings-annual-revenue", "value")]["wording_ko"] == "6조5천억원 규모"
    assert claims[("events/zhangjiang-hi-tech-park-inspection-2014", "dates")]["wording_ko"] == "20일"
    assert not data.get("events") and not data.get("mous")  # nothing new: all of it is held
    assert all(c["summary_en"].startswith(SUMMARY_PLACEHOLDER) for c in data["claims"])


def test_the_draft_keeps_no_sentence_of_the_report(sources):
    text = cite(sources).read_text(encoding="utf-8")
    page = read_page(REPORT.read_text(encoding="utf-8"))
    for paragraph in page.paragraphs:
        for piece in re.findall(r"[^,.]{16,}", paragraph):
            assert piece.strip() not in text
    assert "# Removed from the page (10 lines" in text


def test_the_build_refuses_the_placeholders(sources):
    draft = cite(sources)
    draft.rename(draft.with_name(draft.name.replace(".draft.yml", ".yml")))
    tables, problems = collect(sources)
    messages = [str(p) for p in problems.sorted()]
    assert tables is None
    assert any("summary_en" in m and "placeholder" in m for m in messages)
    assert any("outlet_en" in m for m in messages)


def test_accepted_as_written_it_builds_and_changes_no_fact_it_does_not_claim(sources):
    before, problems = collect(sources)
    assert not problems
    accepted = accept(cite(sources))
    after, problems = collect(sources)
    assert not problems, [str(p) for p in problems.sorted()]
    claimed = {c["about"].split("/")[1] for c in yaml.safe_load(accepted.read_text(encoding="utf-8"))["claims"]}
    for table in ("events", "mous", "statistics"):
        old = {row["id"]: row for row in before[table]}
        for row in after[table]:
            if row["id"] not in claimed:
                unchanged = {k: v for k, v in row.items() if k not in ("source_count", "status_as_of")}
                assert unchanged == {k: v for k, v in old[row["id"]].items() if k in unchanged}, row["id"]
    assert len(after["sources"]) == len(before["sources"]) + 1


def test_a_report_already_held_is_flagged(sources, tmp_path):
    held = yaml.safe_load((SOURCES / "citations" / "etnews-2014-12-17-minister-china-trip.yml")
                          .read_text(encoding="utf-8"))["citation"]
    report = tmp_path / "again.txt"
    report.write_text(f"{held['url']}\n최 장관은 19일 샤오미의 레이쥔 CEO를 만난다.\n", encoding="utf-8")
    result = run("cite", report, "--sources", sources)
    assert result.exit_code == 0, result.output
    assert "warning: already held? sources/citations/etnews-2014-12-17-minister-china-trip.yml has the same URL" \
        in result.output
    draft = next((sources / "citations").glob("*.draft.yml")).read_text(encoding="utf-8")
    assert "# ALREADY HELD? sources/citations/etnews-2014-12-17-minister-china-trip.yml" in draft


def test_ids_come_from_content_and_a_draft_is_never_replaced_without_force(sources):
    first = cite(sources)
    page = read_page(REPORT.read_text(encoding="utf-8"))
    assert first.name == f"{citation_id(page)}.draft.yml"
    assert citation_id(page).startswith("report-2014-12-18-")
    again = run("cite", REPORT, "--sources", sources)
    assert again.exit_code == 1 and "a draft is never replaced silently" in again.output
    assert run("cite", REPORT, "--sources", sources, "--force").exit_code == 0
    assert content_id("meeting", "2014-12-19", "lei-jun") == "meeting-2014-12-19-lei-jun"


def test_a_new_fact_says_what_it_was_compared_with(sources, tmp_path):
    report = tmp_path / "new.txt"
    report.write_text("입력 2014.12.17 10:00\n"
                      "최 장관은 21일 상하이에서 알리바바 관계자를 만난다.\n", encoding="utf-8")
    result = run("cite", report, "--sources", sources, "--id", "test-2014-12-17-new")
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((sources / "citations" / "test-2014-12-17-new.draft.yml").read_text(encoding="utf-8"))
    assert data["events"][0]["id"] == "meeting-2014-12-21-alibaba"
    assert data["claims"][0] == {"about": "events/meeting-2014-12-21-alibaba", "field": "dates",
                                 "wording_ko": "21일", "tense": "ahead",
                                 "summary_en": f"{SUMMARY_PLACEHOLDER}: in your own words, what the report says of this"}
    text = (sources / "citations" / "test-2014-12-17-new.draft.yml").read_text(encoding="utf-8")
    assert "matches no held event; compared with" in text


@pytest.mark.parametrize("published, tense", [("2014-12-17T14:39", "ahead"), ("2014-12-17T21:05", "after")])
def test_a_past_tense_before_the_event_s_hour_is_an_announcement(sources, tmp_path, published, tense):
    # A release written beforehand says '출국했다' of a departure that night: published at
    # 14:39 the same day, before the evening, the claim looks ahead; at 21:05, after.
    page = tmp_path / "page.txt"
    page.write_text(
        "장관 오늘 밤 중국행\n[예시일보 홍길동기자] 최양희 장관이 중국을 찾는다.\n"
        "최 장관은 ICT 협력 방문을 위해 17일 밤 3박4일 일정으로 중국으로 출국했다.\n", encoding="utf-8")
    result = run("cite", page, "--sources", sources, "--url", "https://www.example.kr/a/1",
                 "--published", published)
    assert result.exit_code == 0, result.output
    [draft] = (sources / "citations").glob("*.draft.yml")
    claims = yaml.safe_load(draft.read_text(encoding="utf-8"))["claims"]
    [trip] = [c for c in claims if c["about"] == "events/msip-china-programme-2014" and c["field"] == "dates"]
    assert (trip["wording_ko"], trip["tense"]) == ("17일 밤 3박4일", tense)
