"""Example-image grids: the noise the networks pretrain on, and the datasets they learn."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from ..data.loading import read_staged
from ..data.registry import get_dataset
from ..learning.noise import NoiseSampler, NoiseSpec
from ..seeding import generator
from .style import FigureInputs


def _show(ax, image: np.ndarray, title: str, cmap: str = "gray", vmin=None, vmax=None) -> None:
    ax.imshow(
        image, cmap=cmap if image.ndim == 2 else None, vmin=vmin, vmax=vmax, interpolation="nearest"
    )
    ax.set_title(title, fontsize=7, pad=2)
    ax.set_axis_off()


def noise_grid(inputs: FigureInputs, n: int = 24, side: int = 28):
    spec, _ = NoiseSpec.parse_tag(inputs.noise)
    x, y = NoiseSampler(spec, n, side * side, 10, generator(0, "probe")).draw()
    images = x.reshape(n, side, side).numpy()
    bound = max(3 * spec.std, 1e-6) + abs(spec.mean)
    cols = 8
    fig, axes = plt.subplots(
        math.ceil(n / cols), cols, figsize=(cols * 0.95, math.ceil(n / cols) * 1.05)
    )
    for ax, img, label in zip(axes.flat, images, y.tolist(), strict=True):
        _show(ax, img, f"label {label}", cmap="RdBu_r", vmin=-bound, vmax=bound)
    fig.suptitle(
        f"Random noise inputs: {spec.distribution}, mean {spec.mean:g}, std {spec.std:g}; "
        "labels uniform on 0..9, independent of the input",
        fontsize=8,
    )
    return fig


def dataset_grid(
    dataset: str, inputs: FigureInputs, per_class: int = 3, max_classes: int = 10, target=None
):
    """The first images of each class; drawn into `target` (a subfigure) when given."""
    info = get_dataset(dataset)
    images, labels = read_staged(inputs.data_dir, dataset, "train")
    classes = list(range(min(info.n_classes, max_classes)))
    fig = target or plt.figure(figsize=(len(classes) * 0.8, per_class * 0.9))
    axes = fig.subplots(per_class, len(classes))
    axes = np.atleast_2d(axes)
    for col, c in enumerate(classes):
        picks = np.flatnonzero(labels == c)[:per_class]
        for row in range(per_class):
            ax = axes[row, col]
            if row < picks.size:
                _show(ax, images[picks[row]], f"{c}" if row == 0 else "")
            else:
                ax.set_axis_off()
    fig.suptitle(f"{info.title} training images (first {per_class} of each class)", fontsize=8)
    return fig
