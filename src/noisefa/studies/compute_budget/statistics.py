"""Fig S11: noise epochs + data epochs to convergence against data-only training."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from noisefa.analysis.comparisons import compare, test_row
from noisefa.collected import Collected


def with_budget(runs: pd.DataFrame) -> pd.DataFrame:
    """Adds noise_epochs and total_epochs = noise epochs + epochs to convergence (the best
    validation epoch; training itself stopped `patience` epochs later)."""
    runs = runs.assign(noise_epochs=runs["variant"].str.removeprefix("noise").astype(int))
    return runs.assign(total_epochs=runs["noise_epochs"] + runs["best_epoch"])


def trend(fa: pd.DataFrame) -> list[dict]:
    """B.8: "longer periods of random noise training resulted in shorter subsequent data
    training". Page's L test (scipy) of a falling trend in data epochs to convergence
    over the noise durations, each network (seed) a block: the durations share the
    seed's W, B and data order. One-sided, as the ordered alternative is."""
    wide = fa.pivot_table(index="seed", columns="noise_epochs", values="best_epoch").dropna()
    durations = sorted(wide.columns)
    result = {"test": "Page's L trend", "n_a": len(wide), "n_b": len(wide)}
    if len(durations) >= 3 and len(wide) >= 2:
        # predicted ranks: longest noise -> fewest data epochs
        ranks = list(range(len(durations), 0, -1))
        page = stats.page_trend_test(wide[durations], predicted_ranks=ranks)
        result |= {"statistic": float(page.statistic), "p": float(page.pvalue)}
    longest, none = wide[durations[-1]], wide[durations[0]]
    rho = stats.spearmanr(fa["noise_epochs"], fa["best_epoch"]).statistic
    result |= {
        "mean_a": float(longest.mean()),
        "sd_a": float(longest.std()),
        "mean_b": float(none.mean()),
        "sd_b": float(none.std()),
        "diff": float(longest.mean() - none.mean()),
        "effect_size": float(rho) if np.isfinite(rho) else np.nan,
        "effect_measure": "Spearman rho (noise epochs, data epochs)",
    }
    comparison = f"trend over {', '.join(str(int(d)) for d in durations)} noise epochs"
    return [
        test_row(
            "figS11",
            comparison,
            "data epochs to convergence",
            result,
            "longer noise training, shorter data training",
            group_a=str(int(durations[-1])),
            group_b=str(int(durations[0])),
            unit="networks",
        )
    ]


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
            "data epochs to convergence",
            pair,
            "best_epoch",
            "group",
            str(epochs),
            "0",
            "consistently much shorter in networks pretrained with noise",
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
    rows += trend(fa)
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
