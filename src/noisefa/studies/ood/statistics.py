"""Fig 5: higher accuracy on transformed MNIST and USPS after noise pretraining."""

from __future__ import annotations

import pandas as pd

from noisefa.analysis.comparisons import compare
from noisefa.collected import Collected

from .framing import FRAMINGS

FIGURE = {"mnist": "fig5a", "usps28": "fig5c"} | dict.fromkeys(FRAMINGS, "fig5c")


def statistics(c: Collected) -> pd.DataFrame:
    table = c.evaluation
    acc = table[table["measure"] == "ood_acc"]
    rows = []
    for test_set, group in acc.groupby("item", sort=False):
        figure = FIGURE.get(test_set, "fig5b")
        # the paper tests every OOD set it made, not our framings or the MNIST test set
        tested = figure != "fig5a" and test_set not in FRAMINGS
        paper = "n_net=10, t-test, P<0.001" if tested else ""
        rows += compare(
            figure,
            f"accuracy on {test_set}",
            group,
            "value",
            "method",
            "fa_noise",
            "fa",
            paper,
            test_set=test_set,
        )
    return pd.DataFrame(rows)
