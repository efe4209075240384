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


def paper_order(figure: str) -> tuple:
    """fig1d < fig2b < ... < fig6c < figS1 < figS2 < ... < figS19 < figures not in the paper."""
    match = re.fullmatch(r"fig(S?)(\d+)([a-z]*)", figure)
    if not match:
        return (2, 0, figure)
    supplementary, number, panel = match.groups()
    return (int(bool(supplementary)), int(number), panel)


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
