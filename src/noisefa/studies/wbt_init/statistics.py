"""Fig S10: FA started from W = B learns like BP."""

from __future__ import annotations

import pandas as pd

from noisefa.analysis.comparisons import compare
from noisefa.collected import Collected


def validation_auc(histories: pd.DataFrame) -> pd.DataFrame:
    """Mean validation accuracy over epochs 1..E per run (the learning speed on val)."""
    val = histories[(histories["split"] == "val") & (histories["epoch"] >= 1)]
    return val.groupby(["method", "seed"])["acc"].mean().rename("auc_val").reset_index()


def statistics(c: Collected) -> pd.DataFrame:
    auc = validation_auc(c.histories)
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
    return pd.DataFrame(rows)
