"""Fig 6b,c: adapting untrained and noise-pretrained networks to three tasks."""

from __future__ import annotations

import matplotlib.pyplot as plt

from noisefa.figures.style import (
    METHOD_COLORS,
    FigureInputs,
    accuracy_label,
    depth_of,
    layer_name,
    lookup_p,
    method_bands,
    method_label,
    p_text,
)
from noisefa.paper import DATASET_TITLES

METHODS = ["fa", "fa_noise"]


def by_epoch(path):
    """A trajectory's points in epoch order (its items are epoch ids, read as text)."""
    return path.sort_index(key=lambda items: items.astype(float))


def fig6b(inputs: FigureInputs):
    table = inputs.collected.evaluation
    seed = int(table["seed"].min())
    mine = table[(table["seed"] == seed) & table["measure"].isin(["pc1", "pc2"])]
    coords = mine.pivot_table(
        index=["stage", "dataset", "method", "item"], columns="measure", values="value"
    )
    tasks = sorted(t for t in mine["dataset"].unique() if t)
    fig, axes = plt.subplots(1, len(tasks), figsize=(3.1 * len(tasks), 3.0), squeeze=False)
    noise = by_epoch(coords.loc[("noise", "", "fa_noise")])
    feedback = coords.loc[("feedback", "", "fa_noise")].iloc[0]
    for ax, task in zip(axes[0], tasks, strict=True):
        ax.plot(
            noise["pc1"],
            noise["pc2"],
            ":",
            color=METHOD_COLORS["fa_noise"],
            lw=1.2,
            label="noise training",
        )
        for m in METHODS:
            path = by_epoch(coords.loc[("data", task, m)])
            ax.plot(
                path["pc1"],
                path["pc2"],
                color=METHOD_COLORS[m],
                lw=1.4,
                label=f"adaptation, {method_label(m)}",
            )
            ax.plot(path["pc1"].iloc[-1], path["pc2"].iloc[-1], "o", color=METHOD_COLORS[m], ms=4)
        ax.plot(
            noise["pc1"].iloc[0],
            noise["pc2"].iloc[0],
            "o",
            color="#888888",
            ms=6,
            label="untrained W",
        )
        ax.plot(feedback["pc1"], feedback["pc2"], "*", color="black", ms=12, label="feedback B")
        ax.set(title=DATASET_TITLES.get(task, task), xlabel="PC1", ylabel="PC2")
    axes[0, 0].legend(fontsize=6)
    fig.suptitle(
        f"{layer_name(-1, depth_of(table))}: W in the PCA plane (network seed {seed})", fontsize=9
    )
    return fig


def fig6c(inputs: FigureInputs):
    hist = inputs.collected.histories.query("split == 'test'")
    tasks = sorted(hist["dataset"].unique())
    fig, axes = plt.subplots(1, len(tasks), figsize=(3.1 * len(tasks), 2.8), squeeze=False)
    for ax, task in zip(axes[0], tasks, strict=True):
        mine = hist[hist["dataset"] == task]
        method_bands(ax, mine, "acc", METHODS)
        p = lookup_p(
            inputs.stats[inputs.stats["task"] == task],
            "fig6c",
            "fa_noise vs fa",
            "independent t (Student)",
            "AUC of test accuracy",
        )
        ax.set(
            title=f"{DATASET_TITLES.get(task, task)}: AUC {p_text(p)}",
            xlabel="Adaptation epoch",
            ylabel=accuracy_label("test"),
        )
    axes[0, 0].legend(fontsize=7, loc="lower right")
    return fig
