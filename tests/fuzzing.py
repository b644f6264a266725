"""A seeded mutation fuzzer of the sources folder: the edits curators make by mistake,
applied to a copy of the real sources, and the check that `newsdb check` and `newsdb
build` agree about the result.

Used by tests/test_fuzz_sources.py (a bounded run) and benchmarks/fuzz_sources.py (many
runs with a time budget). A case is a seed: `mutate(folder, seed)` makes the same edits
again, so a failure reproduces from the seed alone.

The edits work on the text of the files, line by line, as a curator's editor would: the
YAML is not parsed first, so that broken YAML is one of the outcomes.
"""
from __future__ import annotations

import random
import re
import shutil
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner

KEY_LINE = re.compile(r"^(?P<indent>\s*)(?P<dash>- )?(?P<key>[a-z_]+):(?P<value>.*)$")
ID_VALUE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Terms of the vocabularies and fields curators type, for swaps and misspellings.
TERMS = ("planned", "held", "signed", "ahead", "after", "stated", "inferred", "KR", "CN",
         "government_ministry", "city", "meeting", "visit", "morning", "afternoon",
         "inference", "exists", "dates", "status", "time_of_day", "place", "value")
WRONG_TYPES = ("[]", "{}", "[a, b]", "{x: 1}", "42", "3.5", "true", "null", "''", "-1",
               "2014-13-45", "\"\"")


@dataclass
class Sources:
    """The files of a copied sources folder and their text, edited in memory."""
    root: Path
    texts: dict[str, str] = field(default_factory=dict)
    raw: dict[str, bytes] = field(default_factory=dict)  # files written as bytes
    deleted: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, root: Path) -> "Sources":
        texts = {str(p.relative_to(root)): p.read_text(encoding="utf-8")
                 for p in sorted(root.rglob("*")) if p.is_file()}
        return cls(root, texts)

    def yml(self) -> list[str]:
        return [name for name in self.texts if name.endswith(".yml")]

    def lines(self, name: str) -> list[str]:
        return self.texts[name].split("\n")

    def set_lines(self, name: str, lines: list[str]) -> None:
        self.texts[name] = "\n".join(lines)

    def write(self) -> None:
        for name in self.deleted:
            (self.root / name).unlink(missing_ok=True)
        for name, text in self.texts.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if name in self.raw:
                path.write_bytes(self.raw[name])
            else:
                path.write_text(text, encoding="utf-8")


def key_lines(lines: list[str]) -> list[int]:
    return [n for n, line in enumerate(lines) if KEY_LINE.match(line)]


def block_end(lines: list[str], start: int) -> int:
    """The line after the block that starts at `start`: a list item with all its keys,
    or a key with its value (its more indented lines, or a list at its own indent)."""
    line = lines[start]
    indent = len(line) - len(line.lstrip())
    item = line.lstrip().startswith("- ")
    end = start + 1
    while end < len(lines):
        text = lines[end]
        own = len(text) - len(text.lstrip())
        inside = own > indent or (not item and own == indent and text.lstrip().startswith("- "))
        if text.strip() and not inside:
            break
        end += 1
    return end


def value_end(lines: list[str], start: int) -> int:
    """The line after the value of the key on line `start` (the first key of a list
    item too)."""
    line = lines[start]
    indent = len(line) - len(line.lstrip()) + (2 if line.lstrip().startswith("- ") else 0)
    end = start + 1
    while end < len(lines):
        text = lines[end]
        own = len(text) - len(text.lstrip())
        if text.strip() and own <= indent and not (own == indent and text.lstrip().startswith("- ")):
            break
        end += 1
    return end


def items(lines: list[str]) -> list[int]:
    """The first lines of list items that are records (`- key: value`)."""
    return [n for n, line in enumerate(lines)
            if (m := KEY_LINE.match(line)) and m["dash"]]


def claim_items(lines: list[str]) -> list[int]:
    return [n for n in items(lines) if lines[n].lstrip().startswith("- about:")]


def _pick_file(rng: random.Random, sources: Sources) -> str:
    return rng.choice(sources.yml())


# Mutations: each edits `sources` and returns a description of what it did --------

def drop_key(rng, sources):
    name = _pick_file(rng, sources)
    lines = sources.lines(name)
    candidates = key_lines(lines)
    if not candidates:
        return None
    start = rng.choice(candidates)
    end = value_end(lines, start)
    match = KEY_LINE.match(lines[start])
    rest = lines[end:]
    item_key = match["indent"] + "  "
    if match["dash"] and rest and rest[0].startswith(item_key) and KEY_LINE.match(rest[0]):
        # the item's next key takes its dash
        rest[0] = match["indent"] + "- " + rest[0][len(item_key):]
    sources.set_lines(name, lines[:start] + rest)
    return f"{name}:{start + 1} drop key {match['key']}"


