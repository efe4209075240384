"""Fig 1f: alignment after noise training across noise std and distribution."""

from __future__ import annotations

import matplotlib.pyplot as plt

from noisefa.figures.style import FigureInputs, layer_name, stars, stats_p

STYLE = {"gaussian": ("#2a6fb0", "o"), "uniform": ("#59a14f", "s")}


def _name(last) -> str:
    layer = int(last["layer"].iloc[0])
    return layer_name(layer, layer + 1)  # the last layer is the highest index


def fig1f(inputs: FigureInputs):
    table = inputs.collected.evaluation
    last = table[table["layer"] == table["layer"].max()]
    fig, ax = plt.subplots(figsize=(5.6, 3.0))
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
        # NS marks beyond the error bar, above for the first curve and below for the
        # second: the curves nearly coincide, so marks at the points would collide
        side = 1 if k == 0 else -1
        for std in stats.index:
            mark = stars(p.get(f"{dist} std {std:g}: untrained vs noise-trained", float("nan")))
            if mark == "NS":
                sd = stats.loc[std, "std"] if stats.loc[std, "std"] == stats.loc[std, "std"] else 0
                ax.annotate(
                    "NS",
                    (std + offset, stats.loc[std, "mean"] + side * sd),
                    textcoords="offset points",
                    xytext=(0, 3 * side),
                    ha="center",
                    va="bottom" if side > 0 else "top",
                    fontsize=6,
                    color=colour,
                )
    ax.set(
        xlabel="Noise standard deviation",
        ylabel=f"Angle after noise training,\n{_name(last)} (deg)",
        title=f"n = {last['seed'].nunique()} trials per condition (mean +- sd)",
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))  # beside the data, never on it
    return fig
