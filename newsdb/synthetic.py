#!/usr/bin/env python3
"""Write a synthetic corpus of N articles in the sources format, for benchmarks and the
tests at scale (a tool beside the stages, like the export).

    python benchmarks/generate_corpus.py N TARGET_DIR [--seed 0] [--template sources]

Every synthetic article is the real article in sources/ (the template) with its ids,
publication month, registry references and the names of the organizations and people it
mentions varied, so it has the same sentences, events (with participants and parent
events), statistics (with ratios), policies, MOUs (with parties) and notes. The
registries hold one variant of every template entry per "variant slot"; the number of
slots grows with the square root of N, so the registries grow sub-linearly and articles
share entries, popular ones most (Zipf-like choice). The output passes the same
validation as the real sources. Never commit a generated corpus.
"""
from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from newsdb.korean.dates import resolve_period
from newsdb.curated.reader import ARTICLE_SECTIONS, REGISTRIES
from newsdb.curated.yaml_source import load_yaml

# The sources folder whose held article is varied (relative to the working directory).
TEMPLATE = Path("sources")
# Fields of article records that name a registry entry, and the registry they name.
REGISTRY_FIELDS = {"place": "places", "organizer": "organizations",
                   "organization": "organizations", "person": "people",
                   "parties": "organizations"}
# Fields of article records that name another record of the same article.
FACT_FIELDS = ("parent_event", "same_day_as", "event", "ratio_of", "compared_to")
# The article's own wording that the parsers read; names are never replaced inside it.
WORDING_FIELDS = ("when_ko", "time_ko", "value_text_ko", "period_ko", "rank_ko")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SYLLABLES = "가나다라마바사아자차카타파하"
FIRST_YEAR, YEARS = 2010, 16
Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def plain(value):
    """Located mappings from newsdb's loader as plain dicts, so they can be dumped."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


@dataclass
class Template:
    registries: dict[str, list[dict]]
    article: dict
    text: str
    published: dt.date


def read_template(root: Path = TEMPLATE) -> Template:
    registries = {name: plain(load_yaml(root / "registry" / f"{name}.yml"))
                  for name in REGISTRIES}
    path = sorted((root / "articles").glob("*.yml"))[0]
    article = plain(load_yaml(path))
    text = (path.parent / article["article"]["source_file"]).read_text(encoding="utf-8")
    stamp = re.search(r"(\d{4})/(\d{2})/(\d{2}) \d{2}:\d{2}", text)
    published = dt.date(*map(int, stamp.groups()))
    if published.day > 28:
        raise ValueError("the template must be published on day 1-28 so that its month "
                         "can be moved without changing the day")
    return Template(registries, article, text, published)


def variant_count(n: int) -> int:
    return max(1, math.isqrt(n - 1) + 1)


def variant_id(entry_id: str, slot: int) -> str:
    return entry_id if slot == 0 else f"{entry_id}-v{slot}"


def variant_suffix(slot: int) -> str:
    """A short Hangul suffix that makes a variant's name distinct (slot 0: none)."""
    suffix = ""
    while slot:
        slot, digit = divmod(slot, len(SYLLABLES))
        suffix = SYLLABLES[digit] + suffix
    return suffix


def registry_variant(name: str, entry: dict, slot: int) -> dict:
    if slot == 0:
        return dict(entry)
    record = dict(entry, id=variant_id(entry["id"], slot),
                  name_ko=entry["name_ko"] + variant_suffix(slot))
    if record.get("name_en"):
        record["name_en"] = f"{entry['name_en']} {slot}"
    record.pop("name_zh", None)
    # Aliases are an entity's own: a shared alias would name every variant at once.
    if record.get("aliases_ko"):
        record["aliases_ko"] = [alias + variant_suffix(slot) for alias in entry["aliases_ko"]]
    for field in ("organization", "parent"):
        if record.get(field):
            record[field] = variant_id(record[field], slot)
    if name == "places":
        # A few kilometres apart, inside the same country's bounds.
        record["latitude"] = round(entry["latitude"] + (slot % 7 - 3) * 0.01, 4)
        record["longitude"] = round(entry["longitude"] + (slot % 5 - 2) * 0.01, 4)
    return record


def write_registries(template: Template, target: Path, slots: int) -> None:
    folder = target / "registry"
    folder.mkdir(parents=True, exist_ok=True)
    for name, entries in template.registries.items():
        records = [registry_variant(name, entry, slot)
                   for slot in range(slots) for entry in entries]
        dump(records, folder / f"{name}.yml")


def dump(data, path: Path) -> None:
    path.write_text(yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False,
                              width=100), encoding="utf-8")


def zipf_slot(rng: random.Random, weights: list[float]) -> int:
    return rng.choices(range(len(weights)), cum_weights=weights)[0]


def cumulative_zipf(slots: int) -> list[float]:
    total, weights = 0.0, []
    for rank in range(1, slots + 1):
        total += 1 / rank
        weights.append(total)
    return weights