def duplicate_key(rng, sources):
    name = _pick_file(rng, sources)
    lines = sources.lines(name)
    candidates = [n for n in key_lines(lines) if not KEY_LINE.match(lines[n])["dash"]]
    if not candidates:
        return None
    start = rng.choice(candidates)
    end = value_end(lines, start)
    sources.set_lines(name, lines[:end] + lines[start:end] + lines[end:])
    return f"{name}:{start + 1} duplicate key {KEY_LINE.match(lines[start])['key']}"


def drop_record(rng, sources, claims_only=False):
    name = _pick_file(rng, sources)
    lines = sources.lines(name)
    candidates = claim_items(lines) if claims_only else items(lines)
    if not candidates:
        return None
    start = rng.choice(candidates)
    sources.set_lines(name, lines[:start] + lines[block_end(lines, start):])
    return f"{name}:{start + 1} drop {'claim' if claims_only else 'record'}"


def duplicate_record(rng, sources, claims_only=False):
    name = _pick_file(rng, sources)
    lines = sources.lines(name)
    candidates = claim_items(lines) if claims_only else items(lines)
    if not candidates:
        return None
    start = rng.choice(candidates)
    end = block_end(lines, start)
    sources.set_lines(name, lines[:end] + lines[start:end] + lines[end:])
    return f"{name}:{start + 1} duplicate {'claim' if claims_only else 'record'}"


def duplicate_claim_other_value(rng, sources):
    name = _pick_file(rng, sources)
    lines = sources.lines(name)
    candidates = claim_items(lines)
    if not candidates:
        return None
    start = rng.choice(candidates)
    end = block_end(lines, start)
    copy = lines[start:end]
    for n, line in enumerate(copy):
        match = KEY_LINE.match(line)
        if match and match["key"] in ("wording_ko", "value"):
            copy[n] = _other_value(rng, line)
            break
    sources.set_lines(name, lines[:end] + copy + lines[end:])
    return f"{name}:{start + 1} duplicate claim with another value"


def _other_value(rng, line: str) -> str:
    replacements = [("18일", "19일"), ("19일", "21일"), ("오전", "오후"), ("오후", "저녁"),
                    ("signed", "planned"), ("planned", "held"), ("held", "cancelled"),
                    ("억", "조"), ("20일", "22일")]
    found = [(old, new) for old, new in replacements if old in line]
    if found:
        old, new = rng.choice(found)
        return line.replace(old, new, 1)
    return re.sub(r"\d", lambda m: str((int(m[0]) + 1) % 10), line, count=1) if re.search(
        r"\d", line) else line + " 오후"


def change_type(rng, sources):
    name = _pick_file(rng, sources)
    lines = sources.lines(name)
    candidates = [n for n in key_lines(lines) if KEY_LINE.match(lines[n])["value"].strip()]
    if not candidates:
        return None
    n = rng.choice(candidates)
    match = KEY_LINE.match(lines[n])
    new = rng.choice(WRONG_TYPES)
    lines[n] = f"{match['indent']}{match['dash'] or ''}{match['key']}: {new}"
    end = value_end(lines, n)  # a folded value's lines go with it
    sources.set_lines(name, lines[:n + 1] + lines[end:])
    return f"{name}:{n + 1} {match['key']} becomes {new}"


def misspell_value(rng, sources):
    """An id, a reference or a vocabulary term with one character wrong."""
    name = _pick_file(rng, sources)
    lines = sources.lines(name)
    candidates = [n for n in key_lines(lines)
                  if ID_VALUE.match(KEY_LINE.match(lines[n])["value"].strip())
                  or KEY_LINE.match(lines[n])["value"].strip() in TERMS]
    if not candidates:
        return None
    n = rng.choice(candidates)
    match = KEY_LINE.match(lines[n])
    value = match["value"].strip()
    at = rng.randrange(len(value))
    wrong = value[:at] + rng.choice("abcdexyz0-_") + value[at + 1:]
    lines[n] = f"{match['indent']}{match['dash'] or ''}{match['key']}: {wrong}"
    sources.set_lines(name, lines)
    return f"{name}:{n + 1} {match['key']} {value!r} misspelt {wrong!r}"


