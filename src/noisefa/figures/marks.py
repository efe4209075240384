"""Which tests a figure's significance marks come from, so that every figure states the
test and n beside its marks (a footnote the plot job stamps from what the figure read)."""

from __future__ import annotations

import numpy as np
import pandas as pd

_USED: list[pd.DataFrame] = []

TEST_NAMES = {"independent t (Student)": "Student t"}


def reset() -> None:
    _USED.clear()


def record(rows: pd.DataFrame) -> None:
    """Remember the statistics rows a figure drew marks from."""
    if len(rows):
        _USED.append(rows)


def _n(row) -> str:
    unit = row["unit"] if isinstance(row.get("unit"), str) else ""
    n_b = row.get("n_b")
    paired_or_one = "paired" in row["test"] or "one-sample" in row["test"]
    if paired_or_one or n_b is None or not np.isfinite(n_b):
        text = f"n = {int(row['n_a'])}"
    else:
        text = f"n = {int(row['n_a'])} + {int(n_b)}"
    return f"{text} {unit}".strip()


def footnote() -> str:
    """'Marks: Student t (two-sided), n = 3 + 3 networks; paired t, n = 3 networks. ***
    P < 0.001, ** < 0.01, * < 0.05, NS >= 0.05' for the tests this figure used ('' if none)."""
    if not _USED:
        return ""
    rows = pd.concat(_USED, ignore_index=True)
    seen = dict.fromkeys(
        f"{TEST_NAMES.get(r['test'], r['test'])}, {_n(r)}" for _, r in rows.iterrows()
    )
    tests = "; ".join(list(seen)[:4]) + ("; ..." if len(seen) > 4 else "")
    return f"Marks: {tests} (two-sided). *** P < 0.001, ** < 0.01, * < 0.05, NS >= 0.05"
