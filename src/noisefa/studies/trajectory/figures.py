"""Fig 2d-g (and S6 via cifar_fast_learning): the last layer's W moving toward B in the
PCA plane, and its distance to B after noise, data, and both orders."""

from __future__ import annotations

import matplotlib.pyplot as plt

from noisefa.figures.style import (
    METHOD_COLORS,
    FigureInputs,
    bar_with_points,
    depth_of,
    layer_name,
    lookup_p,
    significance,
)

PATHS = {  # stage -> (label, colour, line style)
    "noise": ("noise training", METHOD_COLORS["fa_noise"], "-"),
    "data": ("data training (FA w/o noise)", METHOD_COLORS["fa"], "-"),
    "noise_data": ("noise, then data", METHOD_COLORS["fa_noise"], "--"),
    "data_noise": ("data, then noise", METHOD_COLORS["fa"], "--"),
}
STAGE_LABELS = {
    "untrained": "untrained",
    "noise": "noise",
    "data": "data",
    "noise_data": "noise\n-> data",
    "data_noise": "data\n-> noise",
}
STAGE_COLORS = {
    "untrained": "#b8b8b8",
    "noise": METHOD_COLORS["fa_noise"],
    "data": METHOD_COLORS["fa"],
    "noise_data": "#174a7a",
    "data_noise": "#b5651d",
}
MAIN = (["noise", "data"], [("untrained", "noise"), ("noise", "data"), ("untrained", "data")])
ORDERS = (
    ["noise", "noise_data", "data", "data_noise"],
    [("noise", "noise_data"), ("data", "data_noise")],
)


def plane_panel(ax, table, stages: list[str]) -> None:
    seed = int(table["seed"].min())
    mine = table[table["seed"] == seed]
    coords = mine[mine["measure"].isin(["pc1", "pc2"])].pivot_table(
        index=["stage", "item"], columns="measure", values="value"
    )
    for stage in stages:
        label, colour, style = PATHS[stage]
        path = coords.loc[stage].sort_index(key=lambda i: i.astype(float))
        ax.plot(path["pc1"], path["pc2"], style, color=colour, lw=1.4, label=label)
        ax.plot(path["pc1"].iloc[-1], path["pc2"].iloc[-1], "o", color=colour, ms=4)
    start = coords.loc["data"].sort_index(key=lambda i: i.astype(float)).iloc[0]
    ax.plot(start["pc1"], start["pc2"], "o", color="#888888", ms=6, label="untrained W")
    b = coords.loc["feedback"].iloc[0]
    ax.plot(b["pc1"], b["pc2"], "*", color="black", ms=12, label="feedback B")
    ax.margins(0.15)  # B and the path ends clear of the frame
    explained = (
        mine[mine["measure"].str.startswith("explained")].sort_values("measure")["value"].to_numpy()
    )
    ax.set(
        xlabel=f"PC1 ({100 * explained[0]:.0f}% var.)",
        ylabel=f"PC2 ({100 * explained[1]:.0f}% var.)",
        title=f"{layer_name(-1, depth_of(mine))}: W, network seed {seed}",
    )
    ax.legend(fontsize=6)


# The distance the paper plots, and its scale-free twin (how far W's direction is from
# B's, whatever W's norm): the claims test both, so the figures show both.
DISTANCES = {
    "relative_distance": "||W - B|| / ||B||",
    "direction_distance": "||W/||W|| - B/||B|||| (scale-free)",
}


def distance_panel(
    ax, table, stats, stages: list[str], brackets, figure: str, measure="relative_distance"
) -> None:
    values = table[table["measure"] == measure]
    groups = {s: values[values["stage"] == s]["value"].to_numpy() for s in stages}
    bar_with_points(ax, stages, groups, STAGE_COLORS, STAGE_LABELS)
    top = max(v.max() for v in groups.values())
    pad = top * 0.07 + 1e-3
    for level, (a, b) in enumerate(brackets):
        # the claims' design: the same networks at two stages (paired)
        p = lookup_p(stats, figure, f"{a} vs {b}", "paired t", measure)
        significance(
            ax, stages.index(a), stages.index(b), top + pad * (1 + 1.6 * level), p, pad / 3
        )
    ax.set_ylim(0, top + pad * (2 + 1.6 * len(brackets)))  # bars start at 0
    ax.set(
        ylabel=f"{DISTANCES[measure]}\n{layer_name(-1, depth_of(table))}",
        title=f"n = {len(next(iter(groups.values())))} networks",
    )
    ax.tick_params(axis="x", labelsize=7)


def distance_panels(axes, table, stats, stages: list[str], brackets, figure: str) -> None:
    """The distance of W to B and its scale-free twin, side by side."""
    for ax, measure in zip(axes, DISTANCES, strict=True):
        distance_panel(ax, table, stats, stages, brackets, figure, measure)


def _one(draw, *args, size=(4.0, 3.4)):
    fig, ax = plt.subplots(figsize=size)
    draw(ax, *args)
    return fig


def fig2d(inputs: FigureInputs):
    return _one(plane_panel, inputs.collected.evaluation, MAIN[0])


def fig2f(inputs: FigureInputs):
    return _one(plane_panel, inputs.collected.evaluation, ORDERS[0])


def _distances(inputs: FigureInputs, stages, brackets, figure: str, width: float):
    fig, axes = plt.subplots(1, 2, figsize=(2 * width, 3.0))
    distance_panels(axes, inputs.collected.evaluation, inputs.stats, stages, brackets, figure)
    return fig


def fig2e(inputs: FigureInputs):
    return _distances(inputs, ["untrained", *MAIN[0]], MAIN[1], "fig2e", 3.3)


def fig2g(inputs: FigureInputs):
    return _distances(inputs, *ORDERS, "fig2g", 4.0)
