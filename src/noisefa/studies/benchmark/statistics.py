"""Table 1 / S5, Fig 3: accuracy at the best validation epoch, per dataset and depth."""

from __future__ import annotations

import pandas as pd

from noisefa.analysis.comparisons import compare, test_row
from noisefa.analysis.statistics import independent_t
from noisefa.collected import Collected
from noisefa.paper import delta_acc

MEASURE = "test accuracy at best validation epoch"
# Per-seed differences whose growth with depth the paper claims (Table S5, B.5)
TRENDS = {
    "ΔACC (fa_noise - fa)": ("fa_noise", "fa"),
    "BP - FA w/ gap (bp - fa_noise)": ("bp", "fa_noise"),
}


def depth_trends(runs: pd.DataFrame, dataset: str) -> list[dict]:
    """Deepest vs shallowest depth of each per-seed difference: Student t between the
    networks of the two depths (different networks, so independent)."""
    depths = sorted(runs["depth"].unique())
    if len(depths) < 2:
        return []
    rows = []
    for measure, (a, b) in TRENDS.items():
        per_depth = {}
        for depth in (depths[0], depths[-1]):
            wide = runs[runs["depth"] == depth].pivot_table(
                index="seed", columns="method", values="at_best_test_acc"
            )
            if {a, b} <= set(wide):
                per_depth[depth] = (wide[a] - wide[b]).dropna()
        if len(per_depth) == 2:
            rows.append(
                test_row(
                    "tableS5",
                    f"depth {depths[-1]} vs depth {depths[0]}",
                    measure,
                    independent_t(per_depth[depths[-1]], per_depth[depths[0]]),
                    "the gap widens with depth",
                    dataset=dataset,
                    unit="networks",
                )
            )
    return rows


def statistics(c: Collected) -> pd.DataFrame:
    rows = []
    for (dataset, depth), runs in c.runs.groupby(["dataset", "depth"]):
        paper = delta_acc(dataset, depth)
        note = f"paper dACC {paper[0]:.2f} +- {paper[1]:.2f} (n=3)" if paper else ""
        context = {"dataset": dataset, "depth": depth}
        for other, statement in (("fa", note), ("bp", "")):
            rows += compare(
                "table1",
                MEASURE,
                runs,
                "at_best_test_acc",
                "method",
                "fa_noise",
                other,
                statement,
                **context,
            )
    for dataset, runs in c.runs.groupby("dataset"):
        rows += depth_trends(runs, dataset)
    return pd.DataFrame(rows)
