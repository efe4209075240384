"""Fig 6b,c: noise-pretrained networks adapt faster to every task and start nearer B."""

from __future__ import annotations

import pandas as pd

from noisefa.analysis.comparisons import compare
from noisefa.collected import Collected


def statistics(c: Collected) -> pd.DataFrame:
    rows = []
    for task, runs in c.runs.groupby("dataset"):
        rows += compare(
            "fig6c",
            "AUC of test accuracy",
            runs,
            "auc_test",
            "method",
            "fa_noise",
            "fa",
            "n_net=10, t-test, P<0.001",
            task=task,
        )
    distances = c.evaluation[c.evaluation["measure"] == "relative_distance"]
    for (task, stage), group in distances.groupby(["dataset", "stage"]):
        rows += compare(
            "fig6b",
            f"distance of W to B at the {stage} of adaptation",
            group,
            "value",
            "method",
            "fa_noise",
            "fa",
            "the noise trajectory moves toward B",
            task=task,
        )
    return pd.DataFrame(rows)
