"""Fig S17 and S18: the out-of-distribution test sets (Fig 5 comes with the ood study)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from noisefa.data.loading import read_staged
from noisefa.figures.style import METHOD_COLORS, FigureInputs, grouped_bars, method_label, stats_p

from .framing import FRAMINGS

COLUMNS = 8
DIGITS = 10


def _read_ood(inputs: FigureInputs, name: str) -> tuple[np.ndarray, np.ndarray]:
    with np.load(inputs.data_dir / "ood" / f"{name}.npz", allow_pickle=False) as ood:
        return ood["images"], ood["params"]


def _row(axes, images, label: str, captions=None) -> None:
    for i, ax in enumerate(axes):
        ax.imshow(images[i], cmap="gray", interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        if captions is not None:
            ax.set_title(captions[i], fontsize=6, pad=1)
    axes[0].set_ylabel(label, fontsize=8, rotation=0, ha="right", va="center")


def figS17(inputs: FigureInputs):
    mnist, _ = read_staged(inputs.data_dir, "mnist", "test")
    fig, axes = plt.subplots(4, COLUMNS, figsize=(COLUMNS * 0.85 + 1.2, 4 * 0.95))
    _row(axes[0], mnist, "MNIST")
    for row, (name, label, fmt) in enumerate(
        [
            ("mnist_translate", "translated", "({1:+.0f},{2:+.0f}) px"),
            ("mnist_scale", "scaled", "x{3:.2f}"),
            ("mnist_rotate", "rotated", "{0:+.0f} deg"),
        ],
        start=1,
    ):
        images, params = _read_ood(inputs, name)
        _row(axes[row], images, label, [fmt.format(*p) for p in params[:COLUMNS]])
    fig.suptitle(
        "The same MNIST test images, untransformed and in each transformed test set", fontsize=8
    )
    return fig


def figS18(inputs: FigureInputs):
    mnist, mnist_labels = read_staged(inputs.data_dir, "mnist", "test")
    usps, _ = _read_ood(inputs, "usps28")
    with np.load(inputs.data_dir / "ood" / "usps28.npz", allow_pickle=False) as ood:
        usps_labels = ood["labels"]

    # One example per digit from each dataset, side by side.
    def pick(labels):
        return [int(np.flatnonzero(labels == d)[0]) for d in range(DIGITS)]

    fig, axes = plt.subplots(2, DIGITS, figsize=(DIGITS * 0.85 + 1.2, 2 * 1.0))
    _row(axes[0], mnist[pick(mnist_labels)], "MNIST", [str(d) for d in range(DIGITS)])
    _row(axes[1], usps[pick(usps_labels)], "USPS\n16->28", [str(d) for d in range(DIGITS)])
    fig.suptitle("Training domain (MNIST) and the USPS test digits resized to 28x28", fontsize=8)
    return fig


METHODS = ["fa", "fa_noise"]
SET_LABELS = {
    "mnist": "MNIST test",
    "mnist_translate": "translated",
    "mnist_scale": "scaled",
    "mnist_rotate": "rotated",
    "mnist_union": "all three",
    "usps28": "16 -> 28 px\n(the paper's)",
    "usps_box20": "20 px box",
    "usps_box20_mass": "20 px box,\nby mass (MNIST's)",
}


def _accuracy_bars(inputs: FigureInputs, sets: list[str], figure: str, title: str):
    acc = inputs.collected.evaluation.query("measure == 'ood_acc'")
    values = {
        (SET_LABELS[s], m): 100 * acc[(acc["item"] == s) & (acc["method"] == m)]["value"].to_numpy()
        for s in sets
        for m in METHODS
    }
    p = {
        SET_LABELS[k.removeprefix("accuracy on ")]: v
        for k, v in stats_p(inputs.stats, figure, measure=None).items()
    }
    fig, ax = plt.subplots(figsize=(1.6 + 0.9 * len(sets), 3.0))
    grouped_bars(
        ax,
        [SET_LABELS[s] for s in sets],
        METHODS,
        values,
        METHOD_COLORS,
        {m: method_label(m) for m in METHODS},
        p,
    )
    everything = np.concatenate([v for v in values.values() if v.size])
    ax.set_ylim(0, min(100, everything.max()) + 12)  # bars start at 0; room for the marks
    ax.set(ylabel="Accuracy (%)", title=title)
    ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.0, 1.0))  # beside, not on, bars
    return fig


def fig5a(inputs: FigureInputs):
    return _accuracy_bars(inputs, ["mnist"], "fig5a", "In distribution")


def fig5b(inputs: FigureInputs):
    return _accuracy_bars(
        inputs,
        ["mnist_translate", "mnist_scale", "mnist_rotate", "mnist_union"],
        "fig5b",
        "Transformed MNIST",
    )


def fig5c(inputs: FigureInputs):
    return _accuracy_bars(
        inputs, ["usps28", *FRAMINGS], "fig5c", "In the paper's framing and in MNIST's"
    )
