"""`make bench` and `make reliability` prepare everything they need on a fresh clone (issue 17): both serve pages
with DEBUG=0 under gunicorn, which needs collected static files, and both collect them themselves."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def calls(path: Path, function: str) -> set[str]:
    """The names a module-level function calls."""
    tree = ast.parse(path.read_text())
    [node] = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function]
    return {
        call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
        for call in ast.walk(node)
        if isinstance(call, ast.Call)
    }


def test_both_runs_collect_static_files_in_their_preparation():
    assert "collect_static" in calls(ROOT / "bench" / "__main__.py", "seed")
    assert "collect_static" in calls(ROOT / "reliability" / "__main__.py", "prepare")


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to list the checkout's files")
def test_the_preparation_works_on_an_empty_checkout(tmp_path):
    """A copy of the tracked files only (no var/, no collected files), as a fresh clone has them."""
    checkout = tmp_path / "clone"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            target = checkout / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    static_root = tmp_path / "static"
    script = (
        "from bench.__main__ import collect_static, django_env; "
        f"collect_static(django_env(STATIC_ROOT={str(static_root)!r}, DATABASE_URL='sqlite:///unused.sqlite3'))"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "STATIC_"))}
    subprocess.run([sys.executable, "-c", script], cwd=checkout, env=env, check=True, timeout=600)
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    assert "admin/css/base.css" in manifest  # /admin/login/ links it: a 500 without it
    assert (static_root / manifest["admin/css/base.css"]).is_file()
