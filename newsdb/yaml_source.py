"""Load curated YAML keeping the line number of every record and field.

Errors must point curators at a line, so mappings are loaded as `Located` dicts that
remember where each key was written.
"""
from __future__ import annotations

from pathlib import Path

import yaml


class Located(dict):
    """A mapping from YAML that knows its own line and the line of each key."""

    line: int | None = None
    key_lines: dict

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    pass


# libyaml's parser is about six times faster than the pure-Python one (parsing dominated
# the build at a thousand articles) and gives nodes the same line marks. Its error
# messages differ, so a file it rejects is parsed again by _LineLoader for the message.
class _FastLineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


class LocatedList(list):
    """A YAML sequence that knows its line and the line of each item, so that an item
    which is not a mapping (and so has no line of its own) can still be pointed at."""

    line: int | None = None
    item_lines: list

    def line_of_item(self, index: int) -> int | None:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


def _construct_sequence(loader, node, deep=False):
    items = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    items.line = node.start_mark.line + 1
    items.item_lines = [child.start_mark.line + 1 for child in node.value]
    return items


def _construct_mapping(loader, node, deep=False):
    loader.flatten_mapping(node)
    mapping = Located()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}'", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_timestamp_as_text(loader, node):
    # Dates stay strings: the build parses and checks them itself, so that a curator's
    # '2014-12-32' is reported like any other bad value rather than as a YAML error.
    return loader.construct_scalar(node)


for _loader in (_LineLoader, _FastLineLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
                            _construct_sequence)
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)


class YamlError(ValueError):
    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line


def utf8_error_line(raw: bytes, error: UnicodeDecodeError) -> int:
    return raw[:error.start].count(b"\n") + 1


def utf8_error_message(error: UnicodeDecodeError) -> str:
    return (f"file is not valid UTF-8 ({error.reason}): expected UTF-8 text; re-save the "
            "file as UTF-8")


def load_yaml(path: Path):
    """Parse a YAML file; raise YamlError with a line number and a plain message."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise YamlError(utf8_error_line(raw, error), utf8_error_message(error)) from None
    text = text.removeprefix("\ufeff")
    try:
        return yaml.load(text, Loader=_FastLineLoader)
    except yaml.YAMLError:
        pass
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = error.problem or error.context or "invalid YAML"
        raise YamlError(line, f"invalid YAML: {problem}")
    except yaml.YAMLError as error:
        raise YamlError(None, f"invalid YAML: {error}")
