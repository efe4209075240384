"""Each study's statistical tests: one module per study, `statistics(collected) -> DataFrame`."""

from __future__ import annotations

from importlib import import_module

import pandas as pd

from ...collected import Collected
from ..statistics import holm

STUDIES = ("noise_alignment", "fast_learning")


def study_statistics(study: str, collected: Collected) -> pd.DataFrame:
    if study not in STUDIES:
        raise ValueError(f"no statistics defined for study {study!r}; known: {', '.join(STUDIES)}")
    frame = import_module(f"{__name__}.{study}").statistics(collected)
    frame.insert(0, "study", study)
    return holm(frame)


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
