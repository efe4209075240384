"""Text that a reader cannot read: labels overlapping each other, or cut by the figure's
edge. Measured on the drawn matplotlib objects, so a test can count them."""

from __future__ import annotations

from itertools import combinations

import matplotlib
from matplotlib.figure import Figure
from matplotlib.text import Text

TOLERANCE_PX = 1.0  # antialiasing and rounding: touching is not overlapping


def _undrawn_tick_labels(fig: Figure) -> set[int]:
    """Tick labels an axis keeps but does not draw (ticks outside the view, spare ticks)."""
    kept, drawn = set(), set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                kept |= {id(tick.label1), id(tick.label2)}
            if not (ax.axison and axis.get_visible()):
                kept |= {id(axis.label)}
                continue
            for tick in axis._update_ticks():  # what Axis.draw draws
                drawn |= {id(tick.label1), id(tick.label2)}
    return kept - drawn


def _texts(fig: Figure) -> list[Text]:
    undrawn = _undrawn_tick_labels(fig)
    return [
        t
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and id(t) not in undrawn
    ]


def _label(text: Text) -> str:
    where = text.axes.get_title() if text.axes is not None else "figure"
    return f"{text.get_text().strip()[:30]!r} ({where or 'untitled axes'})"


def _outside(box, limit) -> bool:
    return (
        box.x0 < limit.x0 - TOLERANCE_PX
        or box.y0 < limit.y0 - TOLERANCE_PX
        or box.x1 > limit.x1 + TOLERANCE_PX
        or box.y1 > limit.y1 + TOLERANCE_PX
    )


def text_problems(fig: Figure) -> list[str]:
    """One line per pair of overlapping texts and per text cut by an edge."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [(t, t.get_window_extent(renderer)) for t in _texts(fig)]
    boxes = [(t, b) for t, b in boxes if b.width > 0 and b.height > 0]
    # Saved with bbox "tight" (our style), the canvas grows to hold every text: only a
    # text's own clip box (the axes, for clip_on texts) can cut it.
    tight = matplotlib.rcParams["savefig.bbox"] == "tight"
    problems = []
    for text, box in boxes:
        limits = [] if tight else [fig.bbox]
        if text.get_clip_on() and text.get_clip_box() is not None:
            limits.append(text.get_clip_box())
        if any(_outside(box, limit) for limit in limits):
            problems.append(f"clipped: {_label(text)}")
    for (a, box_a), (b, box_b) in combinations(boxes, 2):
        width = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        height = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        if width > TOLERANCE_PX and height > TOLERANCE_PX:
            problems.append(f"overlap: {_label(a)} and {_label(b)}")
    return problems
