"""Fig 1f: alignment after noise training across noise std and distribution."""

from __future__ import annotations

import matplotlib.pyplot as plt

from noisefa.figures.style import FigureInputs, stars, stats_p

STYLE = {"gaussian": ("#2a6fb0", "o"), "uniform": ("#59a14f", "s")}


def fig1f(inputs: FigureInputs):
    table = inputs.collected.evaluation
    last = table[table["layer"] == table["layer"].max()]
    fig, ax = plt.subplots(figsize=(4.4, 3.0))
    start = last["angle_start"]
    ax.axhspan(
        start.mean() - start.std(),
        start.mean() + start.std(),
        color="#dddddd",
        lw=0,
        label="untrained (mean +- sd)",
    )
    span = float(last["std"].max() - last["std"].min()) or 1.0
    for k, (dist, group) in enumerate(last.groupby("distribution")):
        colour, marker = STYLE.get(dist, ("black", "^"))
        stats = group.groupby("std")["angle_end"].agg(["mean", "std"])
        offset = (k - 0.5) * 0.012 * span  # the two curves nearly coincide: keep both visible
        ax.errorbar(
            stats.index + offset,
            stats["mean"],
            stats["std"],
            color=colour,
            marker=marker,
            ms=3.5,
            lw=1.2,
            capsize=2,
            label=f"{dist} noise",
        )
        p = stats_p(inputs.stats, "fig1f", "paired t", comparison=None)
        for std in stats.index:
            mark = stars(p.get(f"{dist} std {std:g}: untrained vs noise-trained", float("nan")))
            if mark == "NS":
                ax.annotate(
                    "NS",
                    (std, stats.loc[std, "mean"]),
                    textcoords="offset points",
                    xytext=(0, 6),
                    ha="center",
                    fontsize=6,
                    color=colour,
                )
    ax.set(
        xlabel="Noise standard deviation",
        ylabel="Last-layer angle after noise training (deg)",
        title=f"n = {last['seed'].nunique()} trials per condition (mean +- sd)",
    )
    ax.legend(loc="lower left")
    return fig
