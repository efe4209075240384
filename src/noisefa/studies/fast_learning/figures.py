"""Fig 2b, 2c, S2, S3, S4 (and S5 via cifar_fast_learning): learning speed and
alignment after noise pretraining. Panels are functions of an axis, so the
supplementary figures are the same panels in other layouts."""

from __future__ import annotations

import matplotlib.pyplot as plt

from noisefa.collected import Collected
from noisefa.figures.samples import dataset_grid
from noisefa.figures.style import (
    METHOD_COLORS,
    NOISE_PHASE_COLOR,
    FigureInputs,
    accuracy_label,
    bar_with_points,
    layer_name,
    layer_role,
    lookup_p,
    mean_sd_band,
    method_bands,
    method_label,
    p_text,
    significance,
)

MAIN_DEPTH = 2
ORDER = ["bp", "fa", "fa_noise", "fa_wbt", "bp_noise"]


def methods_in(frame) -> list[str]:
    return [m for m in ORDER if m in set(frame["method"])]


def curves_panel(
    ax,
    c: Collected,
    depth: int,
    split: str = "test",
    metric: str = "acc",
    methods: list[str] | None = None,
) -> None:
    """Mean +- sd over networks of one split's loss or accuracy per epoch, per method."""
    hist = c.histories[(c.histories["depth"] == depth) & (c.histories["split"] == split)]
    method_bands(ax, hist, metric, methods or methods_in(hist))
    label = accuracy_label(split) if metric == "acc" else f"{split.capitalize()} loss (nats)"
    ax.set(xlabel="Data training epoch", ylabel=label)


def auc_panel(ax, c: Collected, stats, depth: int, figure: str) -> None:
    """Learning speed: AUC of the test-accuracy curve per method, with Student's t marks."""
    runs = c.runs[c.runs["depth"] == depth]
    methods = methods_in(runs)
    values = {m: 100 * runs[runs["method"] == m]["auc_test"].to_numpy() for m in methods}
    bar_with_points(
        ax,
        methods,
        values,
        METHOD_COLORS,
        {m: method_label(m).replace(" ", "\n", 1) for m in methods},
    )
    high = max(v.max() for v in values.values())
    pad = high * 0.07 + 1e-3
    ax.set_ylim(0, high + 4 * pad)  # bars start at 0
    ax.set(ylabel="AUC (mean test accuracy, %)", title="Learning speed")
    ax.tick_params(axis="x", labelsize=7)
    for level, (a, b) in enumerate((("fa_noise", "fa"), ("fa_noise", "bp"))):
        if {a, b} <= set(methods):
            p = lookup_p(
                stats,
                figure,
                f"{a} vs {b}",
                "independent t (Student)",
                "AUC of test accuracy",
                depth,
            )
            significance(
                ax, methods.index(a), methods.index(b), high + pad * (1 + 1.6 * level), p, pad / 2
            )


def angle_panel(
    ax, c: Collected, stats, depth: int, layer: int, figure: str, per_neuron: bool | None = None
) -> None:
    """Mean W-B angle of one layer across noise (epochs < 0) and data training; the end
    is tested per neuron (the paper's test, by default for the last layer) or by each
    network's mean angle."""
    column = f"angle_{layer}"
    hist = c.histories[(c.histories["depth"] == depth) & (c.histories["split"] == "test")]
    noise = c.pretrain_histories[c.pretrain_histories["dims"].astype(str).str.count("x") == depth]
    n_noise = int(noise["epoch"].max()) if len(noise) else 0
    if n_noise:
        ax.axvspan(-n_noise, 0, color=NOISE_PHASE_COLOR, lw=0)
        ax.text(
            -n_noise / 2,
            0.98,
            "noise",
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="top",
            fontsize=8,
        )
        ax.text(
            hist["epoch"].max() / 2,
            0.98,
            "data",
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="top",
            fontsize=8,
        )
        mean_sd_band(ax, noise, "epoch", column, METHOD_COLORS["fa_noise"], x_offset=-n_noise)
    feedback = [m for m in methods_in(hist) if m in ("fa", "fa_noise", "fa_wbt")]  # BP has no B
    method_bands(ax, hist, column, feedback)
    ax.axhline(90, color="black", ls="--", lw=0.8)
    # the last layer is tested per neuron (as the paper); the others by each network's
    # mean angle, which is what the statistics hold for them
    last = layer == depth - 1 if per_neuron is None else per_neuron
    kind = "per-neuron" if last else "mean"
    p = lookup_p(
        stats,
        figure,
        "fa_noise vs fa",
        "independent t (Student)",
        f"end-of-training {kind} angle, layer {layer}",
        depth,
    )
    end = f"end, {'per neuron' if last else 'mean angle'}: {p_text(p)}"
    ax.set(
        xlabel="Epoch (noise < 0 < data)",
        ylabel=f"Angle W-B, {layer_name(layer, depth)} (deg)",
        title=end,
    )
    ax.legend(loc="lower left", fontsize=7)


def fig2b(inputs: FigureInputs, depth: int = MAIN_DEPTH, figure: str = "fig2b"):
    c = inputs.collected
    fig, (ax, ax_auc) = plt.subplots(1, 2, figsize=(6.4, 2.9), width_ratios=[2.1, 1])
    curves_panel(ax, c, depth)
    ax.set_title(f"{depth}-layer MLP, n = {c.runs['seed'].nunique()} networks per method")
    ax.legend(loc="best", fontsize=7)  # clear of the curves
    auc_panel(ax_auc, c, inputs.stats, depth, figure)
    return fig


def fig2c(inputs: FigureInputs, depth: int = MAIN_DEPTH, figure: str = "fig2c"):
    fig, ax = plt.subplots(figsize=(4.6, 3.0))
    angle_panel(ax, inputs.collected, inputs.stats, depth, depth - 1, figure)
    return fig


def figS2(inputs: FigureInputs):
    return dataset_grid("mnist", inputs)


def figS3(inputs: FigureInputs):
    fig, axes = plt.subplots(2, 2, figsize=(7.0, 5.0))
    for ax, (split, metric) in zip(
        axes.flat,
        [("train", "loss"), ("train", "acc"), ("test", "loss"), ("test", "acc")],
        strict=True,
    ):
        curves_panel(ax, inputs.collected, MAIN_DEPTH, split, metric)
        if metric == "loss":
            ax.set_yscale("log")
    axes[0, 0].legend(fontsize=7)
    return fig


def figS4(inputs: FigureInputs, depth: int = 3):
    c = inputs.collected
    fig, axes = plt.subplots(1, 3, figsize=(11.0, 3.0))
    curves_panel(axes[0], c, depth)
    axes[0].set_title(f"{depth}-layer MLP: test accuracy")
    axes[0].legend(loc="best", fontsize=7)  # clear of the curves
    # Both layers tested alike, by each network's mean angle (n = networks): the paper's
    # per-neuron test of one network would give the panels different units.
    for ax, layer in zip(axes[1:], range(1, depth), strict=True):
        angle_panel(ax, c, inputs.stats, depth, layer, "fig2c", per_neuron=False)
        ax.set_title(
            f"{layer_name(layer, depth)} ({layer_role(layer, depth)})\n{ax.get_title()}",
            fontsize=8,
        )
    return fig