def swap_values(rng, sources):
    """Two ids or terms of the same key swapped, or a term replaced by another."""
    name = _pick_file(rng, sources)
    lines = sources.lines(name)
    by_key: dict[str, list[int]] = {}
    for n in key_lines(lines):
        match = KEY_LINE.match(lines[n])
        value = match["value"].strip()
        if ID_VALUE.match(value) or value in TERMS:
            by_key.setdefault(match["key"], []).append(n)
    if not by_key:
        return None
    key = rng.choice(sorted(by_key))
    n = rng.choice(by_key[key])
    if len(by_key[key]) > 1 and rng.random() < 0.6:
        m = rng.choice([k for k in by_key[key] if k != n])
        first, second = KEY_LINE.match(lines[n]), KEY_LINE.match(lines[m])
        lines[n] = f"{first['indent']}{first['dash'] or ''}{key}:{second['value']}"
        lines[m] = f"{second['indent']}{second['dash'] or ''}{key}:{first['value']}"
        sources.set_lines(name, lines)
        return f"{name}:{n + 1},{m + 1} swap {key}"
    match = KEY_LINE.match(lines[n])
    term = rng.choice(TERMS)
    lines[n] = f"{match['indent']}{match['dash'] or ''}{key}: {term}"
    sources.set_lines(name, lines)
    return f"{name}:{n + 1} {key} becomes {term}"


def move_date(rng, sources):
    """A day or date moved: out of its event, its trip or its report."""
    name = _pick_file(rng, sources)
    lines = sources.lines(name)
    candidates = [n for n, line in enumerate(lines)
                  if re.search(r"\d+일|\d{4}-\d{2}-\d{2}", line) and KEY_LINE.match(line)]
    if not candidates:
        return None
    n = rng.choice(candidates)
    day = rng.choice(["1", "9", "16", "17", "18", "19", "20", "21", "28", "31", "32"])
    line = lines[n]
    if re.search(r"\d+일", line):
        lines[n] = re.sub(r"\d+일", f"{day}일", line, count=1)
    else:
        lines[n] = re.sub(r"(\d{4}-\d{2}-)\d{2}", lambda m: f"{m[1]}{int(day):02d}", line,
                          count=1)
    sources.set_lines(name, lines)
    return f"{name}:{n + 1} date moved to day {day}"


def break_encoding(rng, sources):
    name = rng.choice(sorted(sources.texts))
    text = sources.texts[name]
    kind = rng.choice(["euc-kr", "bytes", "bom-latin1"])
    if kind == "euc-kr":
        sources.raw[name] = text.encode("euc-kr", errors="replace")
    elif kind == "bytes":
        data = text.encode("utf-8")
        at = rng.randrange(len(data) + 1)
        sources.raw[name] = data[:at] + b"\xff\xfe\xc3" + data[at:]
    else:
        sources.raw[name] = b"\xef\xbb\xbf" + text.encode("utf-16-le")
    return f"{name} encoding broken ({kind})"


def break_yaml(rng, sources):
    name = _pick_file(rng, sources)
    lines = sources.lines(name)
    n = rng.randrange(len(lines))
    breakage = rng.choice(["[", "\t", "  - ", ": :", "'", "&a", "*b", "{", "---"])
    if breakage == "\t":
        lines[n] = "\t" + lines[n]
    else:
        lines[n] = lines[n] + " " + breakage
    sources.set_lines(name, lines)
    return f"{name}:{n + 1} YAML broken with {breakage!r}"


def drop_file(rng, sources):
    name = rng.choice(sorted(sources.texts))
    del sources.texts[name]
    sources.raw.pop(name, None)
    sources.deleted.add(name)
    return f"{name} deleted"


def duplicate_file(rng, sources):
    """A citation or an article saved again under another name, its ids clashing (or,
    half of the time, its own id changed and its facts' ids clashing)."""
    name = rng.choice([n for n in sources.yml() if not n.startswith("registry/")])
    new = name.replace(".yml", "-copy.yml")
    text = sources.texts[name]
    if rng.random() < 0.5:
        text = re.sub(r"^id: (\S+)", r"id: \1-copy", text, count=1, flags=re.M)
    sources.texts[new] = text
    txt = name.replace(".yml", ".txt")
    if txt in sources.texts:
        sources.texts[new.replace(".yml", ".txt")] = sources.texts[txt]
        if rng.random() < 0.5:
            sources.texts[new] = text.replace(Path(txt).name, Path(txt).name.replace(
                ".txt", "-copy.txt"))
    return f"{name} copied as {new}"


