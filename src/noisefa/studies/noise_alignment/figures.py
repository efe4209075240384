"""Fig 1d, 1e and S1: what random-noise training does to loss and alignment."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from noisefa.figures.samples import noise_grid
from noisefa.figures.style import (
    STAGE_COLORS,
    FigureInputs,
    layer_name,
    lookup_p,
    mean_sd_band,
    p_text,
    significance,
)


def fig1d(inputs: FigureInputs):
    hist = inputs.collected.pretrain_histories
    fig, ax = plt.subplots(figsize=(3.4, 2.6))
    mean_sd_band(
        ax, hist, "epoch", "loss", STAGE_COLORS["trained"], label="noise-trained FA networks"
    )
    n_classes = int(str(hist["dims"].iloc[0]).split("x")[-1])
    chance = math.log(n_classes)
    ax.axhline(chance, color="black", ls="--", lw=0.8, label=f"chance, ln {n_classes}")
    low, high = ax.get_ylim()
    ax.set_ylim(min(low, chance - 0.05 * (high - low)), high)  # the chance line stays in view
    ax.set(
        xlabel="Noise training epoch",
        ylabel="Cross-entropy loss (noise probe)",
        title=f"Random noise training (n = {hist['seed'].nunique()} networks)",
    )
    ax.legend()
    return fig


def fig1e(inputs: FigureInputs):
    c, stats = inputs.collected, inputs.stats
    hist = c.pretrain_histories
    last = int(c.pretrain_angles["layer"].max())
    fig, (ax_curve, ax_dist) = plt.subplots(1, 2, figsize=(6.6, 2.7), width_ratios=[1.4, 1])
    mean_sd_band(ax_curve, hist, "epoch", f"angle_{last}", STAGE_COLORS["trained"])
    ax_curve.axhline(90, color="black", ls="--", lw=0.8)
    ax_curve.set(
        xlabel="Noise training epoch",
        ylabel="Alignment angle (deg)",
        title=f"{layer_name(last, last + 1)}, neuron mean (n = {hist['seed'].nunique()} nets)",
    )

    angles = c.pretrain_angles
    seed = int(angles["seed"].min())
    mine = angles[(angles["seed"] == seed) & (angles["layer"] == last)]
    groups = [mine[mine["stage"] == s]["angle"].to_numpy() for s in ("untrained", "trained")]
    parts = ax_dist.violinplot(
        groups, positions=[0, 1], showmedians=True, showextrema=False, widths=0.8
    )
    for body, colour in zip(parts["bodies"], STAGE_COLORS.values(), strict=False):
        body.set_facecolor(colour)
        body.set_alpha(0.7)
    parts["cmedians"].set_color("black")
    rng = np.random.default_rng(0)
    for i, g in enumerate(groups):
        ax_dist.scatter(
            i + rng.uniform(-0.08, 0.08, g.size), g, s=4, color="black", alpha=0.5, lw=0
        )
    ax_dist.axhline(90, color="black", ls="--", lw=0.8)
    p90 = lookup_p(stats, "fig1e", "untrained vs 90 degrees", "one-sample t")
    p_tr = lookup_p(stats, "fig1e", "untrained vs noise-trained", "independent t (Student)")
    top = max(g.max() for g in groups)
    significance(ax_dist, 0, 1, top + 4, p_tr, 3)
    ax_dist.set_xticks([0, 1], ["untrained", "noise-trained"])
    ax_dist.set(
        ylabel="Angle per neuron (deg)",
        ylim=(None, top + 16),
        title=f"n = {groups[0].size} neurons (network seed {seed})",
    )
    ax_dist.set_xlabel(
        f"untrained vs 90 deg: {p_text(p90)}\nuntrained vs trained: {p_text(p_tr)}", fontsize=7
    )
    return fig


def figS1(inputs: FigureInputs):
    return noise_grid(inputs)
