"""The draft of a new article: candidates of the written test set (tests/draft_cases.yml),
exact spans, proposed registry entries, the `newsdb draft` command, and that the draft of
the seed article, accepted as it is, builds."""
import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from newsdb.store.build import collect
from newsdb.cli import cli
from newsdb.draft.propose import Registry, draft_article, draft_sentences

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
SEED = "2014-12-17-msip-minister-china-visit"
CASES = yaml.safe_load((Path(__file__).parent / "draft_cases.yml").read_text(encoding="utf-8"))
SHOWN = ("figure", "rank", "period", "date", "entity", "hedge", "event", "mou")


@pytest.fixture(scope="module")
def registry():
    return Registry.from_sources(SOURCES)


def number(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def render(candidate) -> str:
    f = candidate.fields
    if candidate.kind == "figure":
        value = (f"{number(f['value_low'])}..{number(f['value_high'])}" if "value_low" in f
                 else number(f["value"]))
        shown = f"{value} {f['unit']} {f['qualifier']}" + (f" {f['basis']}" if f.get("basis") else "")
    elif candidate.kind == "rank":
        guess = f" ({f['rank_scope_guess']})" if f.get("rank_scope_guess") else ""
        shown = f"{f['rank']} {f['rank_scope']}{guess}"
    elif candidate.kind == "period":
        shown = f["period"] or "!"
    elif candidate.kind == "date":
        if "error" in f:
            day, precision = "!", None
        else:
            day = f["start_date"] if f["start_date"] == f["end_date"] else f"{f['start_date']}..{f['end_date']}"
            precision = f["precision"]
        shown = " ".join(filter(None, (day, f.get("time_of_day"), f.get("time"), precision)))
    elif candidate.kind == "entity":
        shown = f"{f['table']}/{f['id']}"
    elif candidate.kind == "event":
        shown = f"{f['event_kind']} {f['status']}"
    elif candidate.kind == "mou":
        shown = f["status"]
    else:
        return f"{candidate.kind}: {candidate.text}"
    return f"{candidate.kind}: {candidate.text} = {shown}"


def test_the_set_has_at_least_60_sentences():
    assert len(CASES["cases"]) >= 60
    assert len({case["sentence"] for case in CASES["cases"]}) == len(CASES["cases"])


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["sentence"][:24] for c in CASES["cases"]])
def test_written_sentences(case, registry):
    published = dt.date.fromisoformat(str(case.get("published", CASES["published"])))
    found = draft_sentences([case["sentence"]], published, registry)
    assert [render(c) for c in found if c.kind in SHOWN] == case["expect"]
    for candidate in found:
        assert case["sentence"][candidate.start:candidate.end] == candidate.text


def test_spans_are_exact_in_the_seed(registry):
    text = (SOURCES / "articles" / f"{SEED}.txt").read_text(encoding="utf-8")
    draft = draft_article(text, registry)
    sentences = {s.key: s.text for s in draft.sentences}
    assert draft.candidates
    for candidate in draft.candidates:
        assert sentences[candidate.sentence][candidate.start:candidate.end] == candidate.text
    assert draft.published == dt.date(2014, 12, 17)


def test_unknown_proper_nouns_are_proposed_as_registry_entries(registry):
    from newsdb.korean.analyser import analyser_for

    analyser = analyser_for(registry.names())
    found = draft_sentences(["삼성전자 이재용 부회장은 다음 주 울산에서 샤오미 관계자를 만난다."],
                            dt.date(2014, 12, 17), registry, analyser)
    proposed = [(c.text, c.fields["name"], c.fields["table"]) for c in found if c.kind == "new_entity"]
    assert ("삼성전자", "삼성전자", "organizations") in proposed
    assert ("이재용", "이재용", "people") in proposed
    assert ("울산에서", "울산", "places") in proposed
    # a registry name is a mention, never a proposed entry
    assert not any(name == "샤오미" for _, name, _ in proposed)


