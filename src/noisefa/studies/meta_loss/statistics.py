"""Fig 6a: the meta-loss falls during noise training."""

from __future__ import annotations

import pandas as pd

from noisefa.analysis.comparisons import test_row
from noisefa.analysis.statistics import paired_t
from noisefa.collected import Collected


def meta_losses(table: pd.DataFrame) -> pd.DataFrame:
    """Meta-loss per (seed, epoch): sum over tasks of the query loss, mean over draws."""
    per_draw = table.groupby(["seed", "epoch", "draw"])["query_loss"].sum()
    return per_draw.groupby(["seed", "epoch"]).mean().rename("meta_loss").reset_index()


def statistics(c: Collected) -> pd.DataFrame:
    meta = meta_losses(c.evaluation).pivot_table(index="seed", columns="epoch", values="meta_loss")
    first, last = meta.columns.min(), meta.columns.max()
    return pd.DataFrame(
        [
            test_row(
                "fig6a",
                f"noise epoch {first} vs {last}",
                "meta-loss (sum over tasks)",
                paired_t(meta[first], meta[last]),
                "meta-loss decreases during noise training",
                group_a=f"epoch {first}",
                group_b=f"epoch {last}",
                unit="networks",
            )
        ]
    )
