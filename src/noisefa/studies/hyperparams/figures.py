"""Fig S9: final accuracy across batch size, learning rate and initialisation (CIFAR-10)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from noisefa.figures.style import METHOD_COLORS, FigureInputs, method_label, stars, stats_p

METHODS = ["bp", "fa", "fa_noise"]
PANELS = (
    ("batch", "Batch size", float, "log"),
    ("lr", "Learning rate", float, "log"),
    ("init-", "Initialisation", str, None),
)


def figS9(inputs: FigureInputs):
    runs = inputs.collected.runs
    p = stats_p(inputs.stats, "figS9", comparison="fa_noise vs fa", variant=None)
    fig, axes = plt.subplots(1, 3, figsize=(11.0, 3.0))
    for ax, (prefix, label, kind, scale) in zip(axes, PANELS, strict=True):
        mine = runs[runs["variant"].str.startswith(prefix)]
        variants = list(dict.fromkeys(mine["variant"]))
        values = [kind(v.removeprefix(prefix)) for v in variants]
        xs = values if kind is float else list(range(len(values)))
        for m in METHODS:
            acc = [
                100 * mine[(mine["variant"] == v) & (mine["method"] == m)]["final_test_acc"]
                for v in variants
            ]
            ax.errorbar(
                xs,
                [a.mean() for a in acc],
                [a.std(ddof=1) if a.size > 1 else 0 for a in acc],
                color=METHOD_COLORS[m],
                marker="o",
                ms=3.5,
                capsize=2,
                label=method_label(m),
            )
        for x, v in zip(xs, variants, strict=True):
            # the mark compares the two FA curves; it sits above every curve's error bar
            at = mine[mine["variant"] == v].groupby("method")["final_test_acc"]
            top = 100 * float((at.mean() + at.std(ddof=1).fillna(0.0)).max())
            top = max(top, 100 * float(at.max().max()))
            ax.annotate(
                stars(p.get(v, np.nan)),
                (x, top),
                textcoords="offset points",
                xytext=(0, 4),
                ha="center",
                fontsize=7,
            )
        if scale:
            ax.set_xscale(scale)
            ax.set_xticks(values, [f"{v:g}" for v in values])
            ax.minorticks_off()
        if kind is str:
            ax.set_xticks(xs, values, fontsize=7)
        ax.set(xlabel=label, ylabel="Final test accuracy (%)")
    axes[0].legend(fontsize=7)
    fig.suptitle("CIFAR-10, 2-layer MLP; marks: FA w/ vs w/o noise (Student's t)", fontsize=8)
    return fig
