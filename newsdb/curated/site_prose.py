"""metadata.yml: the site's prose (titles, licence, sources, canned queries, dashboard) as
the curators write it. The build reads it here and stores it in the database, so the
database carries its own site wherever it is opened (newsdb/site/metadata.py)."""
from __future__ import annotations

from pathlib import Path

import yaml

from newsdb.curated.problems import Problems


def read_site_prose(path: Path, problems: Problems) -> dict | None:
    """The file's mapping, or None with a problem naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        problems.add(path, None, None, None, f"cannot read the site's metadata: "
                                             f"{error.strerror or error}")
        return None
    except UnicodeDecodeError as error:
        problems.add(path, None, None, None, f"file is not valid UTF-8 ({error.reason})")
        return None
    try:
        # PyYAML (YAML 1.1), as Datasette reads a metadata file itself.
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problems.add(path, mark.line + 1 if mark else None, None, None,
                     f"not valid YAML: {getattr(error, 'problem', None) or error}")
        return None
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.add(path, 1, None, None, "expected a mapping of Datasette metadata "
                                          f"(title, databases, ...), found {type(data).__name__}")
        return None
    return data
