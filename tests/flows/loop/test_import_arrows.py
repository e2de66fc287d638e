"""The loop's modules form a tree: none imports a module that imports flows.loop back."""

from __future__ import annotations

import ast
from pathlib import Path

FLOWS = Path(__file__).resolve().parents[3] / "flows"


def _imports() -> dict[str, set[str]]:
    arrows: dict[str, set[str]] = {}
    for path in FLOWS.rglob("*.py"):
        parts = path.relative_to(FLOWS.parent).with_suffix("").parts
        name = ".".join(parts).removesuffix(".__init__")
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
        arrows[name] = {m for m in found if m == "flows" or m.startswith("flows.")}
    return arrows


def _reach(arrows: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in arrows.get(todo.pop(), set()) - seen:
            seen.add(target)
            todo.append(target)
    return seen


def test_no_module_the_loop_imports_imports_the_loop_back() -> None:
    arrows = _imports()
    loop = [name for name in arrows if name.startswith("flows.loop")]
    back = {
        (name, target)
        for name in loop
        for target in arrows[name]
        if not target.startswith("flows.loop")
        and any(m.startswith("flows.loop") for m in _reach(arrows, target) | {target})
    }

    assert loop and back == set()
