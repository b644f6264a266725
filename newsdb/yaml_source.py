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


# libyaml's parser is about ten times faster than the pure-Python one (parsing dominated
# the build at a thousand articles) and gives nodes the same line marks.
class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


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


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)


class YamlError(ValueError):
    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line


def load_yaml(path: Path):
    """Parse a YAML file; raise YamlError with a line number and a plain message."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise YamlError(None, f"file is not valid UTF-8 ({error.reason} at byte {error.start})")
    try:
        return yaml.load(text.removeprefix("\ufeff"), Loader=_LineLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = error.problem or error.context or "invalid YAML"
        raise YamlError(line, f"invalid YAML: {problem}")
    except yaml.YAMLError as error:
        raise YamlError(None, f"invalid YAML: {error}")
