"""Fig 4b-d and S12: read-out near chance and low-rank weights after noise training."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from noisefa.figures.style import (
    STAGE_COLORS,
    FigureInputs,
    depth_of,
    layer_name,
    lookup_p,
    mean_sd_band,
    p_text,
)

STAGES = ("untrained", "noise-trained")


def fig4b(inputs: FigureInputs):
    table = inputs.collected.evaluation
    pooled = table[table["measure"] == "readout_all"]
    n_classes = int(str(inputs.collected.pretrain_runs["dims"].iloc[0]).split("x")[-1])
    fig, axes = plt.subplots(2, 1, figsize=(3.8, 3.6), sharex=True)
    bins = np.linspace(0, 1, 51)
    for ax, stage in zip(axes, STAGES, strict=True):
        values = pooled[pooled["stage"] == stage]["value"]
        ax.hist(values, bins=bins, color=STAGE_COLORS[stage], alpha=0.85)
        ax.axvline(1 / n_classes, color="black", ls="--", lw=0.8)
        p = lookup_p(
            inputs.stats, "fig4b", f"{stage} vs chance 1/{n_classes}", "Wilcoxon signed-rank"
        )
        ax.set(ylabel="Count", title=f"{stage}: vs chance {p_text(p)}")
        ax.set_yscale("log")
    axes[-1].set_xlabel("Read-out probability on noise inputs (all classes pooled)")
    return fig


def _spectra(table, layer: int):
    sv = table[table["measure"] == "singular_value"].copy()
    parts = sv["item"].astype(str).str.split(":", expand=True).astype(int)
    sv["layer"], sv["rank"] = parts[0], parts[1] + 1
    return sv[sv["layer"] == layer]


def _spectrum_panel(ax, table, layer: int) -> None:
    sv = _spectra(table, layer)
    for stage in STAGES:
        mean_sd_band(ax, sv[sv["stage"] == stage], "rank", "value", STAGE_COLORS[stage], stage)
    ax.set_yscale("log")
    ax.set(xlabel="Rank", ylabel="Singular value", title=layer_name(layer, depth_of(table)))
    ax.legend(fontsize=7)


def _erank_panel(ax, hist, layer: int, stats) -> None:
    mean_sd_band(ax, hist, "epoch", f"erank_{layer}", STAGE_COLORS["trained"])
    figure = "fig4d" if layer == 0 else "figS12"
    p = lookup_p(
        stats,
        figure,
        "start vs end of noise training",
        "paired t",
        f"effective rank, layer {layer}",
    )
    ax.set(
        xlabel="Noise training epoch",
        ylabel="Effective rank",
        title=f"{layer_name(layer, depth_of(hist))}: start vs end {p_text(p)}",
    )


def fig4c(inputs: FigureInputs):
    fig, ax = plt.subplots(figsize=(3.8, 3.0))
    _spectrum_panel(ax, inputs.collected.evaluation, 0)
    evaluation = inputs.collected.evaluation
    ax.set_title(
        f"{layer_name(0, depth_of(evaluation))} (n = {evaluation['seed'].nunique()} networks)"
    )
    return fig


def fig4d(inputs: FigureInputs):
    fig, ax = plt.subplots(figsize=(3.8, 3.0))
    _erank_panel(ax, inputs.collected.pretrain_histories, 0, inputs.stats)
    return fig


def figS12(inputs: FigureInputs):
    layers = sorted(
        {
            int(str(i).split(":")[0])
            for i in inputs.collected.evaluation.query("measure == 'singular_value'")["item"]
        }
    )
    fig, axes = plt.subplots(2, len(layers), figsize=(3.3 * len(layers), 5.6), squeeze=False)
    for col, layer in enumerate(layers):
        _spectrum_panel(axes[0, col], inputs.collected.evaluation, layer)
        _erank_panel(axes[1, col], inputs.collected.pretrain_histories, layer, inputs.stats)
    return fig
