"""The import rule (docs/architecture.md): arrows point down, from what people and programs see to the domain to
the infrastructure, and no module imports one that imports it back. Imports are read with `ast` at every depth,
inside functions too, since a deferred import is still a dependency."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("config", "lib", "catalog", "providers", "benchmarks", "integrations")
APPS = ("catalog", "providers", "benchmarks", "integrations")
# What people and programs see: may read any app's domain. Everything else in an app is its domain (integrations'
# services too: webhooks, exports, badges, outbound; its MCP server, views and API are presentation).
PRESENTATION_PARTS = {
    "pages",
    "api",
    "admin",
    "views",
    "feeds",
    "urls",
    "management",
    "templatetags",
    "tasks",
    "mcp_server",
}


def module_files() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


MODULES = module_files()


def imported(module: str, path: Path) -> Iterator[str]:
    """The project modules `module` imports, at any depth of its code."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            # `from pkg import name` imports the module pkg.name when there is one, else a name of pkg.
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in MODULES:  # `import a.b.c` names a module; an attribute path its module
                name = name.rpartition(".")[0]
            if name and name != module:
                yield name


GRAPH = {module: set(imported(module, path)) for module, path in MODULES.items()}


def edges(module_filter, target_filter) -> list[str]:
    return sorted(
        f"{module} -> {target}"
        for module, targets in GRAPH.items()
        if module_filter(module)
        for target in targets
        if target_filter(target)
    )


def app_of(module: str) -> str:
    return module.split(".")[0]


def is_presentation(module: str) -> bool:
    return app_of(module) in APPS and bool(PRESENTATION_PARTS & set(module.split(".")[1:]))


def is_sync(module: str) -> bool:
    return module.startswith("providers.sync")


# Wiring, neither domain nor presentation: the receivers that hand committed change events to the Celery tasks.
WIRING = {"integrations.signals"}


def is_domain(module: str) -> bool:
    return app_of(module) in APPS and not is_presentation(module) and not is_sync(module) and module not in WIRING


def test_it_finds_the_projects_modules():
    assert {"lib.caching", "catalog.models", "providers.sync.upsert", "benchmarks.selectors"} <= set(GRAPH)
    assert "providers.invalidation" in GRAPH["providers.apps"]
    assert "providers.sync.run" in GRAPH["providers.tasks"]  # an import inside a function counts


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: every group of modules that import each other, directly or not."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
    return groups


def test_it_sees_a_cycle():
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_imports_one_that_imports_it_back():
    assert strongly_connected(GRAPH) == []


def test_infrastructure_imports_no_app():
    assert edges(lambda m: app_of(m) == "lib", lambda t: app_of(t) != "lib") == []


def test_domain_code_imports_no_pages_api_or_admin():
    assert edges(is_domain, is_presentation) == []


def test_no_domain_code_imports_the_integrations():
    """integrations/ (exports, webhooks, MCP, badges) reads the apps' selectors; they hear of it only by signals."""
    outside = lambda m: app_of(m) != "integrations" and (is_domain(m) or is_sync(m))  # noqa: E731
    assert edges(outside, lambda t: app_of(t) == "integrations") == []


def test_it_knows_the_integrations_app():
    assert is_domain("integrations.webhooks")
    assert is_domain("integrations.exports")
    assert is_presentation("integrations.mcp_server")
    assert is_presentation("integrations.api.webhooks")
    assert is_presentation("integrations.views")
    assert is_presentation("integrations.tasks")


def test_the_catalog_domain_imports_no_other_app():
    assert (
        edges(lambda m: app_of(m) == "catalog" and is_domain(m), lambda t: app_of(t) in {"providers", "benchmarks"})
        == []
    )


def test_the_benchmarks_domain_imports_only_change_events_from_providers():
    found = edges(lambda m: app_of(m) == "benchmarks" and is_domain(m), lambda t: app_of(t) == "providers")
    allowed = []
    for edge in found:
        module = edge.split(" -> ")[0]
        names = {
            alias.name
            for node in ast.walk(ast.parse(MODULES[module].read_text()))
            if isinstance(node, ast.ImportFrom) and node.module == "providers.models"
            for alias in node.names
        }
        if edge.endswith("-> providers.models") and names <= {"ChangeEvent"}:
            allowed.append(edge)
    assert sorted(set(found) - set(allowed)) == []


@pytest.mark.parametrize(
    "importer",
    ["providers.tasks", "providers.management.commands.sync", "providers.admin", "config.admin"],
)
def test_the_sync_console_imports_the_sync(importer):
    """The entry points that may run a sync do import it (so the next test's allow-list is not stale)."""
    assert any(is_sync(target) for target in GRAPH[importer])


def test_only_tasks_commands_and_the_admin_import_the_sync():
    entry_points = {"providers.tasks", "providers.management.commands.sync", "providers.admin", "config.admin"}
    assert edges(lambda m: not is_sync(m) and m not in entry_points, is_sync) == []
