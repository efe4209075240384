"""Table 1 / S5, Fig 3: accuracy at the best validation epoch, per dataset and depth."""

from __future__ import annotations

import pandas as pd

from ...collected import Collected
from ...paper import delta_acc
from . import compare


def statistics(c: Collected) -> pd.DataFrame:
    rows = []
    for (dataset, depth), runs in c.runs.groupby(["dataset", "depth"]):
        paper = delta_acc(dataset, depth)
        note = f"paper dACC {paper[0]:.2f} +- {paper[1]:.2f} (n=3)" if paper else ""
        context = {"dataset": dataset, "depth": depth}
        for other, statement in (("fa", note), ("bp", "")):
            rows += compare(
                "table1",
                "test accuracy at best validation epoch",
                runs,
                "at_best_test_acc",
                "method",
                "fa_noise",
                other,
                statement,
                **context,
            )
    return pd.DataFrame(rows)
