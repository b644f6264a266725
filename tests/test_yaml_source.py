"""The YAML reader: YAML 1.2 values from yaml-rs, and the same values with line numbers
when a build has problems to report."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
import yaml_rs

from newsdb.curated import yaml_source
from newsdb.curated.yaml_source import Located, LocatedList, YamlError, line_of, load_yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCE_FILES = sorted((ROOT / "sources").rglob("*.yml"))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "file.yml"
    path.write_text(text, encoding="utf-8")
    return path


class _Yaml11Loader(yaml.SafeLoader):
    """PyYAML as the build used it before yaml-rs: YAML 1.1, dates kept as text."""


_Yaml11Loader.add_constructor("tag:yaml.org,2002:timestamp",
                              lambda loader, node: loader.construct_scalar(node))


@pytest.mark.parametrize("path", SOURCE_FILES, ids=lambda p: p.name)
def test_every_source_reads_the_same_in_yaml_1_1_and_1_2(path):
    # The reader changed from PyYAML (YAML 1.1) to yaml-rs (1.2); no value of the
    # curated sources may have changed with it.
    text = path.read_text(encoding="utf-8")
    assert load_yaml(path) == yaml.load(text, Loader=_Yaml11Loader)


@pytest.mark.parametrize("path", SOURCE_FILES, ids=lambda p: p.name)
def test_reading_with_lines_gives_the_same_values(path):
    plain, located = load_yaml(path), load_yaml(path, with_lines=True)
    assert located == plain
    assert type(located) in (Located, LocatedList) and type(plain) in (dict, list)


def test_values_follow_yaml_1_2(tmp_path):
    path = write(tmp_path, "answer: no\nswitch: on\ncount: 012\nhex: 0x1F\n"
                           "day: 2014-12-17\nat: 2014-12-17T12:59:00+09:00\nnothing: ~\n")
    assert load_yaml(path) == {
        "answer": "no", "switch": "on", "count": 12, "hex": 31,
        "day": "2014-12-17", "at": "2014-12-17T12:59:00+09:00", "nothing": None,
    }


def test_lines_of_mappings_keys_and_items(tmp_path):
    path = write(tmp_path, "# a comment\n"
                           "- id: first\n"
                           "  quote: 중국은\n"
                           "  participants:\n"
                           "    - person: a\n"
                           "    - organization: b\n"
                           "\n"
                           "- just text\n"
                           "- id: third\n")
    items = load_yaml(path, with_lines=True)
    assert items.line == 2 and items.item_lines == [2, 8, 9]
    first = items[0]
    assert isinstance(first, Located)
    assert (first.line, first.line_of("quote"), first.line_of("participants")) == (2, 3, 4)
    assert first.line_of("missing") == 2  # a missing field is reported at its record
    assert [line_of(p) for p in first["participants"]] == [5, 6]
    assert line_of(items[2], "id") == 9
    assert line_of(load_yaml(path)[0], "quote") is None  # read without lines


def test_aliases_keep_their_anchor_lines(tmp_path):
    path = write(tmp_path, "- &who\n  name: a\n- *who\n")
    items = load_yaml(path, with_lines=True)
    assert items == [{"name": "a"}, {"name": "a"}]
    assert [line_of(item) for item in items] == [1, 1]


def test_a_syntax_error_is_reported_with_pyyaml_message_and_line(tmp_path):
    path = write(tmp_path, "- id: a\n  name: [b\n- id: c\n")
    with pytest.raises(YamlError) as raised:
        load_yaml(path)
    assert raised.value.line == 3
    assert str(raised.value) == "invalid YAML: expected ',' or ']', but got ':'"


def test_a_duplicate_key_is_an_error_at_the_repeated_key(tmp_path):
    path = write(tmp_path, "- id: a\n  name: b\n  name: c\n")
    with pytest.raises(YamlError) as raised:
        load_yaml(path)
    assert (raised.value.line, str(raised.value)) == (3, "invalid YAML: duplicate key 'name'")


def test_an_error_only_yaml_rs_finds_gets_its_own_message(tmp_path, monkeypatch):
    # No text is known that PyYAML reads and yaml-rs rejects; the branch is kept so such a
    # file is still reported, with yaml-rs's line and the first line of its message.
    def reject(text, **options):
        raise yaml_rs.YAMLDecodeError("YAML parse error at line 2, column 3\n  |\nmore")
    monkeypatch.setattr(yaml_source.yaml_rs, "loads", reject)
    with pytest.raises(YamlError) as raised:
        load_yaml(write(tmp_path, "a: 1\nb: 2\n"))
    assert raised.value.line == 2
    assert str(raised.value) == "invalid YAML: YAML parse error at line 2, column 3"


def test_a_byte_order_mark_and_crlf_are_read(tmp_path):
    path = tmp_path / "file.yml"
    path.write_bytes("\ufeffa: 한국\r\nb: 2\r\n".encode("utf-8"))
    assert load_yaml(path) == {"a": "한국", "b": 2}
    assert load_yaml(path, with_lines=True).line_of("b") == 2


@pytest.mark.parametrize("text, line, code", [
    ("- id: a\n  name: b\n\x00- id: c\n", 3, "U+0000"),  # yaml-rs alone stops at a NUL
    ("- id: a\n  name: b\x01c\n", 2, "U+0001"),
])
def test_a_control_character_is_an_error_at_its_line(tmp_path, text, line, code):
    with pytest.raises(YamlError) as raised:
        load_yaml(write(tmp_path, text))
    assert raised.value.line == line
    assert str(raised.value) == (f"invalid YAML: control character {code} in the text: "
                                 "expected printable characters only")


def test_nesting_too_deep_is_an_error_not_a_crash(tmp_path):
    with pytest.raises(YamlError) as raised:
        load_yaml(write(tmp_path, "[" * 100_000 + "]" * 100_000))
    assert str(raised.value).startswith("invalid YAML: YAML parse error at line 1")


def test_a_second_document_is_an_error(tmp_path):
    with pytest.raises(YamlError) as raised:
        load_yaml(write(tmp_path, "- id: a\n---\n- id: b\n"))
    assert raised.value.line == 2
    assert str(raised.value) == ("invalid YAML: a second document in the file: expected one "
                                 "document (remove the '---' or '...' line)")


def test_one_document_may_start_with_its_marker(tmp_path):
    assert load_yaml(write(tmp_path, "---\n- id: a\n...\n")) == [{"id": "a"}]


def test_a_build_reports_the_problems_of_its_second_reading(tmp_path, monkeypatch):
    # Problems are reported from a second reading, with lines; if the sources changed
    # between the two readings and the second finds nothing, the build still fails.
    from newsdb.store import build

    readings = []

    def read(sources_dir, problems, with_lines, *context):  # context: origins, registry
        readings.append(with_lines)
        if not with_lines:
            problems.add("sources/x.yml", None, "a", "quote", "first reading's problem")
        return {"events": []}

    monkeypatch.setattr(build, "_read_and_check", read)
    tables, problems = build.collect(tmp_path)
    assert tables is None and readings == [False, True]
    assert [p.message for p in problems.items] == [
        "the sources changed while the build read them: run it again"]
