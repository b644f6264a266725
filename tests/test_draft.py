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
        shown = f"{value} {f['unit']} {f['qualifier']}"
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
