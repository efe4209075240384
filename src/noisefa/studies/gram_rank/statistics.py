"""Fig 4g,h: the Gram matrix of learned features has a lower effective rank after noise."""

from __future__ import annotations

import pandas as pd

from noisefa.analysis.comparisons import compare
from noisefa.collected import Collected


def statistics(c: Collected) -> pd.DataFrame:
    table = c.evaluation
    gram = table[table["measure"] == "gram_erank"]
    rows = []
    for depth, group in gram.groupby("depth"):
        rows += compare(
            "fig4g" if depth == gram["depth"].min() else "fig4h",
            "Gram effective rank",
            group,
            "value",
            "method",
            "fa_noise",
            "fa",
            "n_net=10, t-test, P<0.001",
            depth=depth,
        )
    return pd.DataFrame(rows)
