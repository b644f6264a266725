"""The folder layout is the architecture: each stage of newsdb imports only the stages
before it, and no modules import each other in a circle (newsdb/__init__.py)."""
from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "newsdb"
# Lower first. The tools on top (cli, export, json_schemas, synthetic) may import any stage.
STAGES = ["korean", "curated", "facts", "store", "site", "draft"]
TOOLS = {"cli", "export", "json_schemas", "synthetic"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """The newsdb modules a file imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("newsdb")}
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.level:
                raise AssertionError(f"{path}: relative import; write newsdb.<stage>...")
            if node.module.startswith("newsdb"):
                found.add(node.module)
                # `from newsdb.facts import claims` imports the module newsdb.facts.claims
                found |= {f"{node.module}.{alias.name}" for alias in node.names
                          if (PACKAGE.parent / f"{node.module}.{alias.name}".replace(
                              ".", "/")).with_suffix(".py").is_file()}
    return found


def graph() -> dict[str, set[str]]:
    return _graph(PACKAGE)


@lru_cache(maxsize=None)
def _graph(package: Path) -> dict[str, set[str]]:
    modules = {module_name(path): path for path in package.rglob("*.py")}
    return {name: {m for m in imported_modules(path) if m in modules and m != name}
            for name, path in modules.items()}


def stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "newsdb"


def rank(module: str) -> int:
    name = stage(module)
    if name in STAGES:
        return STAGES.index(name)
    return len(STAGES)  # the tools and the package itself


def test_every_module_belongs_to_a_stage_or_is_a_tool():
    for module in graph():
        assert stage(module) in STAGES or stage(module) in TOOLS or module == "newsdb", module


@pytest.mark.parametrize("module", sorted(graph()))
def test_no_module_imports_a_later_stage(module):
    upward = [target for target in graph()[module] if rank(target) > rank(module)]
    assert upward == [], f"{module} imports a later stage: {upward}"


def test_the_stages_import_nothing_in_a_circle():
    edges = graph()
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            raise AssertionError("import circle: " + " -> ".join(path[path.index(module):]
                                                                 + [module]))
        if module in done:
            return
        for target in sorted(edges[module]):
            visit(target, path + [module])
        done.add(module)

    for module in sorted(edges):
        visit(module, [])


def test_the_checker_sees_an_upward_import(tmp_path, monkeypatch):
    fake = tmp_path / "newsdb"
    (fake / "korean").mkdir(parents=True)
    (fake / "site").mkdir()
    (fake / "site" / "plugin.py").write_text("")
    (fake / "korean" / "numbers.py").write_text("from newsdb.site.plugin import x\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", fake)
    assert graph()["newsdb.korean.numbers"] == {"newsdb.site.plugin"}
    assert rank("newsdb.site.plugin") > rank("newsdb.korean.numbers")
