"""How much of the curated seed `newsdb draft` proposes, how much of what it proposes is
curated, and how long a draft takes.

    .venv/bin/python benchmarks/draft_quality.py [--runs 20] [--misses]

The seed article's curated file is moved away (the sources are copied to a temporary
folder without it), the draft is made from the .txt with the analyser loaded, and its
candidates are compared with what the curated files and the build hold:

- figures: each curated statistic's value_text_ko, found as a figure in its sentence;
- dates: each curated event's when_ko in its when_sentence (or sentence), and time_ko;
- entity mentions: each row of the `mentions` table the build finds (sentence, entity);
- periods and ranks: period_ko (of statistics and policies) and rank_ko, in their sentence;
- events: a curated event with a candidate of the same kind in its sentence; MOUs: a
  curated MOU with a candidate of the same title in its sentence.

Precision of a kind is the share of its candidates that match a curated one. Timing: the
median of --runs drafts of the seed and of a 2,000-character article (the seed's body cut
at 2,000 characters), with the analyser already loaded; loading it is timed apart
(--runs 0: no timing).

The written test set (tests/draft_cases.yml): per kind, the expected candidates found
(recall) and the candidates expected (precision).

Citations (`newsdb cite`): each pasted page of --reports DIR (default: the report written
for the tests, tests/fixtures/cite/) is drafted against the sources without its held
citation (the one with the same URL; else the claims of <stem>.truth.yml are the answer),
and its claims are compared with the held ones by fact and field, per kind of fact: recall,
precision, and the share of claims about a held fact that name a fact the held citation
claims (linked to the right fact). Pages of other outlets are kept outside the repository
(pass their folder with --reports); a report without an answer is skipped.

    .venv/bin/python benchmarks/draft_quality.py --runs 0 --reports /tmp/reports
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from newsdb.draft.cite import draft_citation  # noqa: E402
from newsdb.draft.held import read_held  # noqa: E402
from newsdb.draft.page import read_page, same_url  # noqa: E402
from newsdb.korean.analyser import Analyser  # noqa: E402
from newsdb.store.build import collect  # noqa: E402
from newsdb.draft.propose import Registry, draft_article, draft_sentences  # noqa: E402
from newsdb.draft.writer import write_draft  # noqa: E402

SEED = "2014-12-17-msip-minister-china-visit"
CASES = ROOT / "tests" / "draft_cases.yml"
FIXTURE_REPORTS = ROOT / "tests" / "fixtures" / "cite"


def without_lineage(articles: Path) -> None:
    """Without the citations, an article's `based_on` (the release or briefing it
    reproduces, a citation file) names nothing: lineage is no part of what is measured."""
    for path in articles.glob("*.yml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?m)^  based_on: .*\n", "", text), encoding="utf-8")


def curated(sources: Path) -> dict:
    tables, problems = collect(sources)
    if tables is None:
        raise SystemExit("\n".join(map(str, problems.sorted())))
    article = SEED + "-"
    sentence = lambda sid: sid[len(article):] if sid and sid.startswith(article) else None  # noqa: E731
    # Facts a citation declares have no sentence of the seed: they are no answer here.
    events = [e for e in tables["events"] if sentence(e["sentence_id"])]
    data = yaml.safe_load((sources / "articles" / f"{SEED}.yml").read_text(encoding="utf-8"))
    raw_events = {event["id"]: event for event in data["events"]}
    return {
        "figures": {(sentence(s["sentence_id"]), s["value_text_ko"]) for s in tables["statistics"]
                    if s["value_text_ko"] and sentence(s["sentence_id"])},
        "dates": {(raw_events[e["id"]].get("when_sentence") or sentence(e["sentence_id"]), e["when_ko"]) for e in events},
        "times": {(sentence(e["sentence_id"]), e["time_ko"]) for e in events if e["time_ko"]},
        "mentions": {(sentence(m["sentence_id"]), m["entity_table"],
                      m["organization_id"] or m["person_id"] or m["place_id"]) for m in tables["mentions"]},
        "periods": {(sentence(s["sentence_id"]), s["period_ko"])
                    for s in tables["statistics"] + tables["policies"] if s["period_ko"] and sentence(s["sentence_id"])},
        "ranks": {(sentence(s["sentence_id"]), s["rank_ko"]) for s in tables["statistics"]
                  if s["rank_ko"] and sentence(s["sentence_id"])},
        "events": {(sentence(e["sentence_id"]), e["kind"]) for e in events},
        "mous": {(sentence(m["sentence_id"]), m["title_ko"]) for m in tables["mous"] if sentence(m["sentence_id"])},
    }


def proposed(draft) -> dict:
    out = {kind: [] for kind in ("figures", "dates", "times", "mentions", "periods", "ranks", "events", "mous")}
    for c in draft.candidates:
        f = c.fields
        if c.kind == "figure":
            out["figures"].append((c.sentence, c.text))
        elif c.kind == "date":
            # A bare time of day ('오후에는') proposes a time, not a day: it is counted
            # with the times, as the curated files hold it (time_ko).
            if f.get("when_ko") or "error" in f:
                out["dates"].append((c.sentence, f.get("when_ko") or c.text))
            if f.get("time_ko"):
                out["times"].append((c.sentence, f["time_ko"]))
        elif c.kind == "entity":
            out["mentions"].append((c.sentence, f["table"], f["id"]))
        elif c.kind == "period":
            out["periods"].append((c.sentence, c.text))
        elif c.kind == "rank":
            out["ranks"].append((c.sentence, c.text))
        elif c.kind == "event":
            out["events"].append((c.sentence, f["event_kind"]))
        elif c.kind == "mou":
            out["mous"].append((c.sentence, f["title_ko"]))
    return out


ROWS = [
    ("figures (value_text_ko)", "figures"), ("dates (when_ko)", "dates"), ("times of day (time_ko)", "times"),
    ("entity mentions (build's mentions)", "mentions"), ("periods (period_ko)", "periods"),
    ("ranks (rank_ko)", "ranks"), ("events (same sentence and kind)", "events"),
    ("MOUs (same sentence and title)", "mous"),
]


def compare(truth: dict, found: dict, misses: bool) -> list[tuple]:
    rows = []
    for label, kind in ROWS:
        wanted, candidates = truth[kind], found[kind]
        hit = {w for w in wanted if w in set(candidates)}
        right = [c for c in candidates if c in wanted]
        rows.append((label, len(hit), len(wanted), len(right), len(candidates)))
        if misses:
            for w in sorted(wanted - hit, key=str):
                print(f"  missed {kind}: {w}")
            for c in sorted(set(candidates) - wanted, key=str):
                print(f"  extra {kind}: {c}")
    return rows


def cut_article(text: str, limit: int = 2000) -> str:
    """The seed with its body cut after the paragraph that passes `limit` characters."""
    header, body = text.split("\n\n", 3)[:3], text.split("\n\n", 3)[3]
    kept, length = [], 0
    for paragraph in body.split("\n\n"):
        kept.append(paragraph)
        length += len(paragraph.strip())
        if length >= limit:
            break
    cut = "\n\n".join(kept)
    return "\n\n".join(header) + "\n\n" + cut, min(length, len(cut))


def rate(hit: int, total: int) -> str:
    return f"{hit / total:.1%} ({hit}/{total})" if total else "-"


# The written test set ------------------------------------------------------------------

def written_cases(registry: Registry, misses: bool) -> list[tuple]:
    """Per kind: expected candidates found, and found candidates expected."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_draft import SHOWN, render  # the notation of the test set

    data = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    counts: dict[str, list[int]] = {}
    for case in data["cases"]:
        published = dt.date.fromisoformat(str(case.get("published", data["published"])))
        found = [render(c) for c in draft_sentences([case["sentence"]], published, registry) if c.kind in SHOWN]
        wanted = list(case["expect"])
        for kind in SHOWN:
            row = counts.setdefault(kind, [0, 0, 0, 0])
            mine = [f for f in found if f.startswith(kind + ":")]
            theirs = [w for w in wanted if w.startswith(kind + ":")]
            row[0] += sum(1 for w in theirs if w in mine)
            row[1] += len(theirs)
            row[2] += sum(1 for f in mine if f in theirs)
            row[3] += len(mine)
            if misses:
                for w in theirs:
                    if w not in mine:
                        print(f"  missed {w!r} in {case['sentence']}")
                for f in mine:
                    if f not in theirs:
                        print(f"  extra {f!r} in {case['sentence']}")
    return [(kind, *counts[kind]) for kind in SHOWN]


