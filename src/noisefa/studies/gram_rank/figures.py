"""Fig 4g,h: effective rank of the Gram matrix of the last hidden layer's features."""

from __future__ import annotations

import matplotlib.pyplot as plt

from noisefa.figures.style import METHOD_COLORS, FigureInputs, grouped_bars, method_label, stats_p

METHODS = ["fa", "fa_noise"]


def _bars(inputs: FigureInputs, depths: list[int], figure: str):
    gram = inputs.collected.evaluation.query("measure == 'gram_erank'")
    values = {
        (d, m): gram[(gram["depth"] == d) & (gram["method"] == m)]["value"].to_numpy()
        for d in depths
        for m in METHODS
    }
    p = stats_p(inputs.stats, figure, depth=None)
    fig, ax = plt.subplots(figsize=(1.8 + 0.8 * len(depths), 3.0))
    grouped_bars(
        ax, depths, METHODS, values, METHOD_COLORS, {m: method_label(m) for m in METHODS}, p
    )
    ax.set(xlabel="Depth (weight layers)", ylabel="Effective rank of the Gram matrix")
    ax.legend(fontsize=7)
    return fig


def fig4g(inputs: FigureInputs):
    depth = int(inputs.collected.evaluation["depth"].min())
    return _bars(inputs, [depth], "fig4g")


def fig4h(inputs: FigureInputs):
    depths = sorted(inputs.collected.evaluation["depth"].unique())
    fig = _bars(inputs, depths[1:] or depths, "fig4h")
    return fig
