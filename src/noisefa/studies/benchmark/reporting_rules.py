"""Table S5 under three reporting rules: which number of a run the paper's cells may hold.

The paper reports "final accuracy after convergence" (early stopping on validation
accuracy, patience 10) without naming the split or the epoch; ours is the test accuracy
at the best validation epoch. If an offset of our cells from the paper's vanished under
another rule, the choice of rule would explain it (docs/methods.md, "Where the record
differs from the paper").
"""

from __future__ import annotations

import pandas as pd

from noisefa.paper import table_s5

RULES = {  # rule -> column of a collected runs table
    "test acc. at the best validation epoch (ours)": "at_best_test_acc",
    "best validation acc.": "at_best_val_acc",
    "test acc. at the last epoch": "final_test_acc",
}
CELL = ["dataset", "method", "depth"]


def rule_gaps(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per Table S5 cell and rule: our mean, the paper's, and ours - paper (pp)."""
    rows = []
    for (dataset, method, depth), cell in runs.groupby(CELL):
        paper = table_s5(dataset, method, int(depth))
        if paper is None:
            continue
        for rule, column in RULES.items():
            ours = 100 * cell[column].mean()
            rows.append(
                {
                    "dataset": dataset,
                    "method": method,
                    "depth": int(depth),
                    "rule": rule,
                    "ours": ours,
                    "paper": paper[0],
                    "gap": ours - paper[0],
                }
            )
    return pd.DataFrame(rows, columns=[*CELL, "rule", "ours", "paper", "gap"])


def gap_summary(gaps: pd.DataFrame) -> pd.DataFrame:
    """Per dataset and rule: mean, smallest and largest gap over its cells, in pp."""
    summary = gaps.groupby(["dataset", "rule"], sort=False)["gap"].agg(
        cells="size", mean_gap="mean", min_gap="min", max_gap="max"
    )
    return summary.round(2).reset_index()