# Citations ---------------------------------------------------------------------------

def claim_kind(about: str) -> str:
    return {"event_participants": "participants", "people": "people"}.get(about.split("/")[0],
                                                                         about.split("/")[0])


def held_answer(page, report: Path, sources: Path):
    """The held citation of the same URL (moved away from `sources`) or <stem>.truth.yml."""
    for path in sorted((sources / "citations").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        # A briefing is held by bibliographic data only, with no URL of its own.
        url = data["citation"].get("url")
        if url and same_url(page.url, url):
            path.unlink()
            return data
    truth = report.with_name(f"{report.stem}.truth.yml")
    return yaml.safe_load(truth.read_text(encoding="utf-8")) if truth.is_file() else None


def cite_reports(folder: Path, misses: bool) -> tuple[dict, list[str]]:
    """Claims of every report of `folder` against the held answer: per kind, [found held,
    held, found right, found, linked to a held fact, of them to a right one]."""
    counts: dict[str, list[int]] = {}
    measured = []
    for report in sorted(folder.glob("*.txt")):
        with tempfile.TemporaryDirectory() as temporary:
            sources = Path(temporary) / "sources"
            shutil.copytree(ROOT / "sources", sources)
            page = read_page(report.read_text(encoding="utf-8"))
            answer = held_answer(page, report, sources)
            if answer is None:
                continue
            if page.published_at is None:  # a curator gives it with --published
                page = read_page(report.read_text(encoding="utf-8"),
                                 published=str(answer["citation"]["published_at"])[:10])
            registry, held = Registry.from_sources(sources), read_held(sources)
            draft = draft_citation(page, registry, held)
        measured.append(report.name)
        wanted = {(c["about"], c["field"]) for c in answer["claims"]}
        facts = {c["about"].split("--")[0].replace("event_participants/", "events/") for c in answer["claims"]}
        found = {(c.about, c.field) for c in draft.claims}
        new = {f"event_participants/{f.record['event']}--{f.record['person']}" if f.table == "participants"
               else f"{f.table}/{f.record['id']}" for f in draft.new_facts}
        for about, field in wanted | found:
            row = counts.setdefault(claim_kind(about), [0, 0, 0, 0, 0, 0])
            if (about, field) in wanted:
                row[1] += 1
                row[0] += (about, field) in found
            if (about, field) in found:
                row[3] += 1
                row[2] += (about, field) in wanted
                if about not in new and about.split("--")[0] not in new:
                    row[4] += 1
                    fact = about.split("--")[0].replace("event_participants/", "events/")
                    row[5] += fact in facts
            if misses and ((about, field) in wanted) != ((about, field) in found):
                print(f"  {report.name}: {'missed' if (about, field) in wanted else 'extra'} {about} {field}")
    return counts, measured


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20, help="timing runs (0: no timing)")
    parser.add_argument("--misses", action="store_true", help="print every miss and extra candidate")
    parser.add_argument("--reports", type=Path, default=FIXTURE_REPORTS,
                        help="folder of pasted pages to cite (kept outside the repository)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        # The seed as its curators left it, before any citation (theirs are claims about
        # the seed's curated facts, by the curated ids, and would move its values).
        sources = Path(folder) / "sources"
        shutil.copytree(ROOT / "sources", sources, ignore=shutil.ignore_patterns("citations"))
        without_lineage(sources / "articles")
        truth = curated(sources)
        (sources / "articles" / f"{SEED}.yml").unlink()  # the curated file moved away
        text = (sources / "articles" / f"{SEED}.txt").read_text(encoding="utf-8")
        registry = Registry.from_sources(sources)
        started = time.perf_counter()
        analyser = Analyser(registry.names()) if args.runs else None
        load_seconds = time.perf_counter() - started
        draft = draft_article(text, registry, analyser)
        rows = compare(truth, proposed(draft), args.misses)
        # Accepting every candidate as written must build.
        (sources / "articles" / f"{SEED}.yml").write_text(
            write_draft(draft, SEED, f"{SEED}.txt", ["관련기사"]), encoding="utf-8")
        built, problems = collect(sources)
        builds = built is not None

    print("The seed article (`newsdb draft`):\n")
    print("| what | recall | precision |")
    print("| --- | --- | --- |")
    for label, hit, wanted, right, candidates in rows:
        print(f"| {label} | {rate(hit, wanted)} | {rate(right, candidates)} |")
    main_kinds = rows[:6]
    right = sum(r[3] for r in main_kinds)
    total = sum(r[4] for r in main_kinds)
    print(f"| all of the above but events and MOUs | | {rate(right, total)} |")
    print(f"\ndraft accepted as written builds: {'yes' if builds else 'NO: ' + '; '.join(map(str, problems.sorted()))}")

    print("\nThe written test set (tests/draft_cases.yml):\n")
    print("| kind | recall | precision |")
    print("| --- | --- | --- |")
    for kind, hit, wanted, right, found in written_cases(registry, args.misses):
        print(f"| {kind} | {rate(hit, wanted)} | {rate(right, found)} |")

    counts, measured = cite_reports(args.reports, args.misses)
    print(f"\nCitations (`newsdb cite`) of {', '.join(measured) or 'no report with an answer'}:\n")
    print("| claims about | recall | precision | linked to the right held fact |")
    print("| --- | --- | --- | --- |")
    for kind in sorted(counts):
        hit, wanted, right, found, linked, good = counts[kind]
        print(f"| {kind} | {rate(hit, wanted)} | {rate(right, found)} | {rate(good, linked)} |")
    totals = [sum(c[i] for c in counts.values()) for i in range(6)]
    print(f"| all | {rate(totals[0], totals[1])} | {rate(totals[2], totals[3])} | {rate(totals[5], totals[4])} |")

    if args.runs:
        body_chars = sum(len(s.text) for s in draft.sentences)
        short, short_chars = cut_article(text)
        timings = {}
        for name, article in (("seed", text), ("2000", short)):
            runs = []
            for _ in range(args.runs):
                started = time.perf_counter()
                draft_article(article, registry, analyser)
                runs.append(time.perf_counter() - started)
            timings[name] = (statistics.median(runs), max(runs))
        print(f"\nanalyser load (registry names as user words): {load_seconds:.2f} s")
        print(f"draft of the seed ({body_chars} characters of body, {len(draft.sentences)} sentences): "
              f"median {timings['seed'][0] * 1000:.0f} ms, max {timings['seed'][1] * 1000:.0f} ms over {args.runs} runs")
        print(f"draft of a {short_chars}-character article: median {timings['2000'][0] * 1000:.0f} ms, "
              f"max {timings['2000'][1] * 1000:.0f} ms")
    return 0 if builds else 1


if __name__ == "__main__":
    sys.exit(main())
