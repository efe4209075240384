"""Fig 4e,f, S13-S16: noise pretraining lowers the generalisation error (test - train loss)."""

from __future__ import annotations

import pandas as pd

from noisefa.analysis.comparisons import compare
from noisefa.collected import Collected


def statistics(c: Collected) -> pd.DataFrame:
    runs = c.runs.assign(train_size=c.runs["variant"].str.removeprefix("train").astype(int))
    size_depth, largest = int(runs["depth"].min()), int(runs["train_size"].max())
    # Fig 4f: every training-set size at the shallowest depth; Fig S15: every depth at
    # the largest training set.
    panels = [
        ("fig4f", runs[runs["depth"] == size_depth], "n_net=10, t-test, P<0.001"),
        ("figS15", runs[runs["train_size"] == largest], "lower for every depth"),
    ]
    rows = []
    for figure, frame, paper in panels:
        for (depth, size), group in frame.groupby(["depth", "train_size"]):
            rows += compare(
                figure,
                "generalisation error (test - train loss)",
                group,
                "generalization_error",
                "method",
                "fa_noise",
                "fa",
                paper,
                depth=int(depth),
                train_size=int(size),
            )
    return pd.DataFrame(rows)
