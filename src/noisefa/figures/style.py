"""The one place that decides how figures look: colours per method, fonts, bands, marks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; no display on compute nodes

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ..analysis.statistics import stars  # noqa: E402
from ..collected import Collected  # noqa: E402
from ..learning.methods import METHODS  # noqa: E402
from . import marks  # noqa: E402

# The paper's colours: BP grey, FA without noise orange, FA with noise blue.
METHOD_COLORS = {
    "bp": "#7a7a7a",
    "fa": "#f28e2b",
    "fa_noise": "#2a6fb0",
    "fa_wbt": "#8e5bb5",
    "bp_noise": "#59a14f",
    # beyond the paper: one hue per rule, light without and dark with noise pretraining
    "dfa": "#9fd49a",
    "dfa_noise": "#238b45",
    "ss": "#d2b5e3",
    "ss_noise": "#7b3294",
    "kp": "#f4a3a3",
    "kp_noise": "#b2182b",
}
# One colour per rule (its "with noise" colour; BP's and FA's as in the paper)
RULE_COLORS = {
    "bp": METHOD_COLORS["bp"],
    "fa": METHOD_COLORS["fa_noise"],
    **{rule: METHOD_COLORS[f"{rule}_noise"] for rule in ("dfa", "ss", "kp")},
}
STAGE_COLORS = {"untrained": "#b8b8b8", "trained": "#2a6fb0", "noise-trained": "#2a6fb0"}
NOISE_PHASE_COLOR = "#eef3fa"


def method_label(method: str) -> str:
    return METHODS[method].label if method in METHODS else method


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def layer_name(layer: int, depth: int) -> str:
    """One name per weight layer in every figure: W₁ is the input layer (index 0 in the
    results), W_depth the read-out, e.g. "W₁, first layer" or "W₂, last layer".
    Negative indices count from the read-out, as in Python (-1: the last layer)."""
    layer %= depth
    name = f"W{layer + 1}".translate(_SUBSCRIPTS)
    if layer == depth - 1:
        return f"{name}, last layer"
    return f"{name}, first layer" if layer == 0 else name


def layer_role(layer: int, depth: int) -> str:
    """What a weight layer connects: "input -> hidden 1", "hidden 1 -> hidden 2",
    "hidden 2 -> output"."""
    layer %= depth
    source = "input" if layer == 0 else f"hidden {layer}"
    target = "output" if layer == depth - 1 else f"hidden {layer + 1}"
    return f"{source} -> {target}"


def depth_of(table: pd.DataFrame) -> int:
    """Weight layers of the networks in a results table (runs carry "depth"; pretraining
    tables carry "dims", e.g. "784x100x10")."""
    if "depth" in table:
        return int(table["depth"].iloc[0])
    return str(table["dims"].iloc[0]).count("x")


def accuracy_label(split: str) -> str:
    """Accuracy axes are in percent everywhere (curves are scaled by 100 to match bars)."""
    return f"{split.capitalize()} accuracy (%)"


def apply_style() -> None:
    plt.rcParams.update(
        {
            "font.size": 9,
            "axes.titlesize": 10,
            "axes.labelsize": 9,
            "legend.fontsize": 8,
            "xtick.labelsize": 8,
            "ytick.labelsize": 8,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "figure.dpi": 120,
            "savefig.dpi": 200,
            "savefig.bbox": "tight",
            "legend.frameon": False,
            "pdf.fonttype": 42,
            "figure.constrained_layout.use": True,  # room for suptitles and labels, no overlaps
        }
    )


@dataclass
class FigureInputs:
    """What a figure function may read; each figure uses the parts it needs."""

    collected: Collected | None = None
    stats: pd.DataFrame | None = None
    data_dir: Path | None = None
    noise: str | None = None
    params: dict = field(default_factory=dict)  # study settings a figure needs


def measure_range(y: str) -> tuple[float | None, float | None]:
    """Where a measure lives, in stored units (a band of mean +- sd is cut there):
    accuracies in [0, 1], losses >= 0, angles in [0, 180] degrees."""
    if y == "acc":
        return 0.0, 1.0
    if y.endswith("loss"):
        return 0.0, None
    if y.startswith("angle_"):
        return 0.0, 180.0
    return None, None


def mean_sd_band(
    ax,
    frame: pd.DataFrame,
    x: str,
    y: str,
    color: str,
    label: str | None = None,
    x_offset: float = 0.0,
    scale: float = 1.0,
) -> None:
    """Mean line with a +-1 sd band over networks (rows sharing x); `scale` converts units
    (100 for accuracies stored as fractions and drawn in percent). The band is cut at the
    measure's range (measure_range), and the figure's footnote says so and gives n."""
    grouped = frame.groupby(x)[y]
    mean, sd = grouped.mean() * scale, grouped.std(ddof=1).fillna(0.0) * scale
    xs = mean.index.to_numpy(dtype=float) + x_offset
    ax.plot(xs, mean.to_numpy(), color=color, lw=1.6, label=label)
    low, high = (mean - sd).to_numpy(), (mean + sd).to_numpy()
    floor, ceiling = (None if b is None else b * scale for b in measure_range(y))
    cut_low = low if floor is None else np.maximum(low, floor)
    cut_high = high if ceiling is None else np.minimum(high, ceiling)
    clipped = not (np.array_equal(cut_low, low) and np.array_equal(cut_high, high))
    ax.fill_between(xs, cut_low, cut_high, color=color, alpha=0.22, lw=0)
    counts = grouped.count()
    if len(counts):
        marks.spread("Bands", int(counts.min()), int(counts.max()), clipped)


def method_bands(ax, frame: pd.DataFrame, y: str, methods, x: str = "epoch") -> None:
    """One mean +- sd band per method, in the method's colour and with its label;
    accuracies ("acc", stored as fractions) are drawn in percent like every bar."""
    for m in methods:
        mean_sd_band(
            ax,
            frame[frame["method"] == m],
            x,
            y,
            METHOD_COLORS[m],
            method_label(m),
            scale=100 if y == "acc" else 1,
        )


def bar_with_points(
    ax,
    groups: list[str],
    values: dict[str, np.ndarray],
    colors: dict[str, str],
    labels: dict[str, str] | None = None,
) -> None:
    """Mean +- sd bars with the individual networks as dots."""
    for i, g in enumerate(groups):
        v = np.asarray(values[g], dtype=float)
        ax.bar(
            i,
            v.mean(),
            yerr=v.std(ddof=1) if v.size > 1 else 0,
            color=colors[g],
            alpha=0.85,
            width=0.65,
            capsize=3,
            error_kw={"lw": 1},
        )
        jitter = np.linspace(-0.15, 0.15, v.size) if v.size > 1 else np.zeros(1)
        ax.scatter(i + jitter, v, s=8, color="black", alpha=0.6, zorder=3, lw=0)
        marks.spread("Bars", v.size, v.size)
    ax.set_xticks(range(len(groups)), [(labels or {}).get(g, g) for g in groups])


def significance(ax, x1: float, x2: float, y: float, p: float, height: float = 0.02) -> None:
    """A bracket between x1 and x2 at height y with the paper's marks (*** / NS)."""
    ax.plot([x1, x1, x2, x2], [y, y + height, y + height, y], color="black", lw=0.8)
    ax.text((x1 + x2) / 2, y + height, stars(p), ha="center", va="bottom", fontsize=8)


