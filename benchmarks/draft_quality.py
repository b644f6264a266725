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
at 2,000 characters), with the analyser already loaded; loading it is timed apart.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsdb.korean.analyser import Analyser  # noqa: E402
from newsdb.store.build import collect  # noqa: E402
from newsdb.draft.propose import Registry, draft_article  # noqa: E402
from newsdb.draft.writer import write_draft  # noqa: E402

SEED = "2014-12-17-msip-minister-china-visit"


def curated(sources: Path) -> dict:
    tables, problems = collect(sources)
    if tables is None:
        raise SystemExit("\n".join(map(str, problems)))
    article = SEED + "-"
    sentence = lambda sid: sid[len(article):] if sid and sid.startswith(article) else None  # noqa: E731
    events = tables["events"]
    raw_events = {}
    import yaml

    data = yaml.safe_load((sources / "articles" / f"{SEED}.yml").read_text(encoding="utf-8"))
    for event in data["events"]:
        raw_events[event["id"]] = event
    return {
        "figures": {(sentence(s["sentence_id"]), s["value_text_ko"]) for s in tables["statistics"] if s["value_text_ko"]},
        "dates": {(raw_events[e["id"]].get("when_sentence") or sentence(e["sentence_id"]), e["when_ko"]) for e in events},
        "times": {(sentence(e["sentence_id"]), e["time_ko"]) for e in events if e["time_ko"]},
        "mentions": {(sentence(m["sentence_id"]), m["entity_table"],
                      m["organization_id"] or m["person_id"] or m["place_id"]) for m in tables["mentions"]},
        "periods": {(sentence(s["sentence_id"]), s["period_ko"])
                    for s in tables["statistics"] + tables["policies"] if s["period_ko"]},
        "ranks": {(sentence(s["sentence_id"]), s["rank_ko"]) for s in tables["statistics"] if s["rank_ko"]},
        "events": {(sentence(e["sentence_id"]), e["kind"]) for e in events},
        "mous": {(sentence(m["sentence_id"]), m["title_ko"]) for m in tables["mous"]},
    }


def proposed(draft) -> dict:
    out = {kind: [] for kind in ("figures", "dates", "times", "mentions", "periods", "ranks", "events", "mous")}
    for c in draft.candidates:
        f = c.fields
        if c.kind == "figure":
            out["figures"].append((c.sentence, c.text))
        elif c.kind == "date":
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--misses", action="store_true", help="print every miss and extra candidate")
    args = parser.parse_args(argv)

    truth = curated(ROOT / "sources")
    with tempfile.TemporaryDirectory() as folder:
        sources = Path(folder) / "sources"
        shutil.copytree(ROOT / "sources", sources)
        (sources / "articles" / f"{SEED}.yml").unlink()  # the curated file moved away
        text = (sources / "articles" / f"{SEED}.txt").read_text(encoding="utf-8")
        registry = Registry.from_sources(sources)
        started = time.perf_counter()
        analyser = Analyser(registry.names())
        load_seconds = time.perf_counter() - started
        draft = draft_article(text, registry, analyser)
        rows = compare(truth, proposed(draft), args.misses)
        # Accepting every candidate as written must build.
        (sources / "articles" / f"{SEED}.yml").write_text(
            write_draft(draft, SEED, f"{SEED}.txt", ["관련기사"]), encoding="utf-8")
        built, problems = collect(sources)
        builds = built is not None

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

    print("| what | recall | precision |")
    print("| --- | --- | --- |")
    for label, hit, wanted, right, candidates in rows:
        recall = f"{hit / wanted:.1%} ({hit}/{wanted})" if wanted else "-"
        precision = f"{right / candidates:.1%} ({right}/{candidates})" if candidates else "-"
        print(f"| {label} | {recall} | {precision} |")
    main_kinds = rows[:6]
    right = sum(r[3] for r in main_kinds)
    total = sum(r[4] for r in main_kinds)
    print(f"| all of the above but events and MOUs | | {right / total:.1%} ({right}/{total}) |")
    print()
    print(f"draft accepted as written builds: {'yes' if builds else 'NO: ' + '; '.join(map(str, problems))}")
    print(f"analyser load (registry names as user words): {load_seconds:.2f} s")
    print(f"draft of the seed ({body_chars} characters of body, {len(draft.sentences)} sentences): "
          f"median {timings['seed'][0] * 1000:.0f} ms, max {timings['seed'][1] * 1000:.0f} ms over {args.runs} runs")
    print(f"draft of a {short_chars}-character article: median {timings['2000'][0] * 1000:.0f} ms, "
          f"max {timings['2000'][1] * 1000:.0f} ms")
    return 0 if builds else 1


if __name__ == "__main__":
    sys.exit(main())
