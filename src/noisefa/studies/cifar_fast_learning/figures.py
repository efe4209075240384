"""Fig S5, S6: Fig 2's fast-learning and trajectory panels on CIFAR-10."""

from __future__ import annotations

import matplotlib.pyplot as plt

from noisefa.figures.style import FigureInputs
from noisefa.studies.fast_learning.figures import angle_panel, auc_panel, curves_panel
from noisefa.studies.trajectory.figures import MAIN, ORDERS, distance_panels, plane_panel


def figS5(inputs: FigureInputs):
    c, depth = inputs.collected, int(inputs.collected.runs["depth"].min())
    fig, axes = plt.subplots(1, 3, figsize=(11.0, 3.0), width_ratios=[2, 1, 2])
    curves_panel(axes[0], c, depth)
    axes[0].set_title(f"CIFAR-10, {depth}-layer MLP, n = {c.runs['seed'].nunique()} networks")
    axes[0].legend(loc="best", fontsize=7)  # clear of the curves
    auc_panel(axes[1], c, inputs.stats, depth, "figS5")
    angle_panel(axes[2], c, inputs.stats, depth, depth - 1, "figS5")
    return fig


def figS6(inputs: FigureInputs):
    table, stats = inputs.collected.evaluation, inputs.stats
    fig, axes = plt.subplots(2, 3, figsize=(12.0, 6.4), width_ratios=[1.25, 1, 1])
    plane_panel(axes[0, 0], table, MAIN[0])
    distance_panels(axes[0, 1:], table, stats, ["untrained", *MAIN[0]], MAIN[1], "figS6")
    plane_panel(axes[1, 0], table, ORDERS[0])
    distance_panels(axes[1, 1:], table, stats, *ORDERS, "figS6")
    return fig