def p_text(p: float) -> str:
    """'*** (P = 8.0e-16)' / 'NS (P = 0.391)'."""
    if not np.isfinite(p):
        return "n/a"
    return f"{stars(p)} (P = {p:.1e})" if p < 0.001 else f"{stars(p)} (P = {p:.3f})"


def lookup_p(
    stats: pd.DataFrame | None,
    figure: str,
    comparison: str,
    test: str,
    measure: str | None = None,
    depth: int | None = None,
) -> float:
    """The p of one test from a study's statistics table (NaN when absent)."""
    if stats is None or stats.empty:
        return float("nan")
    rows = stats[
        (stats["figure"] == figure) & (stats["comparison"] == comparison) & (stats["test"] == test)
    ]
    if measure is not None:
        rows = rows[rows["measure"] == measure]
    if depth is not None and "depth" in rows:
        rows = rows[rows["depth"] == depth]
    marks.record(rows.iloc[:1])
    return float(rows["p"].iloc[0]) if len(rows) else float("nan")


def save_figure(fig, prefix: Path) -> list[Path]:
    prefix.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext in ("png", "pdf"):
        path = prefix.with_name(f"{prefix.name}.{ext}")
        tmp = path.with_name(f".{path.name}.tmp.{ext}")
        fig.savefig(tmp)
        tmp.replace(path)
        paths.append(path)
    plt.close(fig)
    return paths


