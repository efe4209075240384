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
