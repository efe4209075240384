"""Fig 2b,c: after noise pretraining, FA learns faster and keeps its alignment advantage."""

from __future__ import annotations

import pandas as pd

from ...collected import Collected
from ..statistics import independent_t, paired_t
from . import test_row

PAIRS = (("fa_noise", "fa"), ("fa_noise", "bp"), ("fa", "bp"))
PAPER_AUC = {
    ("fa_noise", "fa"): "n_net=10, t-test, P<0.001",
    ("fa_noise", "bp"): "n_net=10, t-test, P<0.001 ('comparable')",
}


def paired_by_seed(runs: pd.DataFrame, a: str, b: str, column: str) -> tuple[pd.Series, pd.Series]:
    wide = runs.pivot_table(index="seed", columns="method", values=column)
    both = wide[[a, b]].dropna()
    return both[a], both[b]


def method_comparisons(
    runs: pd.DataFrame,
    figure: str,
    column: str,
    measure: str,
    depth: int,
    paper: dict | None = None,
) -> list[dict]:
    rows = []
    for a, b in PAIRS:
        if not {a, b} <= set(runs["method"]):
            continue
        xa, xb = runs[runs["method"] == a][column], runs[runs["method"] == b][column]
        note = (paper or {}).get((a, b), "")
        ctx = {"group_a": a, "group_b": b, "depth": depth, "unit": "networks"}
        rows.append(test_row(figure, f"{a} vs {b}", measure, independent_t(xa, xb), note, **ctx))
        rows.append(
            test_row(
                figure,
                f"{a} vs {b}",
                measure,
                paired_t(*paired_by_seed(runs, a, b, column)),
                "",
                **ctx,
            )
        )
    return rows


def statistics(c: Collected) -> pd.DataFrame:
    rows = []
    for depth, runs in c.runs.groupby("depth"):
        rows += method_comparisons(
            runs, "fig2b", "auc_test", "AUC of test accuracy", depth, PAPER_AUC
        )
        rows += method_comparisons(runs, "fig2b", "final_test_acc", "final test accuracy", depth)
        last = depth - 1
        angles = c.angles[(c.angles["depth"] == depth) & (c.angles["layer"] == last)]
        first = int(angles["seed"].min())
        per_neuron = angles[angles["seed"] == first]
        if {"fa", "fa_noise"} <= set(per_neuron["method"]):
            rows.append(
                test_row(
                    "fig2c",
                    "fa_noise vs fa",
                    "end-of-training per-neuron angle, last layer",
                    independent_t(
                        per_neuron[per_neuron["method"] == "fa_noise"]["angle"],
                        per_neuron[per_neuron["method"] == "fa"]["angle"],
                    ),
                    "n=100, t-test, P<0.001",
                    group_a="fa_noise",
                    group_b="fa",
                    depth=depth,
                    unit=f"neurons of network seed {first}",
                )
            )
            rows.append(
                test_row(
                    "fig2c",
                    "fa_noise vs fa",
                    "end-of-training mean angle, last layer",
                    paired_t(*paired_by_seed(runs, "fa_noise", "fa", f"angle_{last}_end")),
                    "",
                    group_a="fa_noise",
                    group_b="fa",
                    depth=depth,
                    unit="networks",
                )
            )
    return pd.DataFrame(rows)
