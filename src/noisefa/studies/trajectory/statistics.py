"""Fig 2e,g: distances of the last layer's W to B after noise, data, and both orders."""

from __future__ import annotations

import pandas as pd

from noisefa.analysis.comparisons import compare
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
    return pd.DataFrame(rows)
