"""Does the package keep its floor plan? Read from the source with `ast`, every import counted:
module level and inside functions."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "webinar"
FEATURES = {"admin", "auth", "cohorts", "frontdoor", "lessons", "library", "live", "main", "plan",
            "team", "workbook"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports():
    """(importing module, imported module, names, line) for every import in the package."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        module = _module_name(path)
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[:len(package) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                names = [alias.name for alias in node.names]
                # "from webinar import db" or "from webinar.workbook import services" imports a
                # module: count it as that module.
                for name in names:
                    found.append((module, f"{target}.{name}", [name], node.lineno))
                found.append((module, target, names, node.lineno))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    found.append((module, alias.name, [], node.lineno))
    return [f for f in found if f[1].startswith("webinar")]


def _feature(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in FEATURES else None


def _is_module(dotted: str) -> bool:
    path = ROOT.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


IMPORTS = _imports()


def _feature_graph() -> dict[str, set[str]]:
    graph = defaultdict(set)
    for source, target, _names, _line in IMPORTS:
        a, b = _feature(source), _feature(target)
        if a and b and a != b and _is_module(target):
            graph[a].add(b)
    return graph


def test_the_feature_packages_import_each_other_without_a_cycle():
    graph = _feature_graph()
    cycles = []

    def walk(node, path):
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                cycles.append(path[path.index(nxt):] + [nxt])
            else:
                walk(nxt, path + [nxt])

    for start in sorted(graph):
        walk(start, [start])
    assert not cycles, f"import cycles between features: {cycles[:5]}"


def test_the_workbook_imports_no_other_feature():
    reaching_out = sorted({(s, t, line) for s, t, _n, line in IMPORTS
                           if _feature(s) == "workbook" and _feature(t) not in (None, "workbook")})
    assert not reaching_out, reaching_out


def test_no_private_name_is_imported_from_another_package():
    private = []
    for source, target, names, line in IMPORTS:
        source_package = source.split(".")[:2]
        if target.split(".")[:2] == source_package:
            continue
        private += [(source, line, target, n) for n in names
                    if n.startswith("_") and not n.startswith("__")]
    assert not private, private


def test_no_private_name_of_another_package_is_used_through_its_module():
    """`services._job` is as private as `from services import _job`."""
    used = []
    for path in sorted(ROOT.rglob("*.py")):
        module = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("webinar"):
                for alias in node.names:
                    dotted = f"{node.module}.{alias.name}"
                    if _is_module(dotted):
                        aliases[alias.asname or alias.name] = dotted
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in aliases and node.attr.startswith("_")
                    and not node.attr.startswith("__")
                    and aliases[node.value.id].split(".")[:2] != module.split(".")[:2]):
                used.append((module, node.lineno, f"{aliases[node.value.id]}.{node.attr}"))
    assert not used, used


def test_every_model_is_imported_through_webinar_models():
    around = [(s, line, t) for s, t, _n, line in IMPORTS
              if t.startswith("webinar.models.") and _is_module(t)
              and not s.startswith("webinar.models")]
    assert not around, around


@pytest.mark.parametrize("module", ["webinar.domain"])
def test_the_domain_core_needs_no_flask(module):
    flask_in_domain = []
    for path in sorted((ROOT / "domain").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n.split(".")[0] in ("flask", "flask_babel", "flask_login", "sqlalchemy")
                   or n.startswith("webinar.") and not n.startswith("webinar.domain")
                   for n in names):
                flask_in_domain.append((path.name, node.lineno, names))
    assert not flask_in_domain, flask_in_domain
