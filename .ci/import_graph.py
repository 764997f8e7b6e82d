"""CI: the import graph of captioner/ and benchmarks/ has no circles and no import from a lower layer up.

Every import counts, inside functions and under TYPE_CHECKING too. Layers, lowest first: the shared
modules (captioner.clock, events, channels, errors, files, speaker_count, terminal); audio, subtitles and voices; the transcript
document (captioner.transcript); the engine; the settings' declarations and the app's settings (they read the engine's
defaults and model catalogue); the app layer's use cases (captioner.app, and the library of kept sessions, captioner.library); the GUI, the CLI and
the package's entry points; the benchmarks' core; the benchmarks' scripts (a module of benchmarks/ with a
top-level `main`, run as `python -m benchmarks.<name>`). A module may import its own layer or one below,
except that a benchmark script imports no other script: what two scripts share belongs in the core.
Prints what it finds; exit status 1 when there is a circle, an import up or a script importing a script.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("captioner", "benchmarks")


def modules(root: Path) -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (root / package).rglob("*.py"):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The modules of `known` that `name` imports."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - (node.level - 1)] + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                out.add(target)
    return out


def is_script(name: str, path: Path) -> bool:
    """A benchmark script: a module of benchmarks/ with a top-level `main` (an entry point, not core)."""
    if name.split(".")[0] != "benchmarks":
        return False
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(node, ast.FunctionDef) and node.name == "main" for node in tree.body)


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def layer(name: str, scripts: set[str] = frozenset()) -> float:
    parts = name.split(".")
    if parts[0] == "benchmarks":
        return 5.5 if name in scripts else 5
    if len(parts) == 1 or parts[1] in ("gui", "cli", "__main__"):
        return 4
    if parts[1] in ("app", "library"):
        return 3.75
    if parts[1] in ("config", "settings"):
        return 3.5
    if parts[1] == "engine":
        return 3
    if parts[1] == "transcript":
        return 2.5
    if parts[1] in ("audio", "subtitles", "voices"):
        return 2
    return 1


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT
    known = modules(root)
    graph = {name: imports(name, path, known) for name, path in known.items()}
    scripts = {name for name, path in known.items() if is_script(name, path)}
    loops = circles(graph)
    up = sorted((a, b) for a, targets in graph.items() for b in targets if layer(b, scripts) > layer(a, scripts))
    across = sorted((a, b) for a in scripts for b in graph[a] if b in scripts)
    print(f"{len(known)} modules, {sum(map(len, graph.values()))} imports")
    print(f"import circles: {len(loops)}")
    for loop in loops:
        print("  ", " <-> ".join(loop))
        for a in loop:
            for b in sorted(graph[a] & set(loop)):
                print("      ", a, "->", b)
    print(f"imports from a lower layer up: {len(up)}")
    for a, b in up:
        print("  ", a, "->", b)
    print(f"benchmark scripts ({len(scripts)}) importing another script: {len(across)}")
    for a, b in across:
        print("  ", a, "->", b)
    return 1 if loops or up or across else 0


if __name__ == "__main__":
    sys.exit(main())
