"""The rules study's figures: learning curves per rule, the effect of noise pretraining
per rule (forest plot of paired differences), and alignment three ways."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from noisefa.analysis.statistics import stars
from noisefa.data.registry import get_dataset
from noisefa.figures import marks
from noisefa.figures.style import (
    METHOD_COLORS,
    RULE_COLORS,
    FigureInputs,
    grouped_bars,
    layer_name,
)
from noisefa.naming import split_pretraining_tag
from noisefa.paper import DATASET_TITLES

from .statistics import ALIGNMENT, RULE_ORDER, layers, rule_of
from .verdicts import MEASURES

RULE_NAMES = {"bp": "BP", "fa": "FA", "dfa": "DFA", "ss": "SS", "kp": "KP"}
STAGE_BARS = {"untrained": "#c7c7c7", "noise-trained": METHOD_COLORS["fa_noise"]}
END_BARS = {"without noise": METHOD_COLORS["fa"], "with noise": METHOD_COLORS["fa_noise"]}


def rules_in(frame: pd.DataFrame) -> list[str]:
    present = {rule_of(m) for m in frame["method"]}
    return [r for r in RULE_ORDER if r in present]


def _conditions(runs: pd.DataFrame) -> tuple[list[str], list[int]]:
    return list(dict.fromkeys(runs["dataset"])), sorted(runs["depth"].unique())


def _style_legend(fig, rules: list[str]) -> None:
    handles = [Line2D([], [], color=RULE_COLORS[r], lw=2, label=RULE_NAMES[r]) for r in rules]
    handles += [
        Line2D([], [], color="black", lw=1.4, label="with noise pretraining"),
        Line2D([], [], color="black", lw=1.4, ls="--", label="without"),
    ]
    fig.legend(handles=handles, loc="outside right center", fontsize=7)


def rules_learning(inputs: FigureInputs):
    """Mean test accuracy per epoch for every rule, with (solid) and without (dashed)
    noise pretraining, one panel per dataset and depth."""
    c = inputs.collected
    datasets, depths = _conditions(c.runs)
    rules = rules_in(c.runs)
    fig, axes = plt.subplots(
        len(datasets),
        len(depths),
        figsize=(3.4 * len(depths) + 0.4, 2.5 * len(datasets) + 0.6),
        squeeze=False,
        layout="constrained",
    )
    test = c.histories[(c.histories["split"] == "test") & (c.histories["epoch"] >= 1)]
    for row, dataset in enumerate(datasets):
        for col, depth in enumerate(depths):
            ax = axes[row, col]
            here = test[(test["dataset"] == dataset) & (test["depth"] == depth)]
            for rule in rules:
                for method, style in ((rule, "--"), (f"{rule}_noise", "-")):
                    curve = here[here["method"] == method].groupby("epoch")["acc"].mean() * 100
                    color = RULE_COLORS[rule]
                    ax.plot(curve.index, curve.to_numpy(), ls=style, lw=1.2, color=color)
            ax.set_title(f"{DATASET_TITLES[dataset]}, {depth}-layer", fontsize=9)
            ax.set(xlabel="Data training epoch", ylabel="Test accuracy (%)")
    _style_legend(fig, rules)
    return fig


def _effect_rows(stats: pd.DataFrame, measure: str) -> pd.DataFrame:
    rows = stats[
        (stats["figure"] == "rules_effects")
        & (stats["test"] == "paired t")
        & (stats["measure"] == measure)
    ]
    order = {r: i for i, r in enumerate(RULE_ORDER)}
    return rows.sort_values(
        ["dataset", "depth", "rule"], key=lambda s: s.map(order) if s.name == "rule" else s
    )


EFFECT_TITLES = {
    "AUC of test accuracy": "Learning speed (AUC)",
    "final test accuracy": "Final test accuracy",
}


def rules_effects(inputs: FigureInputs):
    """Paired difference with minus without noise pretraining (percentage points, 95%
    CI) per rule, dataset and depth, for learning speed and final accuracy; the band is
    the no-effect margin, the marks the Holm-adjusted p."""
    stats, margin = inputs.stats, float(inputs.params.get("auc_margin", 1.0))
    measures = list(MEASURES)
    first = _effect_rows(stats, measures[0])
    labels = [
        f"{RULE_NAMES.get(r, r)} · {DATASET_TITLES[d]}, {int(k)}-layer"
        for r, d, k in zip(first["rule"], first["dataset"], first["depth"], strict=True)
    ]
    y = np.arange(len(labels))[::-1]
    fig, axes = plt.subplots(
        1, len(measures), figsize=(9.6, 0.28 * len(labels) + 1.6), sharey=True, squeeze=False
    )
    for ax, measure in zip(axes[0], measures, strict=True):
        rows = _effect_rows(stats, measure)
        marks.record(rows)
        ax.axvspan(-margin, margin, color="#e6e6e6", lw=0)
        ax.axvline(0, color="black", lw=0.8)
        diff, low, high = (100 * rows[c].to_numpy() for c in ("diff", "ci_low", "ci_high"))
        for yi, rule, d, lo, hi, p in zip(
            y, rows["rule"], diff, low, high, rows["p_holm"], strict=True
        ):
            color = RULE_COLORS.get(rule, "black")
            ax.errorbar(d, yi, xerr=[[d - lo], [hi - d]], fmt="o", ms=3.5, color=color, lw=1)
            ax.text(hi, yi, f"  {stars(p)}", va="center", fontsize=7)
        ax.set(
            xlabel="With - without noise pretraining (pp)",
            title=f"{EFFECT_TITLES[measure]}, Holm-adjusted marks",
        )
    axes[0, 0].set_yticks(y, labels, fontsize=7)
    return fig


def _alignment_sources(c, dataset: str, depth: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The pretrainings (with their rule) and runs of one dataset's architecture."""
    input_dim = get_dataset(dataset).input_dim
    dims = c.pretrain_runs["dims"].astype(str)
    pre = c.pretrain_runs[dims.str.startswith(f"{input_dim}x") & (dims.str.count("x") == depth)]
    pre = pre.assign(rule=pre["noise"].map(lambda tag: split_pretraining_tag(tag)[1]))
    runs = c.runs[(c.runs["dataset"] == dataset) & (c.runs["depth"] == depth)]
    return pre, runs


