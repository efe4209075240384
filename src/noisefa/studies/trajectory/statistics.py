"""Fig 2e,g: distances of the last layer's W to B after noise, data, and both orders."""

from __future__ import annotations

import pandas as pd

from noisefa.analysis.comparisons import compare, test_row
from noisefa.analysis.statistics import one_sample_t
from noisefa.collected import Collected

# norm_ratio and cosine split relative_distance into W's scale and direction (Fig 2g: a
# distance can fall because W shrinks, not because it turns toward B; docs/methods.md).
MEASURES = ("relative_distance", "direction_distance", "pc_distance", "norm_ratio", "cosine")
COMPARISONS = (
    ("fig2e", "untrained", "data", "n_net=10, t-test, P<0.001"),
    ("fig2e", "untrained", "noise", "n_net=10, t-test, P<0.001"),
    ("fig2e", "noise", "data", "n_net=10, t-test, P<0.001"),
    ("fig2g", "noise", "noise_data", "n_net=10, t-test, P<0.001 (noise then data closer)"),
    ("fig2g", "data", "data_noise", "n_net=10, t-test, NS, P=0.999"),
)
# Fig 2f: "different directions": the two displacements of W at more than 60 degrees,
# where one's projection on the other is under half its length (docs/methods.md).
DIRECTIONS = (
    ("displacement_cosine", "cosine of noise and data displacements of W"),
    ("pc_displacement_cosine", "cosine of noise and data displacements of W, PC plane"),
)
SAME_DIRECTION_BELOW = 0.5


def statistics(c: Collected) -> pd.DataFrame:
    table = c.evaluation
    rows = []
    for measure in MEASURES:
        values = table[table["measure"] == measure]
        for figure, a, b, paper in COMPARISONS:
            rows += compare(
                figure,
                measure,
                values,
                "value",
                "stage",
                a,
                b,
                paper if measure == "relative_distance" else "",
            )
    moves = table[table["stage"] == "noise vs data"]
    for measure, label in DIRECTIONS:
        values = moves[moves["measure"] == measure]["value"]
        if len(values):
            rows.append(
                test_row(
                    "fig2f",
                    f"noise vs data against cosine {SAME_DIRECTION_BELOW}",
                    label,
                    one_sample_t(values, SAME_DIRECTION_BELOW),
                    "different directions in the principal component space",
                    group_a="noise vs data",
                    unit="networks",
                )
            )
    return pd.DataFrame(rows)
