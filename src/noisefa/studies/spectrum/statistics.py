"""Fig 4b-d, S12: a noise-trained network reads out near chance and has low-rank weights."""

from __future__ import annotations

import pandas as pd

from noisefa.analysis.comparisons import test_row
from noisefa.analysis.statistics import paired_t, wilcoxon_vs
from noisefa.collected import Collected


def statistics(c: Collected) -> pd.DataFrame:
    table, runs = c.evaluation, c.pretrain_runs.sort_values("seed")
    n_classes = int(str(runs["dims"].iloc[0]).split("x")[-1])
    chance = 1.0 / n_classes
    readout = table[table["measure"] == "readout_prob"]
    first = int(readout["seed"].min())
    rows = []
    papers = {
        "untrained": "n=1000, Wilcoxon, P<0.001",
        "noise-trained": "n=1000, Wilcoxon, NS, P=0.096",
    }
    for stage, paper in papers.items():
        values = readout[(readout["seed"] == first) & (readout["stage"] == stage)]["value"]
        rows.append(
            test_row(
                "fig4b",
                f"{stage} vs chance 1/{n_classes}",
                "read-out probability",
                wilcoxon_vs(values, chance),
                paper,
                group_a=stage,
                unit=f"noise inputs, network seed {first}",
            )
        )
    deviation = (
        readout.assign(dev=(readout["value"] - chance).abs())
        .groupby(["seed", "stage"])["dev"]
        .mean()
    )
    deviation = deviation.unstack()
    rows.append(
        test_row(
            "fig4b",
            "untrained vs noise-trained",
            "mean |read-out - chance| per network",
            paired_t(deviation["untrained"], deviation["noise-trained"]),
            "",
            group_a="untrained",
            group_b="noise-trained",
            unit="networks",
        )
    )
    share = table[(table["measure"] == "top_singular_share") & (table["item"].astype(str) == "0")]
    share = share.pivot_table(index="seed", columns="stage", values="value")
    rows.append(
        test_row(
            "fig4c",
            "untrained vs noise-trained",
            "share of the top singular value, layer 0",
            paired_t(share["untrained"], share["noise-trained"]),
            "a few singular values become dominant",
            group_a="untrained",
            group_b="noise-trained",
            unit="networks",
        )
    )
    for column in sorted(k for k in runs if k.startswith("erank_") and k.endswith("_start")):
        layer = column.split("_")[1]
        rows.append(
            test_row(
                "fig4d" if layer == "0" else "figS12",
                "start vs end of noise training",
                f"effective rank, layer {layer}",
                paired_t(runs[column], runs[f"erank_{layer}_end"]),
                "effective rank decreases",
                group_a="untrained",
                group_b="noise-trained",
                unit="networks",
                layer=int(layer),
            )
        )
    return pd.DataFrame(rows)
