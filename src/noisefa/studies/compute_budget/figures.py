"""Fig S11: is noise pretraining worth its epochs? (4-layer MLP, CIFAR-10)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from noisefa.figures.style import (
    METHOD_COLORS,
    FigureInputs,
    accuracy_label,
    mean_sd_band,
    stars,
    stats_p,
)
from noisefa.studies.compute_budget.statistics import with_budget


def figS11(inputs: FigureInputs):
    runs = with_budget(inputs.collected.runs)
    hist = inputs.collected.histories.query("split == 'val'")
    hist = hist.assign(noise_epochs=hist["variant"].str.removeprefix("noise").astype(int))
    fa = runs[runs["method"] != "bp"]
    durations = sorted(fa["noise_epochs"].unique())
    cmap = plt.get_cmap("viridis", len(durations) + 1)
    fig, (ax_a, ax_b, ax_c) = plt.subplots(1, 3, figsize=(12.0, 3.2), width_ratios=[1.6, 1, 1])
    for k, e in enumerate(durations):
        mine = hist[(hist["noise_epochs"] == e) & (hist["method"] != "bp")]
        mean_sd_band(
            ax_a, mine, "epoch", "acc", cmap(k), f"{e} noise epochs", x_offset=e, scale=100
        )
    bp = hist[hist["method"] == "bp"]
    if len(bp):
        mean_sd_band(ax_a, bp, "epoch", "acc", METHOD_COLORS["bp"], "BP", scale=100)
    ax_a.set(
        xlabel="Epochs, noise + data",
        ylabel=accuracy_label("validation"),
        title="(a) learning curves, shifted by the noise epochs",
    )
    ax_a.legend(fontsize=6, loc="lower right")
    p_acc = stats_p(
        inputs.stats, "figS11", measure="test accuracy at best validation epoch", noise_epochs=None
    )
    p_ep = stats_p(
        inputs.stats, "figS11", measure="noise + data epochs to convergence", noise_epochs=None
    )
    acc = [100 * fa[fa["noise_epochs"] == e]["at_best_test_acc"] for e in durations]
    total = [fa[fa["noise_epochs"] == e]["total_epochs"] for e in durations]
    best = [fa[fa["noise_epochs"] == e]["best_epoch"] for e in durations]
    x = np.arange(len(durations))
    ax_b.errorbar(
        x,
        [a.mean() for a in acc],
        [a.std(ddof=1) for a in acc],
        marker="o",
        capsize=2,
        color=METHOD_COLORS["fa_noise"],
    )
    ax_c.bar(
        x, [b.mean() for b in best], color=METHOD_COLORS["fa_noise"], alpha=0.8, label="data epochs"
    )
    ax_c.bar(x, durations, bottom=[b.mean() for b in best], color="#c9d7ea", label="noise epochs")
    sd = [t.std(ddof=1) for t in total]
    ax_c.errorbar(
        x,
        [t.mean() for t in total],
        [[min(s, t.mean()) for s, t in zip(sd, total, strict=True)], sd],  # no epochs below 0
        fmt="none",
        color="black",
        capsize=2,
    )
    optimum = int(np.argmin([t.mean() for t in total]))
    ax_c.annotate(
        "optimum",
        (optimum, total[optimum].mean()),
        textcoords="offset points",
        xytext=(0, 12),
        ha="center",
        fontsize=7,
        arrowprops={"arrowstyle": "->", "lw": 0.8},
    )
    for i, e in enumerate(durations):
        if e:
            ax_b.annotate(  # above the error bar
                stars(p_acc.get(e, np.nan)),
                (i, acc[i].mean() + acc[i].std(ddof=1)),
                textcoords="offset points",
                xytext=(0, 6),
                ha="center",
                fontsize=7,
            )
            ax_c.annotate(
                stars(p_ep.get(e, np.nan)),
                (i, total[i].mean() + sd[i]),
                textcoords="offset points",
                xytext=(0, 5),
                ha="center",
                fontsize=7,
            )
    for ax in (ax_b, ax_c):
        ax.set_xticks(x, [str(e) for e in durations])
        ax.set_xlabel("Noise pretraining (epochs)")
    ax_b.set(ylabel="Test accuracy (%)", title="(b) accuracy (vs 0 epochs)")
    ax_c.set(ylabel="Epochs to convergence", title="(c) noise + data epochs")
    ax_c.legend(fontsize=6)
    return fig