def grouped_bars(
    ax,
    categories: list,
    groups: list[str],
    values: dict,
    colors: dict[str, str],
    labels: dict[str, str] | None = None,
    p_values: dict | None = None,
    width: float = 0.8,
    marks_above: dict | None = None,
    fill: float = 0.92,
) -> None:
    """Bars (mean +- sd, dots = networks) for each category and group, with a
    significance bracket over each category's first two groups when p is given. A bar
    takes `fill` of its slot; the rest is the gap to the next."""
    step = width / len(groups)
    for j, g in enumerate(groups):
        xs, means, sds = [], [], []
        for i, cat in enumerate(categories):
            v = np.asarray(values.get((cat, g), []), dtype=float)
            if v.size == 0:
                continue
            x = i - width / 2 + step * (j + 0.5)
            xs.append(x)
            marks.spread("Bars", v.size, v.size)
            means.append(v.mean())
            sds.append(v.std(ddof=1) if v.size > 1 else 0.0)
            ax.scatter(
                np.full(v.size, x) + np.linspace(-step / 5, step / 5, v.size),
                v,
                s=6,
                color="black",
                alpha=0.55,
                zorder=3,
                lw=0,
            )
        ax.bar(
            xs,
            means,
            yerr=sds,
            width=step * fill,
            color=colors[g],
            alpha=0.85,
            capsize=2,
            error_kw={"lw": 0.8},
            label=(labels or {}).get(g, g),
        )
    ax.set_xticks(range(len(categories)), [str(c) for c in categories])
    if p_values:
        everything = np.concatenate([np.asarray(v, dtype=float) for v in values.values() if len(v)])
        span = np.ptp(everything) if everything.size else 1.0
        for i, cat in enumerate(categories):
            p = p_values.get(cat, float("nan"))
            top = max(
                (np.max(values[(cat, g)]) for g in groups if len(values.get((cat, g), []))),
                default=None,
            )
            if top is not None and marks_above and cat in marks_above:
                top = max(top, marks_above[cat])  # e.g. clear of reference ticks
            if top is not None and np.isfinite(p):
                lift = 0.04 * max(span, abs(top))  # clear of the bar, the dots and any tick
                ax.text(i, top + lift, stars(p), ha="center", va="bottom", fontsize=7)


def stats_p(
    stats: pd.DataFrame | None, figure: str, test: str = "independent t (Student)", **match
) -> dict:
    """p of a figure's tests keyed by the values of one column in `match` (None = key)."""
    if stats is None or stats.empty:
        return {}
    rows = stats[(stats["figure"] == figure) & (stats["test"] == test)]
    key = next(k for k, v in match.items() if v is None)
    for column, value in match.items():
        if value is not None:
            rows = rows[rows[column] == value]
    marks.record(rows)
    return dict(zip(rows[key], rows["p"], strict=True))


def label_panels(fig) -> None:
    """Letter the panels (a), (b), ... in reading order, as the paper does; panels that
    already carry a letter, image grids and 'not run' cells (axes off) are left alone."""
    panels = [
        ax for ax in fig.axes if ax.axison and ax.get_visible() and ax.get_label() != "<colorbar>"
    ]
    if not 2 <= len(panels) <= 26:  # one panel needs no letter; grids of many are one panel
        return
    panels.sort(key=lambda ax: (-round(ax.get_position().y1, 2), ax.get_position().x0))
    for k, ax in enumerate(panels):
        title = ax.get_title()
        if not title.startswith("("):
            ax.set_title(f"({chr(ord('a') + k)}) {title}".rstrip())
