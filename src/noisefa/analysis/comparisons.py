"""Building blocks of the studies' statistics: a tidy test row, and a two-group comparison
(Student's t beside the paired t on networks that share an initialisation)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .statistics import independent_t, paired_t


def test_row(
    figure: str, comparison: str, measure: str, result: dict, paper: str = "", **extra
) -> dict:
    """One tidy row: what was compared, the test's numbers, and the paper's statement."""
    return {
        "figure": figure,
        "comparison": comparison,
        "measure": measure,
        **extra,
        **result,
        "paper": paper,
    }


def compare(
    figure: str,
    measure: str,
    frame: pd.DataFrame,
    column: str,
    group: str,
    a,
    b,
    paper: str = "",
    pair: str = "seed",
    **context,
) -> list[dict]:
    """Student's t-test of `column` between the rows of group a and group b, then the
    paired t-test on rows matched by `pair` (networks sharing an initialisation)."""
    if not {a, b} <= set(frame[group]):
        return []
    values_a, values_b = frame[frame[group] == a][column], frame[frame[group] == b][column]
    wide = frame.pivot_table(index=pair, columns=group, values=column)[[a, b]].dropna()
    context = {"group_a": a, "group_b": b, "unit": "networks", **context}
    comparison = f"{a} vs {b}"
    student, paired = independent_t(values_a, values_b), paired_t(wide[a], wide[b])
    student["p_paired"] = paired.get("p", np.nan)  # beside the paper's test, on its row
    return [
        test_row(figure, comparison, measure, student, paper, **context),
        test_row(figure, comparison, measure, paired, "", **context),
    ]