STAGES = {"untrained": "start", "noise-trained": "end"}
ENDS = {"without noise": "{rule}", "with noise": "{rule}_noise"}


def rules_alignment(inputs: FigureInputs):
    """For the first dataset at the smallest depth: each rule's pathway against BP's
    (per-neuron, whole-matrix and update angle), before and after noise pretraining
    (top row), and at the end of data training without and with it (bottom row)."""
    c = inputs.collected
    datasets, depths = _conditions(c.runs)
    dataset, depth = datasets[0], int(depths[0])
    rules = rules_in(c.runs)
    names = [RULE_NAMES[r] for r in rules]
    where = layers(depth)
    pre, runs = _alignment_sources(c, dataset, depth)
    fig, axes = plt.subplots(2, len(ALIGNMENT), figsize=(10.5, 5.8), squeeze=False)
    for col, (template, measure) in enumerate(ALIGNMENT):
        column = template.format(**where)
        top = {
            (RULE_NAMES[rule], stage): pre[pre["rule"] == rule][f"{column}_{when}"].dropna()
            for rule in rules
            for stage, when in STAGES.items()
            if f"{column}_{when}" in pre
        }
        grouped_bars(axes[0, col], names, list(STAGES), top, STAGE_BARS)
        bottom = {
            (RULE_NAMES[rule], label): runs[runs["method"] == method.format(rule=rule)][
                f"{column}_end"
            ].dropna()
            for rule in rules
            for label, method in ENDS.items()
            if f"{column}_end" in runs
        }
        grouped_bars(axes[1, col], names, list(ENDS), bottom, END_BARS)
        layer = where["below"] if column.startswith("grad") else where["top"]
        title = f"{measure.split(',')[0].capitalize()}, {layer_name(layer, depth)}"
        axes[0, col].set_title(title)
        axes[1, col].set_title(title)
        for ax in axes[:, col]:
            ax.axhline(90, color="black", lw=0.6, ls=":")
            ax.set(ylim=(0, 130))
    axes[0, 0].set_ylabel("Noise pretraining:\nangle to BP's (degrees)")
    axes[1, 0].set_ylabel("End of data training:\nangle to BP's (degrees)")
    axes[0, 0].legend(loc="upper left", fontsize=7, ncols=2)
    axes[1, 0].legend(loc="upper left", fontsize=7, ncols=2)
    fig.suptitle(f"{DATASET_TITLES[dataset]}, {depth}-layer networks", fontsize=9)
    return fig
