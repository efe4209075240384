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


CONTEXT = ("dataset", "depth", "train_size", "variant", "std", "noise_epochs")


def contradictions(rows: pd.DataFrame) -> list[str]:
    """The marks of this figure that are significant in the direction opposite to one of
    the paper's claims (judged as the claims table judges them)."""
    from ..analysis.claims import CONTRADICTED, PRIMARY, judge, matches
    from ..paper import paper_claims

    spec, found = paper_claims(), []
    for claim in spec["claims"]:
        check = claim["check"]
        if check["kind"] != "test" or "figure" not in check.get("where", {}):
            continue
        selected = rows[rows["test"] == check.get("test", PRIMARY)]
        for column, condition in check["where"].items():
            selected = selected[matches(selected[column], condition)] if column in selected else []
        for _, row in pd.DataFrame(selected).iterrows():
            if (
                judge(row, check["expect"], spec["alpha"], check.get("margin")).verdict
                == CONTRADICTED
            ):
                where = ", ".join(
                    f"{c} {row[c]:g}" if isinstance(row[c], float) else f"{c} {row[c]}"
                    for c in CONTEXT
                    if c in row and pd.notna(row[c])
                )
                found.append(f"{row['comparison']}" + (f" ({where})" if where else ""))
    return list(dict.fromkeys(found))


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
    note = f"Marks: {tests} (two-sided). *** P < 0.001, ** < 0.01, * < 0.05, NS >= 0.05"
    if opposite := contradictions(rows):
        shown = "; ".join(opposite[:3]) + ("; ..." if len(opposite) > 3 else "")
        note += f"\nSignificant in the direction opposite to the paper's claim: {shown}"
    return note
