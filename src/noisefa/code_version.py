"""Which code made a result: the training code's files, hashed.

Snakemake reruns a job when its shell command, parameters or inputs change, but not when
the Python it calls changes. A results tree made partly by one version of the learning
rules and partly by another would mix two experiments without a word, so every result
records the hash of the code that trains networks and makes their data, and a tree
refuses to grow under other training code (noisefa.results_tree).

"Training code" is every module of this package that the entry points below import,
found by reading their import statements (no import, so no torch, at plan time).
Editing a figure, a statistic or a caption leaves it unchanged; editing a learning
rule, a data split or the seeding changes it.
"""

from __future__ import annotations

import ast
import hashlib
import subprocess
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# The jobs that make networks and the data they learn from (workflow/rules/{data,
# pretrain,train}.smk).
ENTRY_POINTS = (
    "cli/train.py",
    "cli/pretrain.py",
    "cli/stage.py",
    "cli/split.py",
    "cli/make_ood.py",
)


def _module_file(parts: list[str]) -> Path | None:
    """The file of module noisefa.<parts> (a package's __init__.py), if it exists."""
    base = PACKAGE.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _package_of(path: Path) -> list[str]:
    """The package a module file belongs to, as parts below noisefa."""
    parts = list(path.relative_to(PACKAGE).parts)
    return parts[:-1]


def _imported(path: Path) -> set[Path]:
    """The files of this package that `path` imports (anywhere in it, conditional or
    not: a superset is safe)."""
    found: set[Path] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        targets: list[list[str]] = []
        if isinstance(node, ast.Import):
            targets = [a.name.split(".")[1:] for a in node.names if a.name.startswith("noisefa")]
        elif isinstance(node, ast.ImportFrom):
            named = node.module.split(".") if node.module else []
            if node.level:  # relative: from the module's package, up level - 1
                package = _package_of(path)
                module = package[: len(package) - node.level + 1] + named
            elif named[:1] == ["noisefa"]:
                module = named[1:]
            else:
                continue
            # `from . import x` imports module x; `from .m import f` only m
            targets = [module] + [[*module, a.name] for a in node.names]
        for parts in targets:
            # every package on the way is imported too
            for depth in range(len(parts) + 1):
                if (file := _module_file(parts[:depth])) is not None:
                    found.add(file)
    return found


@cache
def training_files() -> tuple[Path, ...]:
    """The training code's files: the entry points and all they import, transitively."""
    todo = [PACKAGE / entry for entry in ENTRY_POINTS]
    seen: set[Path] = {PACKAGE / "__init__.py"}
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        todo += sorted(_imported(path) - seen)
    return tuple(sorted(seen))


def training_code() -> dict[str, str]:
    """{file relative to the package: sha256} for the training code."""
    return {
        str(p.relative_to(PACKAGE)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in training_files()
    }


def code_hash(files: dict[str, str]) -> str:
    """One hash for a {file: sha256} map."""
    lines = "".join(f"{name} {digest}\n" for name, digest in sorted(files.items()))
    return hashlib.sha256(lines.encode()).hexdigest()


def changed(recorded: dict[str, str], current: dict[str, str]) -> list[str]:
    """The files that differ, were added or were removed, each with how."""
    out = []
    for name in sorted(set(recorded) | set(current)):
        if name not in current:
            out.append(f"{name} (removed)")
        elif name not in recorded:
            out.append(f"{name} (added)")
        elif recorded[name] != current[name]:
            out.append(f"{name} (edited)")
    return out


def differences(recorded: dict, current: dict[str, str] | None = None) -> list[str]:
    """What differs between a recorded {"hash", "files"} and this checkout's training
    code (`current`, when the caller has it): the files, each with how (empty when they
    are the same)."""
    current = training_code() if current is None else current
    if recorded.get("hash") == code_hash(current):
        return []
    return changed(recorded.get("files", {}), current) or ["(the recorded hash differs)"]


def listed(edits: list[str], limit: int = 12) -> str:
    """The files, one per line, at most `limit` of them."""
    shown = edits[:limit] + ([f"... and {len(edits) - limit} more"] if len(edits) > limit else [])
    return "\n  - " + "\n  - ".join(shown)


def git_commit(folder: str | Path) -> str | None:
    """HEAD of the checkout holding `folder`, with '+changes' when tracked files differ
    from it; None outside a git checkout."""

    def git(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "HEAD")
    if not commit:
        return None
    return commit + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")
