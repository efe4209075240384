"""Fig 4g,h: effective rank of the Gram matrix of the last hidden layer's features."""

from __future__ import annotations

import matplotlib.pyplot as plt

from noisefa.figures.style import METHOD_COLORS, FigureInputs, grouped_bars, method_label, stats_p

METHODS = ["fa", "fa_noise"]


def _bars(inputs: FigureInputs, depths: list[int], figures: list[str]):
    gram = inputs.collected.evaluation.query("measure == 'gram_erank'")
    values = {
        (d, m): gram[(gram["depth"] == d) & (gram["method"] == m)]["value"].to_numpy()
        for d in depths
        for m in METHODS
    }
    p = {k: v for f in figures for k, v in stats_p(inputs.stats, f, depth=None).items()}
    fig, ax = plt.subplots(figsize=(1.8 + 0.8 * len(depths), 3.0))
    grouped_bars(
        ax, depths, METHODS, values, METHOD_COLORS, {m: method_label(m) for m in METHODS}, p
    )
    ax.set(xlabel="Depth (weight layers)", ylabel="Effective rank of the Gram matrix")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))  # clear of the marks
    return fig


def fig4g(inputs: FigureInputs):
    depth = int(inputs.collected.evaluation["depth"].min())
    return _bars(inputs, [depth], ["fig4g"])


def fig4h(inputs: FigureInputs):
    """Every depth, as the paper's 4h (3 to 7 layers); the shallowest is tested in 4g's
    statistics, so its mark comes from there."""
    depths = sorted(int(d) for d in inputs.collected.evaluation["depth"].unique())
    return _bars(inputs, depths, ["fig4g", "fig4h"])
