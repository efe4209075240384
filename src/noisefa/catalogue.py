"""Every figure of the paper, in the paper's order, from the study registry.

Pure data (no torch, no matplotlib): the Snakefile reads it to know what to build. A
figure is declared by its study (`noisefa/studies/<study>/__init__.py`), drawn by the
function named like it in that study's `figures.py`, and captioned by
`workflow/report/figures/<id>.rst`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .studies import SECTIONS, STUDIES, FigureSpec
from .studies.benchmark import TABLES as BENCHMARK_TABLES
from .studies.rules import VERDICT_TABLE, VERDICT_TITLE
from .studies.sensitivity import VERDICT_TABLE as SENSITIVITY_TABLE
from .studies.sensitivity import VERDICT_TITLE as SENSITIVITY_TITLE

__all__ = ["EVALUATED", "FIGURES", "SECTIONS", "TABLES", "FigureSpec", "TableSpec", "figures_of"]


def paper_order(name: str) -> tuple:
    """Sort key in the paper's order: Fig 1d < ... < Fig 6c < Table 1 < Fig S1 < ... <
    Fig S19 < Table S5 < figures and tables not in the paper."""
    match = re.fullmatch(r"(fig|table)(S?)(\d+)([a-z]*)", name)
    if not match:
        return (2, False, 0, name)
    kind, supplementary, number, panel = match.groups()
    return (int(bool(supplementary)), kind == "table", int(number), panel)


def claim_targets(label: str) -> list[str]:
    """Figure and table ids a claim's label names: 'Fig 4d / S12' -> fig4d, figS12;
    'Fig 4g,h' -> fig4g, fig4h; 'Table 1 / S5' -> table1, tableS5 ('B.5' names none)."""
    targets, kind = [], None
    for part in (p.strip() for p in label.split("/")):
        word = re.match(r"(Fig|Table)\s+", part)
        if word:
            kind, part = word.group(1).lower(), part[word.end() :]
        found = re.fullmatch(r"(S?\d+)([a-z](?:,[a-z])*)?", part)
        if kind and found:
            number, panels = found.groups()
            targets += [f"{kind}{number}{p}" for p in (panels or "").split(",")]
    return targets


FIGURES: dict[str, FigureSpec] = {
    f.id: f
    for f in sorted(
        (f for study in STUDIES.values() for f in study.figures), key=lambda f: paper_order(f.id)
    )
}

# Studies with a post-hoc evaluation (`studies/<study>/evaluation.py`, evaluation.csv).
EVALUATED = tuple(name for name, study in STUDIES.items() if study.evaluated)


def figures_of(study: str) -> list[str]:
    return list(STUDIES[study].figure_ids)


@dataclass(frozen=True)
class TableSpec:
    section: str  # a key of SECTIONS
    title: str
    source: str  # the results it is built from


# Every table the workflow writes (results/tables/<id>.csv|md|tex), by section
TABLES: dict[str, TableSpec] = {
    "table1": TableSpec("4.2", BENCHMARK_TABLES["table1"], "runs/benchmark/"),
    "tableS5": TableSpec("B", BENCHMARK_TABLES["tableS5"], "runs/benchmark/"),
    VERDICT_TABLE: TableSpec("X", VERDICT_TITLE, "stats/rules.csv"),
    SENSITIVITY_TABLE: TableSpec("X", SENSITIVITY_TITLE, "stats/sensitivity.csv"),
}