MUTATIONS = {
    "drop_key": drop_key,
    "duplicate_key": duplicate_key,
    "drop_record": drop_record,
    "duplicate_record": duplicate_record,
    "drop_claim": lambda rng, s: drop_record(rng, s, claims_only=True),
    "duplicate_claim": lambda rng, s: duplicate_record(rng, s, claims_only=True),
    "duplicate_claim_other_value": duplicate_claim_other_value,
    "change_type": change_type,
    "misspell": misspell_value,
    "swap": swap_values,
    "move_date": move_date,
    "break_encoding": break_encoding,
    "break_yaml": break_yaml,
    "drop_file": drop_file,
    "duplicate_file": duplicate_file,
}


def mutate(folder: Path, seed: int) -> list[str]:
    """Apply one to three mutations chosen by `seed` to the sources in `folder`."""
    rng = random.Random(seed)
    sources = Sources.read(folder)
    done = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        kind = rng.choice(sorted(MUTATIONS))
        what = MUTATIONS[kind](rng, sources)
        if what:
            done.append(f"{kind}: {what}")
    sources.write()
    return done


# Running check and build -------------------------------------------------------------

@dataclass
class Outcome:
    seed: int
    mutations: list[str]
    check_ok: bool
    build_ok: bool
    faults: list[str]  # what broke a promise; empty when all is well
    check_output: str = ""
    build_output: str = ""


@contextmanager
def finishers_without_search():
    """The build's finishers without the full-text index: its Korean analysis takes most
    of a build and checks no constraint (the derived tables, which have keys, stay)."""
    from newsdb.store import finishers
    from newsdb.store.derived import fill_derived_tables

    saved = list(finishers.FINISHERS)
    finishers.FINISHERS[:] = [fill_derived_tables]
    try:
        yield
    finally:
        finishers.FINISHERS[:] = saved


def run_command(args: list[str]) -> tuple[int, str, str]:
    """`newsdb ARGS` in this process: exit code, stdout, stderr (a traceback in stderr
    when the command raised)."""
    from newsdb.cli import cli

    result = CliRunner().invoke(cli, args)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return result.exit_code, result.stdout, stderr


def check_case(source_root: Path, work: Path, seed: int, previous: bytes,
               metadata: Path | None = None) -> Outcome:
    """Mutate a fresh copy of `source_root` by `seed`, then run check and build (into
    an output holding `previous`) and list every promise broken."""
    folder = work / "sources"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(source_root, folder)
    mutations = mutate(folder, seed)
    out_dir = work / "out"
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir()
    output = out_dir / "news.db"
    output.write_bytes(previous)
    extra = ["--metadata", str(metadata)] if metadata else []
    check_code, _, check_err = run_command(["check", "--sources", str(folder)])
    build_code, build_out, build_err = run_command(
        ["build", "--sources", str(folder), "--output", str(output), *extra])
    faults = []
    for name, code, err in (("check", check_code, check_err), ("build", build_code, build_err)):
        if "Traceback" in err:
            faults.append(f"{name} printed a traceback")
        if code not in (0, 1):
            faults.append(f"{name} exited {code}")
    if (check_code == 0) != (build_code == 0):
        faults.append(f"check exited {check_code}, build {build_code}")
    if build_code != 0:
        faults += _failure_faults(build_err, folder, output, previous)
    if check_code != 0:
        faults += [f"check: {fault}" for fault in _problem_faults(check_err, folder)]
    return Outcome(seed, mutations, check_code == 0, build_code == 0, faults, check_err,
                   build_err + build_out)


def _failure_faults(stderr: str, folder: Path, output: Path, previous: bytes) -> list[str]:
    faults = _problem_faults(stderr, folder, output)
    lines = stderr.strip().splitlines()
    if not lines or not lines[-1].endswith(f"; {output} was not changed"):
        faults.append("the last line does not name the output it left unchanged")
    if output.read_bytes() != previous:
        faults.append("the previous output changed")
    if sorted(p.name for p in output.parent.iterdir()) != [output.name]:
        faults.append("files were left beside the output")
    return faults


def _problem_faults(stderr: str, folder: Path, output: Path | None = None) -> list[str]:
    """Every problem names a file of the sources (or the output), never SQLite alone."""
    faults = []
    errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
    if not errors:
        faults.append("failed without an error line")
    for line in errors:
        place = line[len("error: "):].split(": ", 1)[0]
        file = re.sub(r":\d+$", "", place)
        # the reader names a source by its path from the sources folder's parent
        named = (file.startswith((str(folder), f"{folder.name}/"))
                 or (output is not None and file == str(output)))
        if not named:
            faults.append(f"names no source file: {line}")
        if "constraint failed" in line and not re.search(r"table \w+, key", line):
            faults.append(f"a bare database error: {line}")
    return faults
