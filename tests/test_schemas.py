"""The JSON Schemas of the curated files (schemas/) are what the models give, every curated
file names its schema on its first line and validates against it, a broken copy does not,
and the README's field reference is current."""
import copy
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from newsdb.cli import cli
from newsdb.json_schemas import curated_files, schema_files, schema_line, stale
from newsdb.curated.yaml_source import load_yaml

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "sources" / "articles" / "2014-12-17-msip-minister-china-visit.yml"


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors(name: str, data) -> list[str]:
    return sorted(f"{list(e.absolute_path)}: {e.message}" for e in validator(name).iter_errors(data))


def test_shipped_schemas_and_readme_are_what_the_models_give():
    assert stale(ROOT) == []
    for relative, text in schema_files().items():
        assert (ROOT / relative).read_text(encoding="utf-8") == text


def test_schema_check_command_passes_on_the_repository():
    result = CliRunner().invoke(cli, ["schema", "--check"])
    assert result.exit_code == 0, result.output


def test_every_curated_file_references_and_validates_against_its_schema():
    files = curated_files(ROOT)
    assert len(files) >= 4
    for path, name in files.items():
        assert path.read_text(encoding="utf-8").split("\n", 1)[0] == schema_line(name)
        assert errors(name, load_yaml(path)) == [], path


@pytest.mark.parametrize(
    "break_it, expected",
    [
        (lambda d: d["events"][0].update(kind="party"), "'party' is not one of"),
        (lambda d: d["events"][0].update(qoute=d["events"][0].pop("quote")),
         "Additional properties are not allowed ('qoute' was unexpected)"),
        (lambda d: d["statistics"][0].pop("quote"), "'quote' is a required property"),
        (lambda d: d["statistics"][1].update(sentence="paragraph 4"), "does not match '^p[1-9]"),
        (lambda d: d["mous"][0].update(parties=[]), "should be non-empty"),
        (lambda d: d["article"].update(utc_offset="+9"), "does not match"),
        (lambda d: d.update(event=[]), "Additional properties are not allowed ('event' was unexpected)"),
    ],
)
def test_a_broken_copy_of_the_seed_fails(break_it, expected):
    data = copy.deepcopy(load_yaml(SEED))
    assert errors("article", data) == []
    break_it(data)
    found = errors("article", data)
    assert any(expected in error for error in found), found


def test_a_broken_registry_fails():
    places = load_yaml(ROOT / "sources" / "registry" / "places.yml")
    places[0]["latitude"] = 123.0
    assert any("123.0 is greater than the maximum of 90" in e for e in errors("places", places))
    people = load_yaml(ROOT / "sources" / "registry" / "people.yml")
    people[0].pop("name_ko")
    assert any("'name_ko' is a required property" in e for e in errors("people", people))


def test_schema_check_fails_when_stale(tmp_path):
    root = tmp_path / "repo"
    for part in ("schemas", "sources"):
        shutil.copytree(ROOT / part, root / part)
    shutil.copy(ROOT / "README.md", root / "README.md")
    vocabularies = root / "newsdb" / "curated" / "vocabularies.yml"
    vocabularies.parent.mkdir(parents=True)
    shutil.copy(ROOT / "newsdb" / "curated" / "vocabularies.yml", vocabularies)
    assert stale(root) == []
    (root / "schemas" / "people.schema.json").write_text("{}\n", encoding="utf-8")
    readme = root / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8").replace("| **id** |", "| id |", 1), encoding="utf-8")
    organizations = root / "sources" / "registry" / "organizations.yml"
    organizations.write_text(organizations.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")
    assert stale(root) == [
        "schemas/people.schema.json is not the schema the models give: run newsdb schema",
        "README.md's field reference is not current: run newsdb schema",
        "sources/registry/organizations.yml: expected the first line "
        "'# yaml-language-server: $schema=../../schemas/organizations.schema.json'",
    ]


def test_the_draft_validates_against_the_article_schema(tmp_path):
    root = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", root)
    source = root / "articles" / "2014-12-17-msip-minister-china-visit.txt"
    result = CliRunner().invoke(cli, ["draft", str(source), "--sources", str(root), "--no-analyser"])
    assert result.exit_code == 0, result.output
    assert errors("article", load_yaml(source.with_name(source.stem + ".draft.yml"))) == []