class ArticleVariant:
    """One synthetic article: the template with ids, month, references and names moved."""

    def __init__(self, template: Template, index: int, rng: random.Random, weights):
        self.template = template
        self.suffix = f"{index:05d}"
        self.article_id = f"synthetic-{self.suffix}"
        months = rng.randrange(YEARS * 12)
        self.published = dt.date(FIRST_YEAR + months // 12, months % 12 + 1,
                                 template.published.day)
        self.slots = {name: {entry["id"]: zipf_slot(rng, weights) for entry in entries}
                      for name, entries in template.registries.items()}
        self.names = self._renamed(template)
        self.pattern = (re.compile("|".join(map(re.escape, sorted(self.names, key=len,
                                                                   reverse=True))))
                        if self.names else None)

    def _renamed(self, template: Template) -> dict[str, str]:
        """Names and aliases of organizations and people to replace, with their
        variant's."""
        wordings = " ".join(str(record.get(field, "")) for section in ARTICLE_SECTIONS
                            for record in template.article.get(section) or []
                            for field in WORDING_FIELDS)
        names = {}
        for registry in ("organizations", "people"):
            for entry in template.registries[registry]:
                slot = self.slots[registry][entry["id"]]
                for name in (entry["name_ko"], *entry.get("aliases_ko", ())):
                    if slot and name in template.text and name not in wordings:
                        names[name] = name + variant_suffix(slot)
        return names

    def rename(self, text: str) -> str:
        return self.pattern.sub(lambda m: self.names[m.group(0)], text) if self.pattern else text

    def text(self) -> str:
        old = self.template.published
        moved = self.template.text.replace(f"{old:%Y/%m/}", f"{self.published:%Y/%m/}")
        return self.rename(moved)

    def records(self) -> dict:
        source = self.template.article
        meta = dict(source["article"], id=self.article_id,
                    source_file=f"{self.article_id}.txt")
        # A synthetic article has no citations beside it, so no release it is based on.
        meta.pop("based_on", None)
        data = {"article": meta}
        for section in ARTICLE_SECTIONS:
            if section in source:
                data[section] = [self.record(section, record) for record in source[section]]
        return data

    def record(self, section: str, record: dict) -> dict:
        out = {}
        for field, value in record.items():
            out[field] = self.value(section, record, field, value)
        if section == "statistics" and record.get("period") and record.get("period_ko"):
            out["period"] = resolve_period(record["period_ko"], self.published)
        return out

    def value(self, section: str, record: dict, field: str, value):
        if field == "id":
            return self.fact_id(value)
        if field in REGISTRY_FIELDS:
            registry = REGISTRY_FIELDS[field]
            if isinstance(value, list):
                return [self.registry_id(registry, item) for item in value]
            return self.registry_id(registry, value)
        if field in FACT_FIELDS and value is not None:
            return self.fact_id(value)
        if field == "participants":
            return [{key: self.value(section, item, key, item_value)
                     for key, item_value in item.items()} for item in value]
        if field == "about_id":
            return self.about_id(record["about_table"], value)
        if isinstance(value, str) and ISO_DATE.match(value):
            return self.move_date(value)
        if isinstance(value, str) and field not in WORDING_FIELDS:
            return self.rename(value)
        return value

    def fact_id(self, value: str) -> str:
        return f"{value}-{self.suffix}"

    def registry_id(self, registry: str, value):
        if value is None:
            return None
        return variant_id(value, self.slots[registry][value])

    def about_id(self, table: str, value: str) -> str:
        if table in self.slots:
            return self.registry_id(table, value)
        if table in ("articles", "sentences"):
            return value.replace(self.template.article["article"]["id"], self.article_id, 1)
        return self.fact_id(value)

    def move_date(self, value: str) -> str:
        """Move a date by as many months as the publication date moved; days stay."""
        date = dt.date.fromisoformat(value)
        old = self.template.published
        months = (self.published.year - old.year) * 12 + self.published.month - old.month
        total = date.year * 12 + date.month - 1 + months
        return dt.date(total // 12, total % 12 + 1, date.day).isoformat()


def generate(target: Path, n: int, seed: int = 0, template_root: Path = TEMPLATE) -> Path:
    """Write n articles and their registries under target (created); return target."""
    template = read_template(template_root)
    slots = variant_count(n)
    write_registries(template, target, slots)
    articles = target / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    weights = cumulative_zipf(slots)
    for index in range(1, n + 1):
        variant = ArticleVariant(template, index, rng, weights)
        (articles / f"{variant.article_id}.txt").write_text(variant.text(), encoding="utf-8")
        dump(variant.records(), articles / f"{variant.article_id}.yml")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("target", type=Path, help="folder to write (created)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--template", type=Path, default=TEMPLATE,
                        help="the sources folder whose article is varied (default: sources)")
    args = parser.parse_args(argv)
    generate(args.target, args.n, args.seed, args.template)
    print(f"wrote {args.n} articles to {args.target}")
    return 0
