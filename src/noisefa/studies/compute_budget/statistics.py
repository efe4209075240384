"""Fig S11: noise epochs + data epochs to convergence against data-only training."""

from __future__ import annotations

import pandas as pd

from noisefa.analysis.comparisons import compare, test_row
from noisefa.collected import Collected


def with_budget(runs: pd.DataFrame) -> pd.DataFrame:
    """Adds noise_epochs and total_epochs = noise epochs + epochs to convergence (the best
    validation epoch; training itself stopped `patience` epochs later)."""
    runs = runs.assign(noise_epochs=runs["variant"].str.removeprefix("noise").astype(int))
    return runs.assign(total_epochs=runs["noise_epochs"] + runs["best_epoch"])


def statistics(c: Collected) -> pd.DataFrame:
    runs = with_budget(c.runs)
    fa = runs[runs["method"] != "bp"]
    rows = []
    for epochs in sorted(fa["noise_epochs"].unique()):
        if epochs == 0:
            continue
        pair = fa[fa["noise_epochs"].isin([0, epochs])].assign(
            group=lambda f: f["noise_epochs"].astype(str)
        )
        rows += compare(
            "figS11",
            "noise + data epochs to convergence",
            pair,
            "total_epochs",
            "group",
            str(epochs),
            "0",
            "shorter than data only in most durations",
            noise_epochs=epochs,
        )
        rows += compare(
            "figS11",
            "test accuracy at best validation epoch",
            pair,
            "at_best_test_acc",
            "group",
            str(epochs),
            "0",
            noise_epochs=epochs,
        )
    mean_total = fa.groupby("noise_epochs")["total_epochs"].mean()
    optimum = int(mean_total.idxmin())
    rows.append(
        test_row(
            "figS11",
            "optimal noise duration",
            "noise epochs minimising mean total epochs",
            {
                "test": "argmin",
                "n_a": int((fa["noise_epochs"] == optimum).sum()),
                "mean_a": float(mean_total.min()),
                "statistic": float(optimum),
            },
            "an optimum exists, where accuracy still improves",
            noise_epochs=optimum,
        )
    )
    return pd.DataFrame(rows)
