"""Text that a reader cannot read: labels overlapping each other, or cut by the figure's
edge; and marks that hide what they mark: a significance mark crossed by a line, an error
bar or a marker, or covering a bar or a legend, and a line or marker on a bar's top.
Measured on the drawn matplotlib objects, so a test can count them."""

from __future__ import annotations

from itertools import combinations

import matplotlib
import numpy as np
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
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


def _drawn(fig: Figure, renderer):
    """The renderer of a drawn figure: drawn here unless the caller already did."""
    if renderer is None:
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
    return renderer


def layout_problems(fig: Figure) -> list[str]:
    """Every problem of both kinds, from one drawing of the figure."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return text_problems(fig, renderer) + mark_problems(fig, renderer)


def text_problems(fig: Figure, renderer=None) -> list[str]:
    """One line per pair of overlapping texts and per text cut by an edge."""
    renderer = _drawn(fig, renderer)
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


# --- marks against what they annotate: lines, markers, error bars, bars, legends ------

MARKERLESS = (None, "None", "none", "", " ")


def _display(artist, xy) -> np.ndarray:
    return artist.get_transform().transform(np.asarray(xy, dtype=float).reshape(-1, 2))


def _error_bar_parts(ax) -> set[int]:
    """The lines and caps that draw error bars (they end at a bar's top by design)."""
    parts = set()
    for container in ax.containers:
        if isinstance(container, ErrorbarContainer):
            for artist in container.get_children():
                parts.add(id(artist))
    return parts


def _references(ax) -> set[int]:
    """Lines drawn across the axes (axhline, axvline: a reference such as 90 degrees),
    which may pass a bar's top by design."""
    return {id(line) for line in ax.get_lines() if line.get_transform() != ax.transData}


def _segments(ax) -> list[tuple[np.ndarray, np.ndarray, str, int]]:
    """Every drawn line segment of the axes, in pixels: (start, end, what, artist id)."""
    found = []
    for line in ax.get_lines():
        if not line.get_visible() or line.get_linestyle() in ("None", "", " "):
            continue
        points = _display(line, line.get_xydata())
        for a, b in zip(points[:-1], points[1:], strict=True):
            if np.isfinite(a).all() and np.isfinite(b).all():
                found.append((a, b, f"line {line.get_label()!r}", id(line)))
    for collection in ax.collections:
        if isinstance(collection, LineCollection) and collection.get_visible():
            for segment in collection.get_segments():
                points = _display(collection, segment)
                for a, b in zip(points[:-1], points[1:], strict=True):
                    found.append((a, b, "error bar", id(collection)))
    return found


def _markers(ax, dpi: float) -> list[tuple[np.ndarray, float, str, int]]:
    """Every drawn marker, in pixels: (centre, radius, what, artist id)."""
    found = []
    for line in ax.get_lines():
        if not line.get_visible() or line.get_marker() in MARKERLESS:
            continue
        radius = line.get_markersize() / 2 * dpi / 72
        for point in _display(line, line.get_xydata()):
            if np.isfinite(point).all():
                found.append((point, radius, f"marker of {line.get_label()!r}", id(line)))
    for collection in ax.collections:
        if isinstance(collection, PathCollection) and collection.get_visible():
            sizes = collection.get_sizes()
            offsets = collection.get_offset_transform().transform(collection.get_offsets())
            for k, point in enumerate(offsets):
                size = sizes[k % len(sizes)] if len(sizes) else 36.0
                found.append((point, np.sqrt(size) / 2 * dpi / 72, "point", id(collection)))
    return found


def _crosses(a: np.ndarray, b: np.ndarray, box) -> bool:
    """Whether the segment a-b passes through the inside of `box` (Liang-Barsky)."""
    x0, y0 = box.x0 + TOLERANCE_PX, box.y0 + TOLERANCE_PX
    x1, y1 = box.x1 - TOLERANCE_PX, box.y1 - TOLERANCE_PX
    if x0 >= x1 or y0 >= y1:
        return False
    d = b - a
    low, high = 0.0, 1.0
    for p, q in ((-d[0], a[0] - x0), (d[0], x1 - a[0]), (-d[1], a[1] - y0), (d[1], y1 - a[1])):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def _overlaps(box_a, box_b) -> bool:
    width = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
    height = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
    return width > TOLERANCE_PX and height > TOLERANCE_PX


def _bars(ax) -> list:
    """The bars of the axes, in pixels (not spans shading a range, axvspan)."""
    return [
        p.get_window_extent()
        for p in ax.patches
        if isinstance(p, Rectangle)
        and p.get_visible()
        and p.get_height()
        and p.get_width()
        and p.get_data_transform() == ax.transData
    ]


def mark_problems(fig: Figure, renderer=None) -> list[str]:
    """Marks that hide what they mark: a text inside the axes (a significance mark, a
    label) crossed by a line, an error bar or a marker, or covering a bar or a legend; and
    a line or marker lying on the top of a bar (where a reader reads its value)."""
    renderer = _drawn(fig, renderer)
    legends = [lg.get_window_extent(renderer) for lg in fig.legends]
    problems = []
    for ax in fig.axes:
        if not ax.axison:
            continue
        own = [ax.get_legend().get_window_extent(renderer)] if ax.get_legend() else []
        segments, markers, bars = _segments(ax), _markers(ax, fig.dpi), _bars(ax)
        for text in ax.texts:
            if not (text.get_visible() and text.get_text().strip()):
                continue
            box = text.get_window_extent(renderer)
            what = _label(text)
            hit = next((s[2] for s in segments if _crosses(s[0], s[1], box)), None)
            hit = hit or next(
                (m[2] for m in markers if _crosses(m[0] - m[1], m[0] + m[1], box)), None
            )
            hit = hit or ("a bar" if any(_overlaps(box, bar) for bar in bars) else None)
            hit = hit or ("the legend" if any(_overlaps(box, lg) for lg in own + legends) else None)
            if hit:
                problems.append(f"mark hidden: {what} by {hit}")
        error_bars = _error_bar_parts(ax) | _references(ax)
        for bar in bars:
            top = bar.y1
            for a, b, what, ident in segments:
                if ident in error_bars or abs(a[1] - b[1]) > 1 or abs(a[1] - top) > 2:
                    continue
                if min(max(a[0], b[0]), bar.x1) - max(min(a[0], b[0]), bar.x0) > 2:
                    problems.append(f"bar top hidden: by {what} ({ax.get_title() or 'untitled'})")
            for centre, radius, what, ident in markers:
                # dots of single networks are data: one may sit at the mean
                if what == "point" or ident in error_bars or abs(centre[1] - top) > radius:
                    continue
                if bar.x0 < centre[0] < bar.x1:
                    problems.append(f"bar top hidden: by {what} ({ax.get_title() or 'untitled'})")
    return list(dict.fromkeys(problems))
