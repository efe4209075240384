"""Fig 4e,f: generalisation error (test loss - train loss) with and without noise pretraining."""

from __future__ import annotations

import matplotlib.pyplot as plt

from .style import METHOD_COLORS, FigureInputs, grouped_bars, mean_sd_band, method_label, stats_p

METHODS = ["fa", "fa_noise"]


def _with_sizes(frame):
    return frame.assign(train_size=frame["variant"].str.removeprefix("train").astype(int))


def fig4e(inputs: FigureInputs):
    hist = _with_sizes(inputs.collected.histories)
    depth, size = int(hist["depth"].min()), int(hist["train_size"].max())
    mine = hist[(hist["depth"] == depth) & (hist["train_size"] == size)]
    wide = mine.pivot_table(
        index=["method", "seed", "epoch"], columns="split", values="loss"
    ).reset_index()
    wide["gap"] = wide["test"] - wide["train"]
    fig, ax = plt.subplots(figsize=(4.2, 3.0))
    for m in METHODS:
        mean_sd_band(
            ax, wide[wide["method"] == m], "epoch", "gap", METHOD_COLORS[m], method_label(m)
        )
    ax.set(
        xlabel="Data training epoch",
        ylabel="Test loss - train loss",
        title=f"{size} training images, {depth} layers (n = {wide['seed'].nunique()} nets)",
    )
    ax.legend()
    return fig


def fig4f(inputs: FigureInputs):
    runs = _with_sizes(inputs.collected.runs)
    depth = int(runs["depth"].min())
    mine = runs[runs["depth"] == depth]
    sizes = sorted(mine["train_size"].unique())
    values = {
        (n, m): mine[(mine["train_size"] == n) & (mine["method"] == m)][
            "generalization_error"
        ].to_numpy()
        for n in sizes
        for m in METHODS
    }
    p = stats_p(inputs.stats, "fig4f", train_size=None)
    fig, ax = plt.subplots(figsize=(4.4, 3.0))
    grouped_bars(
        ax, sizes, METHODS, values, METHOD_COLORS, {m: method_label(m) for m in METHODS}, p
    )
    ax.set(
        xlabel="Training images",
        ylabel="Generalisation error at the end\n(test loss - train loss)",
        title=f"{depth}-layer MLP",
    )
    ax.legend(fontsize=7)
    return fig
