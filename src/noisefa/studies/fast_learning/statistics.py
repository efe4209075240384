"""Fig 2b,c: after noise pretraining, FA learns faster and keeps its alignment advantage."""

from __future__ import annotations

import numpy as np
import pandas as pd

from noisefa.analysis.comparisons import compare, test_row
from noisefa.analysis.statistics import independent_t, one_sample_t
from noisefa.collected import Collected

PAIRS = (("fa_noise", "fa"), ("fa_noise", "bp"), ("fa", "bp"))
PAPER_AUC = {
    ("fa_noise", "fa"): "n_net=10, t-test, P<0.001",
    ("fa_noise", "bp"): "n_net=10, t-test, P<0.001 ('comparable')",
}


def method_comparisons(
    runs: pd.DataFrame, figure: str, column: str, measure: str, paper: dict | None = None, **context
) -> list[dict]:
    rows = []
    for a, b in PAIRS:
        rows += compare(
            figure, measure, runs, column, "method", a, b, (paper or {}).get((a, b), ""), **context
        )
    return rows


def last_layer_neuron_test(angles: pd.DataFrame, depth: int, figure: str, paper: str) -> list[dict]:
    """End-of-training per-neuron angles of one network (lowest seed), fa_noise vs fa."""
    last = angles[(angles["depth"] == depth) & (angles["layer"] == depth - 1)]
    first = int(last["seed"].min())
    mine = last[last["seed"] == first]
    if not {"fa", "fa_noise"} <= set(mine["method"]):
        return []
    result = independent_t(
        mine[mine["method"] == "fa_noise"]["angle"], mine[mine["method"] == "fa"]["angle"]
    )
    return [
        test_row(
            figure,
            "fa_noise vs fa",
            f"end-of-training per-neuron angle, layer {depth - 1}",
            result,
            paper,
            group_a="fa_noise",
            group_b="fa",
            unit=f"neurons of network seed {first}",
            depth=depth,
        )
    ]


def gap_closed(runs: pd.DataFrame, figure: str, column: str, measure: str, **context) -> list[dict]:
    """Does FA after noise close at least half of the FA-BP gap? Per seed (the three
    methods share an initialisation) the contrast fa_noise - (fa + bp) / 2 is > 0 exactly
    when more than half is closed; one-sample t of the contrasts against 0."""
    wide = runs.pivot_table(index="seed", columns="method", values=column)
    if not {"bp", "fa", "fa_noise"} <= set(wide):
        return []
    wide = wide[["bp", "fa", "fa_noise"]].dropna()
    contrast = wide["fa_noise"] - (wide["fa"] + wide["bp"]) / 2
    gap = wide["bp"].mean() - wide["fa"].mean()
    fraction = (wide["fa_noise"].mean() - wide["fa"].mean()) / gap if gap else np.nan
    return [
        test_row(
            figure,
            "fa_noise vs midpoint of fa and bp",
            measure,
            one_sample_t(contrast, 0.0),
            "'comparable to that of the network trained with backpropagation'",
            unit="networks",
            fraction_of_gap_closed=fraction,
            **context,
        )
    ]


def mean_losses(histories: pd.DataFrame) -> pd.DataFrame:
    """Per run, the loss averaged over data epochs 1..E on the training and the test set
    (Fig S3a,c: the area under each loss curve, as the AUC of accuracy for Fig 2b)."""
    data = histories[(histories["epoch"] >= 1) & histories["split"].isin(["train", "test"])]
    wide = data.pivot_table(
        index=["depth", "method", "seed"], columns="split", values="loss", aggfunc="mean"
    )
    return wide.rename(columns=lambda s: f"mean_{s}_loss").reset_index()


LOSSES = (("mean_train_loss", "mean training loss"), ("mean_test_loss", "mean test loss"))


def loss_comparisons(losses: pd.DataFrame, depth: int) -> list[dict]:
    """Fig S3: the same three contrasts on the loss curves, and how much of the FA-BP gap
    in loss noise pretraining closes."""
    rows = []
    for column, measure in LOSSES:
        if column in losses:
            rows += method_comparisons(losses, "figS3", column, measure, depth=depth)
            rows += gap_closed(losses, "figS3", column, measure, depth=depth)
    return rows


def statistics(c: Collected) -> pd.DataFrame:
    rows = []
    losses = mean_losses(c.histories)
    for depth, runs in c.runs.groupby("depth"):
        rows += loss_comparisons(losses[losses["depth"] == depth], depth)
        rows += method_comparisons(
            runs, "fig2b", "auc_test", "AUC of test accuracy", PAPER_AUC, depth=depth
        )
        rows += gap_closed(runs, "fig2b", "auc_test", "AUC of test accuracy", depth=depth)
        rows += method_comparisons(
            runs, "fig2b", "final_test_acc", "final test accuracy", depth=depth
        )
        rows += last_layer_neuron_test(c.angles, depth, "fig2c", "n=100, t-test, P<0.001")
        for layer in range(1, depth):  # every layer whose feedback is used (Fig S4 at depth 3)
            rows += compare(
                "fig2c",
                f"end-of-training mean angle, layer {layer}",
                runs,
                f"angle_{layer}_end",
                "method",
                "fa_noise",
                "fa",
                depth=depth,
            )
    return pd.DataFrame(rows)
