"""Turn pydantic's validation errors into Problems a curator can act on."""
from __future__ import annotations

import difflib

from pydantic import BaseModel, ValidationError

from newsdb.curated.models import ABOUT, DATE_OR_TIME
from newsdb.curated.problems import Problems
from newsdb.curated.yaml_source import Located, LocatedList

PATTERN_HINTS = {
    "^[a-z0-9]+(-[a-z0-9]+)*$": "a lowercase id of a-z, 0-9 and single hyphens",
    "^p[1-9][0-9]*-s[1-9][0-9]*$": "a sentence key such as p3-s2 (paragraph 3, sentence 2)",
    r"^\d{4}-\d{2}-\d{2}$": "a date written YYYY-MM-DD",
    r"^[+-](0\d|1[0-4]):[0-5]\d$": "a UTC offset such as +09:00",
    DATE_OR_TIME: "a date YYYY-MM-DD, or a time with its offset YYYY-MM-DDTHH:MM+09:00",
    ABOUT: "<table>/<id> of a fact: events/..., mous/..., statistics/..., "
           "event_participants/<event id>--<person or organization id> or people/...",
}

TYPE_NAMES = {
    "string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
    "int_from_float": "a whole number", "float_type": "a number",
    "float_parsing": "a number", "list_type": "a list", "dict_type": "a mapping",
    "model_type": "a mapping of fields", "bool_type": "true or false",
}
BOUNDS = {
    "greater_than_equal": ("of at least", "ge"),
    "less_than_equal": ("of at most", "le"),
    "greater_than": ("greater than", "gt"),
    "less_than": ("less than", "lt"),
}


def validate_record(model: type[BaseModel], raw, file, problems: Problems, what: str,
                    line: int | None = None):
    """Validate one YAML mapping; return the model, or None after recording problems.
    `line` locates a value that is not a mapping (a scalar knows no line of its own)."""
    if not isinstance(raw, dict):
        problems.add(file, getattr(raw, "line", line), None, None,
                     f"expected a mapping of fields for {what}, got {describe(raw)}")
        return None
    # A record is named by its id; a claim, which has none, by what it is about.
    names = [raw.get(key) for key in ("id", "about")]
    record_id = next((name for name in names if isinstance(name, str)), None)
    try:
        return model.model_validate(dict(raw))
    except ValidationError as error:
        for detail in error.errors():
            field, line = _locate(raw, detail["loc"])
            problems.add(file, line, record_id, field, _message(model, detail))
        return None


def describe(value) -> str:
    """A YAML value as a curator wrote it, for 'got ...' in a message."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _locate(raw: Located, loc: tuple) -> tuple[str | None, int | None]:
    """The dotted field name and the best line for a pydantic error location."""
    node, line, names = raw, getattr(raw, "line", None), []
    for part in loc:
        names.append(f"[{part}]" if isinstance(part, int) else str(part))
        if isinstance(node, Located) and part in node:
            line = node.line_of(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            if isinstance(node, LocatedList):
                line = node.line_of_item(part)
            node = node[part]
            line = getattr(node, "line", line)
    field = ".".join(names).replace(".[", "[") or None
    return field, line


def _message(model: type[BaseModel], detail: dict) -> str:
    kind = detail["type"]
    given = detail.get("input")
    context = detail.get("ctx") or {}
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        name = str(detail["loc"][-1])
        allowed = _allowed_fields(model, detail["loc"])
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown field{hint}; expected one of: {', '.join(allowed)}"
    if kind == "literal_error":
        return f"expected one of {context.get('expected')}, got {given!r}"
    if kind == "string_pattern_mismatch":
        hint = PATTERN_HINTS.get(context.get("pattern"), f"text matching {context.get('pattern')}")
        return f"expected {hint}, got {given!r}"
    if kind in TYPE_NAMES:
        return f"expected {TYPE_NAMES[kind]}, got {given!r}"
    if kind == "too_short":
        return f"expected at least {context.get('min_length')} item(s), got {given!r}"
    if kind in BOUNDS:
        phrase, key = BOUNDS[kind]
        return f"expected a number {phrase} {context.get(key)}, got {given!r}"
    if kind == "value_error":
        return str(context.get("error"))
    if kind == "string_too_short":
        return "expected non-empty text"
    if kind == "value_error":
        return f"{context.get('error')}, got {given!r}"
    return f"{detail['msg']}, got {given!r}"


def _allowed_fields(model: type[BaseModel], loc: tuple) -> list[str]:
    current = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        annotation = current.model_fields[part].annotation
        args = getattr(annotation, "__args__", ())
        nested = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        if nested:
            current = nested[0]
    return list(current.model_fields)
