"""Fig 4e,f, S13-S16: noise pretraining lowers the generalisation error (test - train loss)."""

from __future__ import annotations

import pandas as pd

from ...collected import Collected
from . import compare


def statistics(c: Collected) -> pd.DataFrame:
    runs = c.runs.assign(train_size=c.runs["variant"].str.removeprefix("train").astype(int))
    rows = []
    size_depth = int(runs["depth"].min())
    for size, group in runs[runs["depth"] == size_depth].groupby("train_size"):
        rows += compare(
            "fig4f",
            "generalisation error (test - train loss)",
            group,
            "generalization_error",
            "method",
            "fa_noise",
            "fa",
            "n_net=10, t-test, P<0.001",
            depth=size_depth,
            train_size=size,
        )
    largest = runs["train_size"].max()
    for depth, group in runs[runs["train_size"] == largest].groupby("depth"):
        rows += compare(
            "figS15",
            "generalisation error (test - train loss)",
            group,
            "generalization_error",
            "method",
            "fa_noise",
            "fa",
            "lower for every depth",
            depth=depth,
            train_size=largest,
        )
    return pd.DataFrame(rows)
