"""The study at a glance: a heatmap of Table 1's cells (rows) under each setting and
reporting rule (columns), coloured by our mean minus the paper's, in pp."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm

from noisefa.figures.style import FigureInputs
from noisefa.paper import DATASET_TITLES

from .statistics import GAP, STATED
from .verdicts import BEYOND, WITHIN, cell_name, cell_verdicts

RULE_SHORT = {
    "best validation accuracy": "best val.",
    "test at the last epoch": "last epoch",
    "maximum test accuracy over epochs": "max test",
}


def _columns(table: pd.DataFrame, variants: list[str]) -> list[tuple[str, str]]:
    """Every setting under the stated rule, in the config's order, then the base
    networks under the other rules."""
    stated = [(v, STATED) for v in variants if (table["setting"] == v).any()]
    others = [("base", r) for r in RULE_SHORT if (table["rule"] == r).any()]
    return stated + others


def sensitivity_gaps(inputs: FigureInputs):
    margin = float(inputs.params.get("margin_pp", 1.0))
    subset = bool(inputs.params.get("subset", False))
    table = cell_verdicts(inputs.stats[inputs.stats["measure"] == GAP], margin, subset)
    variants = inputs.params.get("variants") or list(dict.fromkeys(table["setting"]))
    columns = _columns(table, variants)
    order = {name: i for i, name in enumerate(DATASET_TITLES)}  # the paper's order
    methods = {"bp": 0, "fa": 1, "fa_noise": 2}
    cells = sorted(
        dict.fromkeys(zip(table["dataset"], table["method"], strict=True)),
        key=lambda c: (order.get(c[0], 99), methods.get(c[1], 9)),
    )
    gaps = np.full((len(cells), len(columns)), np.nan)
    verdicts = np.full(gaps.shape, "", dtype=object)
    index = table.set_index(["dataset", "method", "setting", "rule"])
    for i, cell in enumerate(cells):
        for j, (setting, rule) in enumerate(columns):
            key = (*cell, setting, rule)
            if key in index.index:
                row = index.loc[key]
                gaps[i, j], verdicts[i, j] = row["gap"], row["verdict"]
    limit = max(np.nanmax(np.abs(gaps)) if np.isfinite(gaps).any() else 1.0, margin)
    fig, ax = plt.subplots(figsize=(1.2 + 0.62 * len(columns), 1.4 + 0.38 * len(cells)))
    image = ax.imshow(gaps, cmap="RdBu", norm=TwoSlopeNorm(0.0, -limit, limit), aspect="auto")
    for i in range(len(cells)):
        for j in range(len(columns)):
            if not np.isfinite(gaps[i, j]):  # e.g. grey input of a grey dataset
                ax.text(j, i, "n/a", ha="center", va="center", fontsize=6, color="0.55")
                continue
            dark = abs(gaps[i, j]) > 0.6 * limit  # white on the saturated ends
            ax.text(
                j, i, f"{gaps[i, j]:+.1f}", ha="center", va="center", fontsize=7,
                color="white" if dark else "black",
            )  # fmt: skip
            if verdicts[i, j] == WITHIN:
                ax.add_patch(plt.Rectangle((j - 0.46, i - 0.44), 0.92, 0.88, fill=False, lw=1.4))
            elif verdicts[i, j] == BEYOND:
                ax.plot([j + 0.3], [i - 0.28], marker="x", ms=3.5, color="0.25", lw=0)
    labels = [s if r == STATED else f"base: {RULE_SHORT[r]}" for s, r in columns]
    ax.set_xticks(range(len(columns)), labels, rotation=90, fontsize=7)
    ax.set_yticks(range(len(cells)), [cell_name(*c) for c in cells], fontsize=7)
    n = sorted({int(x) for x in table["n"]}) if len(table) else []
    ax.set_title(
        f"Ours - paper (pp), 2-layer cells; box: within ±{margin:g} pp (Welch TOST vs "
        f"the paper's mean ± sd, n = {'/'.join(map(str, n))} vs 3); x: CI wholly beyond",
        fontsize=8,
    )
    fig.colorbar(image, ax=ax, shrink=0.8, label="ours - paper (pp)")
    return fig
