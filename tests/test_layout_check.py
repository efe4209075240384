"""The text-layout check finds overlapping and clipped texts, and only those."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from noisefa.figures.layout_check import text_problems  # noqa: E402
from noisefa.figures.style import apply_style  # noqa: E402


def test_overlapping_labels_are_found_and_separate_ones_pass():
    apply_style()
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_xlim(0, 10)
    ax.text(5, 0.5, "NS")
    ax.text(5.05, 0.5, "NS")
    problems = text_problems(fig)
    assert len(problems) == 1 and problems[0].startswith("overlap: 'NS'")
    fig2, ax2 = plt.subplots(figsize=(3, 2))
    ax2.set_xticks(range(-1000, 1001, 50))
    ax2.set_xlim(-100, 100)  # the tick labels outside the view are not drawn: not counted
    ax2.text(0.1, 0.5, "left", transform=ax2.transAxes)
    ax2.text(0.7, 0.5, "right", transform=ax2.transAxes)
    assert text_problems(fig2) == []
    plt.close("all")


def test_a_clip_on_text_cut_by_its_axes_is_found():
    apply_style()
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.text(0.95, 0.5, "a long label that leaves the axes", transform=ax.transAxes, clip_on=True)
    assert any(p.startswith("clipped:") for p in text_problems(fig))
    plt.close("all")


def test_marks_hidden_by_lines_error_bars_markers_bars_or_legends_are_found():
    from noisefa.figures.layout_check import mark_problems

    apply_style()
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set(xlim=(0, 10), ylim=(0, 10))
    ax.plot([0, 10], [5, 5], label="curve")
    ax.text(5, 5, "***", ha="center", va="center")  # the curve runs through it
    ax.errorbar([2], [2], yerr=[1.5], fmt="none")
    ax.text(2, 2, "NS", ha="center", va="center")  # an error bar through it
    ax.plot([8], [8], "o", ms=8, label="point")
    ax.text(8, 8, "*", ha="center", va="center")  # on a marker
    found = mark_problems(fig)
    assert any("'***'" in p and "line 'curve'" in p for p in found), found
    assert any("'NS'" in p and "error bar" in p for p in found), found
    assert any("'*'" in p and "marker of 'point'" in p for p in found), found
    fig2, ax2 = plt.subplots(figsize=(3, 2))
    ax2.set(xlim=(0, 10), ylim=(0, 10))
    ax2.plot([0, 10], [1, 1], label="a long legend entry")
    ax2.legend(loc="upper left")
    ax2.text(0.5, 9.3, "NS")  # under the legend
    ax2.text(8, 5, "***")  # clear of everything
    found = mark_problems(fig2)
    assert len(found) == 1 and "'NS'" in found[0] and "legend" in found[0], found
    plt.close("all")


def test_a_line_or_marker_on_a_bars_top_is_found_but_its_error_bar_is_not():
    from noisefa.figures.layout_check import mark_problems

    apply_style()
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.bar([0, 1], [50, 70], yerr=[0, 3], capsize=2, width=0.5)
    ax.set_ylim(0, 100)
    assert mark_problems(fig) == []  # a cap on the top (sd 0) is the bar's own
    ax.plot([-0.1, 0.1], [50.2, 50.2], color="black", lw=1.5)  # Fig 3's old paper tick
    assert any(p.startswith("bar top hidden: by line") for p in mark_problems(fig))
    fig2, ax2 = plt.subplots(figsize=(3, 2))
    ax2.bar([0], [50], width=0.5)
    ax2.set_ylim(0, 100)
    ax2.plot([0.1], [50], "v", ms=5)
    assert any(p.startswith("bar top hidden: by marker") for p in mark_problems(fig2))
    plt.close("all")


def test_fig3_keeps_the_bar_tops_free_and_letters_its_panels_as_the_paper():
    """The paper's Table S5 means sit beside the bars (ticks across them hid the tops
    when our mean equals the paper's); panels run (a) MNIST ... as in the paper."""
    from types import SimpleNamespace

    import numpy as np
    import pandas as pd

    from noisefa.figures.layout_check import mark_problems, text_problems
    from noisefa.paper import table_s5
    from noisefa.studies.benchmark.figures import fig3

    apply_style()
    rows = []
    for dataset in ("cifar10", "mnist", "fashion_mnist"):
        for depth in (2, 3):
            for method in ("bp", "fa", "fa_noise"):
                mean = table_s5(dataset, method, depth)[0] / 100  # exactly the paper's
                for seed in range(3):
                    rows.append({"dataset": dataset, "depth": depth, "method": method,
                                 "seed": seed, "at_best_test_acc": mean + 0.001 * (seed - 1),
                                 "stopped_early": True})  # fmt: skip
    inputs = SimpleNamespace(
        collected=SimpleNamespace(runs=pd.DataFrame(rows)),
        stats=None,
        params={"depths": [2, 3], "missing": []},
        data_dir=None,
    )
    fig = fig3(inputs)
    assert mark_problems(fig) == [] and text_problems(fig) == []
    titles = [ax.get_title() for ax in fig.axes if ax.axison]
    assert titles[:3] == ["(a) MNIST", "(b) F-MNIST", "(c) CIFAR-10"], titles
    paper = [x for x in fig.axes[0].lines if x.get_marker() == "<" and len(x.get_ydata())]
    assert len(paper) == 6 and np.isfinite([line.get_ydata()[0] for line in paper]).all()
    plt.close("all")
