"""Fig 1f: the last-layer angle falls for every noise std > 0 and for uniform noise."""

from __future__ import annotations

import pandas as pd

from noisefa.analysis.comparisons import test_row
from noisefa.analysis.statistics import paired_t
from noisefa.collected import Collected


def statistics(c: Collected) -> pd.DataFrame:
    table = c.evaluation
    last = table[table["layer"] == table["layer"].max()]
    rows = []
    for (dist, std), group in last.groupby(["distribution", "std"]):
        rows.append(
            test_row(
                "fig1f",
                f"{dist} std {std:g}: untrained vs noise-trained",
                "mean angle, last layer",
                paired_t(group["angle_start"], group["angle_end"]),
                "the drop holds across stds and for uniform noise",
                group_a="untrained",
                group_b="noise-trained",
                unit="trials",
                distribution=dist,
                std=std,
            )
        )
    return pd.DataFrame(rows)
