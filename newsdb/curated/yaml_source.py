"""Load curated YAML (1.2), and the line number of every record and field when asked.

Sources are read as YAML 1.2 (core schema) by yaml-rs, the one reader of values: `on`,
`no` and `012` are what YAML 1.2 says (text, text, 12), and dates stay text for the
build to parse and check. Line numbers are only needed to report a problem, and keeping
them costs six times the parse (it was two thirds of a build), so a clean build reads
values alone and a build with problems reads the sources again `with_lines`: the same
values, wrapped as `Located` dicts that remember where each key was written (the
positions come from PyYAML composing the same text).
"""
from __future__ import annotations

import re
from collections.abc import Hashable
from pathlib import Path

import yaml
import yaml_rs


class Located(dict):
    """A mapping from YAML that knows its own line and the line of each key."""

    line: int | None = None
    key_lines: dict

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key, self.line)


def line_of(value, key: str | None = None) -> int | None:
    """The line of a mapping (or of one of its keys) read `with_lines`; None otherwise."""
    if not isinstance(value, Located):
        return None
    return value.line if key is None else value.line_of(key)


class _LineLoader(yaml.SafeLoader):
    pass


# libyaml composes the nodes whose marks give the lines, six times faster than the
# pure-Python composer. Its error messages differ from the pure-Python ones, which the
# error reports keep.
class _FastComposer(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


class LocatedList(list):
    """A YAML sequence that knows its line and the line of each item, so that an item
    which is not a mapping (and so has no line of its own) can still be pointed at."""

    line: int | None = None
    item_lines: list

    def line_of_item(self, index: int) -> int | None:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


def _construct_mapping(loader, node, deep=False):
    # PyYAML lets a repeated key overwrite the first silently; a curator's copy-paste
    # slip must be an error (yaml-rs agrees), reported at the repeated key's line.
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            continue  # construct_mapping reports it: "found unhashable key"
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}'", key_node.start_mark
            )
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class YamlError(ValueError):
    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line


def utf8_error_line(raw: bytes, error: UnicodeDecodeError) -> int:
    return raw[:error.start].count(b"\n") + 1


def utf8_error_message(error: UnicodeDecodeError) -> str:
    return (f"file is not valid UTF-8 ({error.reason}): expected UTF-8 text; re-save the "
            "file as UTF-8")


def load_yaml(path: Path, with_lines: bool = False):
    """Parse a YAML file; raise YamlError with a line number and a plain message."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise YamlError(utf8_error_line(raw, error), utf8_error_message(error)) from None
    text = text.removeprefix("\ufeff")
    unprintable = _NOT_PRINTABLE.search(text)
    if unprintable:
        raise _unprintable_error(text, unprintable)
    if _DOCUMENT_MARKER.search(text):
        _reject_second_document(text)
    try:
        data = yaml_rs.loads(text, parse_datetime=False)
    except yaml_rs.YAMLDecodeError as error:
        raise _syntax_error(text, error) from None
    return _with_lines(data, _compose(text)) if with_lines else data


def _compose(text: str):
    try:
        return yaml.compose(text, Loader=_FastComposer)
    except yaml.YAMLError:
        return None  # valid YAML 1.2 that PyYAML cannot read: no line numbers


def _with_lines(value, node):
    """`value` (as yaml-rs read it) wrapped as Located/LocatedList, with the line marks of
    the node PyYAML composed from the same text. Both keep the file's order, so the n-th
    key or item of one is the n-th of the other; where they ever differ, lines are None."""
    if isinstance(value, dict):
        pairs = node.value if isinstance(node, yaml.MappingNode) else []
        located = Located(value)
        located.line = node.start_mark.line + 1 if isinstance(node, yaml.MappingNode) else None
        if len(pairs) != len(value):
            pairs = [(None, None)] * len(value)
        located.key_lines = {key: key_node.start_mark.line + 1
                             for key, (key_node, _) in zip(value, pairs) if key_node}
        for (key, item), (_, item_node) in zip(value.items(), pairs):
            located[key] = _with_lines(item, item_node)
        return located
    if isinstance(value, list):
        nodes = node.value if isinstance(node, yaml.SequenceNode) else []
        if len(nodes) != len(value):
            nodes = [None] * len(value)
        located = LocatedList(_with_lines(item, child) for item, child in zip(value, nodes))
        located.line = node.start_mark.line + 1 if isinstance(node, yaml.SequenceNode) else None
        located.item_lines = [child.start_mark.line + 1 if child else None for child in nodes]
        return located
    return value


_YAML_RS_LINE = re.compile(r"\bline (\d+)")
# YAML's printable characters. yaml-rs stops reading at a NUL, silently dropping the rest
# of the file, and accepts other control characters; they are rejected before it reads.
_NOT_PRINTABLE = re.compile(
    "[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# yaml-rs reads a file of several documents as a list of them, which would pass for a
# list of records; a curated file is one document.
_DOCUMENT_MARKER = re.compile(r"^(?:---|\.\.\.)(?=[ \t\r\n]|$)", re.MULTILINE)


def _reject_second_document(text: str) -> None:
    try:
        yaml.compose(text, Loader=_FastComposer)
    except yaml.composer.ComposerError as error:
        mark = error.problem_mark
        raise YamlError(mark.line + 1 if mark else None,
                        "invalid YAML: a second document in the file: expected one "
                        "document (remove the '---' or '...' line)") from None
    except (yaml.YAMLError, RecursionError):
        pass  # any other error is yaml-rs's to report


def _unprintable_error(text: str, found: re.Match) -> YamlError:
    line = text.count("\n", 0, found.start()) + 1
    return YamlError(line, f"invalid YAML: control character U+{ord(found.group()):04X} in "
                           "the text: expected printable characters only")


def _syntax_error(text: str, error: Exception) -> YamlError:
    """The message for a file yaml-rs rejects: PyYAML's (line and problem, as curators
    have always seen them) when it rejects the file too, otherwise yaml-rs's own."""
    try:
        yaml.load(text, Loader=_LineLoader)
    except RecursionError:
        pass  # nesting deeper than PyYAML's pure-Python reader can follow: yaml-rs's message
    except yaml.MarkedYAMLError as pyyaml_error:
        mark = pyyaml_error.problem_mark or pyyaml_error.context_mark
        line = mark.line + 1 if mark else None
        problem = pyyaml_error.problem or pyyaml_error.context or "invalid YAML"
        return YamlError(line, f"invalid YAML: {problem}")
    except yaml.YAMLError as pyyaml_error:
        return YamlError(None, f"invalid YAML: {pyyaml_error}")
    message = str(error).strip()
    found = _YAML_RS_LINE.search(message)
    first_line = message.splitlines()[0] if message else "invalid YAML"
    return YamlError(int(found.group(1)) if found else None, f"invalid YAML: {first_line}")
