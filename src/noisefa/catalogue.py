"""Every figure of the paper, in the paper's order, from the study registry.

Pure data (no torch, no matplotlib): the Snakefile reads it to know what to build. A
figure is declared by its study (`noisefa/studies/<study>/__init__.py`), drawn by the
function named like it in that study's `figures.py`, and captioned by
`workflow/report/figures/<id>.rst`.
"""

from __future__ import annotations

import re

from .studies import SECTIONS, STUDIES, FigureSpec

__all__ = ["EVALUATED", "FIGURES", "SECTIONS", "FigureSpec", "figures_of"]


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
