"""Fig 6a: meta-loss across noise training."""

from __future__ import annotations

import matplotlib.pyplot as plt

from noisefa.figures.samples import dataset_grid
from noisefa.figures.style import STAGE_COLORS, FigureInputs, lookup_p, mean_sd_band, p_text
from noisefa.paper import DATASET_TITLES
from noisefa.studies.meta_loss.statistics import meta_losses


def fig6a(inputs: FigureInputs):
    table = inputs.collected.evaluation
    meta = meta_losses(table)
    fig, (ax, ax_tasks) = plt.subplots(1, 2, figsize=(6.6, 2.8))
    mean_sd_band(ax, meta, "epoch", "meta_loss", STAGE_COLORS["trained"])
    ax.set_xscale("symlog", linthresh=1)
    first, last = meta["epoch"].min(), meta["epoch"].max()
    p = lookup_p(inputs.stats, "fig6a", f"noise epoch {first} vs {last}", "paired t")
    ax.set(
        xlabel="Noise training epoch",
        ylabel="Meta-loss (sum over tasks)",
        title=f"All tasks, n = {meta['seed'].nunique()} networks\n"
        f"epoch {first} vs {last}: {p_text(p)}",
    )
    per_task = table.groupby(["seed", "epoch", "task"])["query_loss"].mean().reset_index()
    for (task, group), colour in zip(
        per_task.groupby("task"), ["#2a6fb0", "#e15759", "#59a14f"], strict=False
    ):
        mean_sd_band(ax_tasks, group, "epoch", "query_loss", colour, DATASET_TITLES.get(task, task))
    ax_tasks.set_xscale("symlog", linthresh=1)
    ax_tasks.set(
        xlabel="Noise training epoch", ylabel="Query loss after adaptation", title="Per task"
    )
    ax_tasks.legend(fontsize=7)
    return fig


def figS19(inputs: FigureInputs):
    """The three tasks of the meta-loss and adaptation studies, one grid each."""
    fig = plt.figure(figsize=(13.0, 2.2))
    for panel, task in zip(fig.subfigures(1, 3), ("mnist", "fashion_mnist", "kmnist"), strict=True):
        dataset_grid(task, inputs, per_class=3, target=panel)  # drawn in place, not as a picture
    return fig
