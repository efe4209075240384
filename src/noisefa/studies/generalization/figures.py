"""Fig 4e,f: generalisation error (test loss - train loss) with and without noise pretraining."""

from __future__ import annotations

import matplotlib.pyplot as plt

from noisefa.figures.style import (
    METHOD_COLORS,
    FigureInputs,
    accuracy_label,
    grouped_bars,
    method_bands,
    method_label,
    stats_p,
)

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
    method_bands(ax, wide, "gap", METHODS)
    ax.set(
        xlabel="Data training epoch",
        ylabel="Test loss - train loss (nats)",
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
        ylabel="Generalisation error at the end\n(test loss - train loss, nats)",
        title=f"{depth}-layer MLP",
    )
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))  # clear of the marks
    return fig


def _curve_grid(inputs: FigureInputs, by: str, rows: list[tuple[str, str]], ylabel_of: dict):
    """One column per training-set size (or depth), one row per (split, metric)."""
    hist = _with_sizes(inputs.collected.histories)
    runs = _with_sizes(inputs.collected.runs)
    if by == "train_size":
        hist = hist[hist["depth"] == runs["depth"].min()]
    else:
        hist = hist[hist["train_size"] == runs["train_size"].max()]
    columns = sorted(hist[by].unique())
    fig, axes = plt.subplots(
        len(rows),
        len(columns),
        figsize=(2.5 * len(columns) + 0.6, 2.1 * len(rows)),
        squeeze=False,
        sharex=True,
    )
    for j, value in enumerate(columns):
        mine = hist[hist[by] == value]
        for i, (split, metric) in enumerate(rows):
            ax = axes[i, j]
            if split == "gap":
                wide = mine.pivot_table(
                    index=["method", "seed", "epoch"], columns="split", values="loss"
                ).reset_index()
                method_bands(ax, wide.assign(gap=wide["test"] - wide["train"]), "gap", METHODS)
            else:
                method_bands(ax, mine[mine["split"] == split], metric, METHODS)
            if i == 0:
                ax.set_title(f"{value} images" if by == "train_size" else f"{value} layers")
            if j == 0:
                ax.set_ylabel(ylabel_of[(split, metric)])
            if i == len(rows) - 1:
                ax.set_xlabel("Data training epoch")
    axes[0, 0].legend(fontsize=6)
    return fig


LOSS_ROWS = [("train", "loss"), ("test", "loss"), ("gap", "loss")]
ACC_ROWS = [("train", "acc"), ("test", "acc")]
LABELS = {
    ("train", "loss"): "Train loss (nats)",
    ("test", "loss"): "Test loss (nats)",
    ("gap", "loss"): "Test - train loss (nats)",
    ("train", "acc"): accuracy_label("train"),
    ("test", "acc"): accuracy_label("test"),
}


def figS13(inputs: FigureInputs):
    return _curve_grid(inputs, "train_size", LOSS_ROWS, LABELS)


def figS14(inputs: FigureInputs):
    return _curve_grid(inputs, "train_size", ACC_ROWS, LABELS)


def figS15(inputs: FigureInputs):
    return _curve_grid(inputs, "depth", LOSS_ROWS, LABELS)


def figS16(inputs: FigureInputs):
    return _curve_grid(inputs, "depth", ACC_ROWS, LABELS)
