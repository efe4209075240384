"""Fig S10: FA started from W = B learns like BP."""

from __future__ import annotations

import pandas as pd

from noisefa.analysis.comparisons import compare
from noisefa.collected import Collected


def validation_auc(histories: pd.DataFrame) -> pd.DataFrame:
    """Mean validation accuracy over epochs 1..E per run (the learning speed on val)."""
    val = histories[(histories["split"] == "val") & (histories["epoch"] >= 1)]
    return val.groupby(["method", "seed"])["acc"].mean().rename("auc_val").reset_index()


def update_angles(histories: pd.DataFrame) -> pd.DataFrame:
    """Per run, the angle between its update of the hidden layer and BP's on the same
    probe batch, averaged over data epochs 1..E (0 for BP itself by construction)."""
    if "grad_angle_0" not in histories:
        return pd.DataFrame(columns=["method", "seed", "update_angle"])
    data = histories[histories["epoch"] >= 1].dropna(subset=["grad_angle_0"])
    # every split's row of an epoch repeats that epoch's one probe measurement
    per_epoch = data.groupby(["method", "seed", "epoch"])["grad_angle_0"].first()
    angle = per_epoch.groupby(["method", "seed"]).mean()
    return angle.rename("update_angle").reset_index()


def statistics(c: Collected) -> pd.DataFrame:
    auc = validation_auc(c.histories)
    updates = update_angles(c.histories)
    rows = []
    for a, b in (("fa_wbt", "bp"), ("fa_wbt", "fa"), ("fa_noise", "fa"), ("fa_wbt", "fa_noise")):
        paper = "comparable to BP" if (a, b) == ("fa_wbt", "bp") else ""
        rows += compare(
            "figS10", "AUC of validation accuracy", auc, "auc_val", "method", a, b, paper
        )
        rows += compare(
            "figS10",
            "end-of-training mean angle, last layer",
            c.runs,
            "angle_1_end",
            "method",
            a,
            b,
        )
        rows += compare(
            "figS10",
            "mean update angle to BP, hidden layer",
            updates,
            "update_angle",
            "method",
            a,
            b,
            "gradients similar to those observed in backpropagation" if b == "fa" else "",
        )
    return pd.DataFrame(rows)