# The command --------------------------------------------------------------------------

@pytest.fixture
def sources_without_seed(tmp_path):
    """The sources as a curator finds them before curating the seed: its text without its
    curated file, and no citations yet (theirs are claims about the seed's curated facts)."""
    root = tmp_path / "sources"
    shutil.copytree(SOURCES, root, ignore=shutil.ignore_patterns("citations"))
    (root / "articles" / f"{SEED}.yml").unlink()
    return root


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def test_draft_of_the_seed_accepted_as_written_builds(sources_without_seed):
    root = sources_without_seed
    source = root / "articles" / f"{SEED}.txt"
    result = run("draft", source, "--sources", root, "--no-analyser")
    assert result.exit_code == 0, result.output
    draft = root / "articles" / f"{SEED}.draft.yml"
    assert f"wrote {draft}" in result.output
    text = draft.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/article.schema.json\n")
    (root / "articles" / f"{SEED}.yml").write_text(text, encoding="utf-8")
    tables, problems = collect(root)
    assert not problems, [str(p) for p in problems.sorted()]
    assert len(tables["statistics"]) >= 20 and len(tables["events"]) >= 10 and tables["mous"]


def test_draft_with_only_its_statistics_kept_builds(sources_without_seed):
    root = sources_without_seed
    source = root / "articles" / f"{SEED}.txt"
    assert run("draft", source, "--sources", root, "--no-analyser").exit_code == 0
    data = yaml.safe_load((root / "articles" / f"{SEED}.draft.yml").read_text(encoding="utf-8"))
    data.update(events=[], mous=[], notes=[n for n in data["notes"] if n["about_table"] == "statistics"])
    (root / "articles" / f"{SEED}.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    tables, problems = collect(root)
    assert not problems, [str(p) for p in problems.sorted()]
    assert tables["events"] == [] and tables["statistics"]


def test_a_draft_is_never_replaced_without_force_and_the_curated_file_never(tmp_path):
    root = tmp_path / "sources"
    shutil.copytree(SOURCES, root)
    curated = root / "articles" / f"{SEED}.yml"
    before = curated.read_bytes()
    source = root / "articles" / f"{SEED}.txt"
    first = run("draft", source, "--sources", root, "--no-analyser")
    assert first.exit_code == 0 and "was not touched" in first.output
    draft = root / "articles" / f"{SEED}.draft.yml"
    draft.write_text("# my edits\n", encoding="utf-8")
    again = run("draft", source, "--sources", root, "--no-analyser")
    assert again.exit_code == 1
    assert "exists: a draft is never replaced silently (use --force to replace it)" in again.output
    assert draft.read_text(encoding="utf-8") == "# my edits\n"
    forced = run("draft", source, "--sources", root, "--no-analyser", "--force")
    assert forced.exit_code == 0 and draft.read_text(encoding="utf-8").startswith("# yaml-language-server")
    assert curated.read_bytes() == before
    # the build leaves drafts alone until they are renamed
    assert run("check", "--sources", root).exit_code == 0


def test_draft_refuses_what_is_not_an_article_text(tmp_path):
    assert "expected the article's .txt file" in run("draft", tmp_path / "x.yml").output
    assert "does not exist" in run("draft", tmp_path / "x.txt").output
    bad = tmp_path / "bad.txt"
    bad.write_text("제목만 있다\n", encoding="utf-8")
    result = run("draft", bad, "--sources", SOURCES, "--no-analyser")
    assert result.exit_code == 1 and "expected a title, a subtitle" in result.output
    assert not (tmp_path / "bad.draft.yml").exists()


# What the notation of draft_cases.yml does not show --------------------------------------

def events_of(sentence, registry):
    return [(c.fields["title_ko"], c.fields["when_ko"], c.fields["main"])
            for c in draft_sentences([sentence], dt.date(2014, 12, 17), registry) if c.kind == "event"]


@pytest.mark.parametrize("sentence, expected", [
    # one event per listed name, each titled by it
    ("대표단은 21일 장강하이테크파크와 칭화홀딩스를 차례로 시찰한다.",
     [("장강하이테크파크 시찰", "21일", "zhangjiang-hi-tech-park"), ("칭화홀딩스 시찰", "21일", "tsinghua-holdings")]),
    ("정부는 18일 북경에서 정책협의회와 ‘한중 창업 박람회’를 개최한다.",
     [("정책협의회", "18일", "beijing"), ("한중 창업 박람회", "18일", "beijing")]),
    # the day the source spoke ('17일 미래부에 따르면') is not the meeting's
    ("17일 미래부에 따르면 최 장관은 19일 샤오미 경영진을 만난다.", [("샤오미 면담", "19일", "xiaomi")]),
    ("15일 정부 관계자에 따르면 양국은 연내 공동위원회를 열 계획이다.", [("공동위원회", None, None)]),
    # the event is the sentence's topic; the main participant is not the subject
    ("설명회는 오는 20일 오후 2시 코엑스에서 진행된다.", [("설명회", "오는 20일 오후 2시", None)]),
    ("최 장관은 오는 18일 오전 10시 완강 부장과 만난다.", [("완강 부장 면담", "오는 18일 오전 10시", "wan-gang")]),
    ("이날 포럼에는 양국 기업인 200여명이 참석했다.", [("포럼", None, None)]),
])
def test_event_titles_days_and_main_participants(sentence, expected, registry):
    assert events_of(sentence, registry) == expected


def test_a_start_day_takes_the_duration_later_in_its_clause(registry):
    found = draft_sentences(["박람회는 18일부터 베이징에서 2박 3일 간의 일정으로 열린다."],
                            dt.date(2014, 12, 17), registry)
    date = next(c for c in found if c.kind == "date")
    assert (date.text, date.fields["span_ko"], date.fields["end_date"]) == ("18일", "18일부터 2박 3일", "2014-12-20")
    assert not any(c.kind == "date" and c.text == "3일" for c in found)


@pytest.mark.parametrize("sentence, indicator, country", [
    ("칭화홀딩스의 연간 매출은 6조5천억원에 이른다.", "칭화홀딩스의 연간 매출", "CN"),
    ("이어 20일에는 투자 유치액이 50억원을 넘어섰다고 밝혔다.", "투자 유치액", "KR"),
    ("알리바바의 거래액은 올해 2조위안을 넘어설 것으로 추정된다.", "알리바바의 거래액", "CN"),
    # '3년 동안' and '모두' say how long and how much, not what
    ("정부는 3년 동안 모두 30억원을 지원한다.", "정부", "KR"),
])
def test_a_figure_names_what_it_measures_and_its_country(sentence, indicator, country, registry):
    from newsdb.draft.propose import indicator_before

    figure = next(c for c in draft_sentences([sentence], dt.date(2014, 12, 17), registry) if c.kind == "figure")
    assert indicator_before(sentence, figure.start) == indicator
    assert figure.fields["country"] == country


def test_proposed_entries_tell_people_from_organizations(registry):
    from newsdb.korean.analyser import analyser_for

    analyser = analyser_for(registry.names())
    found = draft_sentences(["한편 화웨이의 장웨이 차석 부사장과 하이센스전자 관계자도 연사로 나선다."],
                            dt.date(2014, 12, 17), registry, analyser)
    proposed = {c.fields["name"]: c.fields["table"] for c in found if c.kind == "new_entity"}
    assert proposed.get("장웨이") == "people"
    assert proposed.get("화웨이") == "organizations"
    # a pair of countries and a quoted title are no entries
    found = draft_sentences(["한중 양국은 ‘케이텍 차이나’ 행사를 연다."], dt.date(2014, 12, 17), registry, analyser)
    assert not [c for c in found if c.kind == "new_entity"]
