"""Does noise pretraining help each rule (learning speed, final accuracy, alignment at
the end of training), and does noise training align each rule's pathway with BP's?"""

from __future__ import annotations

import pandas as pd

from noisefa.analysis.comparisons import compare, test_row
from noisefa.analysis.statistics import paired_t
from noisefa.collected import Collected
from noisefa.naming import split_pretraining_tag

# What "helps" means, per run measure: (column template, measure name); {top} is the
# last layer with a feedback pathway, {below} the layer whose update it sets
EFFECTS = (
    ("auc_test", "AUC of test accuracy"),
    ("final_test_acc", "final test accuracy"),
    ("angle_{top}_end", "end-of-training per-neuron angle, top layer"),
    ("matrix_angle_{top}_end", "end-of-training whole-matrix angle, top layer"),
    ("grad_angle_{below}_end", "end-of-training update angle, layer below the top"),
)
# ... and what noise training does to the pathway, per pretraining measure
ALIGNMENT = (
    ("angle_{top}", "per-neuron angle, top layer"),
    ("matrix_angle_{top}", "whole-matrix angle, top layer"),
    ("grad_angle_{below}", "update angle, layer below the top"),
)


RULE_ORDER = ["bp", "fa", "dfa", "ss", "kp"]


def layers(depth: int) -> dict[str, int]:
    return {"top": depth - 1, "below": depth - 2}


def rule_of(method: str) -> str:
    return method.removesuffix("_noise")


def noise_effects(runs: pd.DataFrame) -> list[dict]:
    """Per dataset, depth and rule: `<rule>_noise` against `<rule>`, Student's and
    paired t (the networks of one seed share their initial W and B)."""
    rows = []
    runs = runs.assign(rule=runs["method"].map(rule_of))
    for (dataset, depth, rule), part in runs.groupby(["dataset", "depth", "rule"]):
        for template, measure in EFFECTS:
            column = template.format(**layers(int(depth)))
            if column not in part or part[column].isna().all():
                continue  # e.g. no layer below the top in a 1-layer network
            rows += compare(
                "rules_effects",
                measure,
                part,
                column,
                "method",
                f"{rule}_noise",
                rule,
                dataset=dataset,
                depth=int(depth),
                rule=rule,
            )
    return rows


def noise_alignment(pretrains: pd.DataFrame) -> list[dict]:
    """Per architecture and rule: each pretraining's angle after noise against before
    (paired t over networks)."""
    rows = []
    if pretrains.empty:
        return rows
    tagged = pretrains.assign(rule=pretrains["noise"].map(lambda t: split_pretraining_tag(t)[1]))
    for (dims, rule), part in tagged.groupby(["dims", "rule"]):
        depth = str(dims).count("x")
        for template, measure in ALIGNMENT:
            column = template.format(**layers(depth))
            start, end = f"{column}_start", f"{column}_end"
            if start not in part or part[start].isna().all():
                continue
            rows.append(
                test_row(
                    "rules_alignment",
                    "noise-trained vs untrained",
                    measure,
                    paired_t(part[end], part[start]),
                    group_a="noise-trained",
                    group_b="untrained",
                    unit="networks",
                    dims=dims,
                    depth=depth,
                    rule=rule,
                )
            )
    return rows


def statistics(c: Collected) -> pd.DataFrame:
    return pd.DataFrame(noise_effects(c.runs) + noise_alignment(c.pretrain_runs))
