"""Fig 3: accuracy at the best validation epoch per dataset and depth, beside the paper's
Table S5 (the title says how many networks the epoch cap stopped before convergence)."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt

from noisefa.data.loading import subset_note
from noisefa.figures.style import (
    METHOD_COLORS,
    FigureInputs,
    accuracy_label,
    grouped_bars,
    method_bands,
    method_label,
    stats_p,
)
from noisefa.paper import DATASET_TITLES, table_s5

METHODS = ["bp", "fa", "fa_noise"]
BAR_FILL = 0.7  # of a bar's slot: the gap beside it holds the paper's mark


def dataset_title(inputs: FigureInputs, dataset: str) -> str:
    """The dataset's name, and the subset it was trained on when not the full split."""
    train_size = inputs.params.get("train_size")
    note = subset_note(inputs.data_dir, dataset, train_size) if inputs.data_dir else ""
    title = DATASET_TITLES.get(dataset, dataset)
    return f"{title}\n({note.removesuffix(' training images')})" if note else title


# Fig 3's panels in the paper: (a) MNIST ... (e) STL-10; datasets beyond it follow.
PAPER_PANELS = ["mnist", "fashion_mnist", "cifar10", "cifar100", "stl10"]


def in_paper_order(datasets) -> list[str]:
    rank = {d: k for k, d in enumerate(PAPER_PANELS)}
    return sorted(datasets, key=lambda d: (rank.get(d, len(rank)), d))


def fig3(inputs: FigureInputs):
    runs = inputs.collected.runs
    datasets = _datasets(inputs)
    depths = inputs.params.get("depths") or sorted(runs["depth"].unique())
    missing = set(inputs.params.get("missing", []))
    cols = min(3, len(datasets))
    rows = math.ceil(len(datasets) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.7 * rows), squeeze=False)
    for k, (ax, dataset) in enumerate(zip(axes.flat, datasets, strict=False)):
        extra = "" if dataset in PAPER_PANELS else ", not in the paper"
        title = f"({chr(ord('a') + k)}) {dataset_title(inputs, dataset)}{extra}"
        mine = runs[runs["dataset"] == dataset]
        if dataset in missing or mine.empty:
            ax.text(
                0.5,
                0.5,
                "not run:\ndata not available",
                ha="center",
                va="center",
                transform=ax.transAxes,
            )
            ax.set_title(title)
            ax.set_axis_off()
            continue
        values = {
            (d, m): 100
            * mine[(mine["depth"] == d) & (mine["method"] == m)]["at_best_test_acc"].to_numpy()
            for d in depths
            for m in METHODS
        }
        p = stats_p(
            inputs.stats, "table1", comparison="fa_noise vs fa", dataset=dataset, depth=None
        )
        paper = {  # Table S5's mean per cell (None where the paper has none)
            (d, m): row[0] if (row := table_s5(dataset, m, d)) else None
            for d in depths
            for m in METHODS
        }
        reference = {  # the stars sit above the paper's marks, not through them
            d: max((paper[(d, m)] or 0.0 for m in METHODS), default=0.0) for d in depths
        }
        grouped_bars(
            ax,
            depths,
            METHODS,
            values,
            METHOD_COLORS,
            {m: method_label(m) for m in METHODS},
            p,
            marks_above=reference,
            fill=BAR_FILL,
        )
        # The paper's mean as a small triangle in the gap right of the bar, pointing at
        # it: beside its top, never over it (a tick across the bar hid the top).
        step = 0.8 / len(METHODS)
        for i, depth in enumerate(depths):
            for j, m in enumerate(METHODS):
                if paper[(depth, m)] is not None:
                    x = i - 0.4 + step * (j + 1)
                    ax.plot(x, paper[(depth, m)], "<", color="black", ms=3, mew=0, zorder=4)
        papers = [v for v in paper.values() if v is not None]
        everything = [v for vs in values.values() for v in vs] + papers
        if everything:
            ax.set_ylim(0, max(everything) + 14)  # bars start at 0; room for the marks
        ax.set(title=title, xlabel="Depth (weight layers)", ylabel="Test accuracy (%)")
    for ax in axes.flat[len(datasets) :]:
        ax.set_axis_off()
    axes.flat[0].plot([], [], "<", color="black", ms=3, mew=0, label="paper (Table S5)")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right upper", fontsize=7)
    fig.suptitle(stopping_note(inputs, runs))
    return fig


def stopping_note(inputs: FigureInputs, runs) -> str:
    """What 'at convergence' meant in this run: how many networks the epoch cap stopped."""
    params = inputs.params
    capped = int((~runs["stopped_early"].astype(bool)).sum())
    rule = f"patience {params['patience']}" if "patience" in params else "early stopping"
    cap = f"the {params['max_epochs']}-epoch cap" if "max_epochs" in params else "the epoch cap"
    return (
        f"Test accuracy at the best validation epoch ({rule}); "
        f"{capped} of {len(runs)} networks stopped at {cap}"
    )


def _validation_panels(inputs: FigureInputs, panels: list[tuple[str, int]], titles: list[str]):
    """One panel per (dataset, depth): validation accuracy per epoch, lettered as in the
    paper; a configured cell without runs says so instead of vanishing."""
    hist = inputs.collected.histories.query("split == 'val'")
    cols = min(3, len(panels))  # rows of at most three: a page's width
    rows = math.ceil(len(panels) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.9 * cols + 1.2, 2.6 * rows), squeeze=False)
    for ax in axes.flat[len(panels) :]:
        ax.set_axis_off()
    for k, (ax, (dataset, depth), title) in enumerate(zip(axes.flat, panels, titles, strict=False)):
        mine = hist[(hist["dataset"] == dataset) & (hist["depth"] == depth)]
        ax.set_title(f"({chr(ord('a') + k)}) {title}")
        if mine.empty:
            why = "data not available" if dataset in inputs.params.get("missing", []) else "no runs"
            ax.text(0.5, 0.5, f"not run:\n{why}", ha="center", va="center",
                    transform=ax.transAxes)  # fmt: skip
            ax.set_axis_off()
            continue
        # Networks stop at different epochs: the band covers the networks still training.
        method_bands(ax, mine, "acc", METHODS)
        ax.set(xlabel="Data training epoch", ylabel=accuracy_label("validation"))
    handles, labels = next(
        (ax.get_legend_handles_labels() for ax in axes.flat if ax.get_legend_handles_labels()[0]),
        ([], []),
    )
    if handles:
        fig.legend(handles, labels, loc="outside right upper", fontsize=7)
    return fig


def _datasets(inputs: FigureInputs) -> list[str]:
    return in_paper_order(
        inputs.params.get("datasets") or inputs.collected.runs["dataset"].unique()
    )


def figS7(inputs: FigureInputs):
    """Per depth, on one dataset (CIFAR-10 when it ran, as the paper's B.5 discusses)."""
    depths = inputs.params.get("depths") or sorted(inputs.collected.runs["depth"].unique())
    trained = set(inputs.collected.runs["dataset"])
    dataset = "cifar10" if "cifar10" in trained else sorted(trained)[0]
    titles = [f"{depth}-layer, {dataset_title(inputs, dataset)}" for depth in depths]
    return _validation_panels(inputs, [(dataset, d) for d in depths], titles)


def figS8(inputs: FigureInputs):
    """Per dataset, two-layer networks; every configured dataset has a panel."""
    datasets = _datasets(inputs)
    titles = [f"{dataset_title(inputs, d)}, 2-layer" for d in datasets]
    return _validation_panels(inputs, [(d, 2) for d in datasets], titles)
