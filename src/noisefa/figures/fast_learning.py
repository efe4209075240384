"""Fig 2b, 2c and S2: learning speed and alignment after noise pretraining (MNIST)."""

from __future__ import annotations

import matplotlib.pyplot as plt

from .samples import dataset_grid
from .style import (
    METHOD_COLORS,
    NOISE_PHASE_COLOR,
    FigureInputs,
    bar_with_points,
    lookup_p,
    mean_sd_band,
    method_label,
    p_text,
    significance,
)

MAIN_DEPTH = 2


def _methods(frame) -> list[str]:
    order = ["bp", "fa", "fa_noise", "fa_wbt", "bp_noise"]
    return [m for m in order if m in set(frame["method"])]


def fig2b(inputs: FigureInputs, depth: int = MAIN_DEPTH):
    """Test-accuracy curves (mean +- sd over networks) and the learning-speed AUC per method."""
    c, stats = inputs.collected, inputs.stats
    hist = c.histories[(c.histories["depth"] == depth) & (c.histories["split"] == "test")]
    runs = c.runs[c.runs["depth"] == depth]
    methods = _methods(runs)
    fig, (ax, ax_auc) = plt.subplots(1, 2, figsize=(6.4, 2.9), width_ratios=[2.1, 1])
    for m in methods:
        mean_sd_band(
            ax, hist[hist["method"] == m], "epoch", "acc", METHOD_COLORS[m], method_label(m)
        )
    ax.set(
        xlabel="Data training epoch",
        ylabel="Test accuracy",
        title=f"{depth}-layer MLP, n = {runs['seed'].nunique()} networks per method",
    )
    ax.legend(loc="lower right")
    values = {m: runs[runs["method"] == m]["auc_test"].to_numpy() for m in methods}
    bar_with_points(
        ax_auc,
        methods,
        values,
        METHOD_COLORS,
        {m: method_label(m).replace(" ", "\n", 1) for m in methods},
    )
    low = min(v.min() for v in values.values())
    high = max(v.max() for v in values.values())
    pad = (high - low) * 0.12 + 1e-3
    ax_auc.set_ylim(max(0.0, low - 3 * pad), high + 4 * pad)
    ax_auc.set(ylabel="AUC (mean test accuracy)", title="Learning speed")
    ax_auc.tick_params(axis="x", labelsize=7)
    auc = "AUC of test accuracy"
    if {"fa", "fa_noise"} <= set(methods):
        p = lookup_p(stats, "fig2b", "fa_noise vs fa", "independent t (Student)", auc, depth)
        significance(ax_auc, methods.index("fa"), methods.index("fa_noise"), high + pad, p, pad / 2)
    if {"bp", "fa_noise"} <= set(methods):
        p = lookup_p(stats, "fig2b", "fa_noise vs bp", "independent t (Student)", auc, depth)
        significance(
            ax_auc, methods.index("bp"), methods.index("fa_noise"), high + 2.6 * pad, p, pad / 2
        )
    return fig


def fig2c(inputs: FigureInputs, depth: int = MAIN_DEPTH):
    c, stats = inputs.collected, inputs.stats
    last = depth - 1
    col = f"angle_{last}"
    hist = c.histories[(c.histories["depth"] == depth) & (c.histories["split"] == "test")]
    noise = c.pretrain_histories[c.pretrain_histories["dims"].astype(str).str.count("x") == depth]
    n_noise = int(noise["epoch"].max()) if len(noise) else 0
    fig, ax = plt.subplots(figsize=(4.6, 3.0))
    if n_noise:
        ax.axvspan(-n_noise, 0, color=NOISE_PHASE_COLOR, lw=0)
        ax.text(
            -n_noise / 2,
            0.98,
            "noise training",
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="top",
            fontsize=8,
        )
        ax.text(
            hist["epoch"].max() / 2,
            0.98,
            "data training",
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="top",
            fontsize=8,
        )
        mean_sd_band(ax, noise, "epoch", col, METHOD_COLORS["fa_noise"], x_offset=-n_noise)
    for m in ("fa", "fa_noise"):
        if m in set(hist["method"]):
            mean_sd_band(
                ax, hist[hist["method"] == m], "epoch", col, METHOD_COLORS[m], method_label(m)
            )
    ax.axhline(90, color="black", ls="--", lw=0.8)
    p = lookup_p(
        stats,
        "fig2c",
        "fa_noise vs fa",
        "independent t (Student)",
        "end-of-training per-neuron angle, last layer",
        depth,
    )
    ax.set(
        xlabel="Epoch (noise epochs < 0 < data epochs)",
        ylabel="Alignment angle, last layer (deg)",
        title=f"End of training, FA w/ vs w/o noise (per neuron): {p_text(p)}",
    )
    ax.legend(loc="lower left")
    return fig


def figS2(inputs: FigureInputs):
    return dataset_grid("mnist", inputs)
