"""Fig 1d,e: noise training lowers the loss and aligns the last layer's W with B."""

from __future__ import annotations

import pandas as pd

from noisefa.analysis.comparisons import test_row
from noisefa.analysis.statistics import independent_t, one_sample_t, paired_t
from noisefa.collected import Collected


def last_layer_angles(angles: pd.DataFrame, seed: int) -> tuple[pd.Series, pd.Series]:
    last = angles[(angles["seed"] == seed) & (angles["layer"] == angles["layer"].max())]
    return last[last["stage"] == "untrained"]["angle"], last[last["stage"] == "trained"]["angle"]


def half_drops(histories: pd.DataFrame, layer: int) -> pd.DataFrame:
    """Per network, how far the mean last-layer angle fell in the first and in the second
    half of noise training (§4.1: it "decreased asymptotically", so the first is larger)."""
    column = f"angle_{layer}"
    rows = []
    for seed, h in histories.dropna(subset=[column]).groupby("seed"):
        angle = h.groupby("epoch")[column].mean()
        start, end = int(angle.index.min()), int(angle.index.max())
        middle = angle.index[angle.index <= (start + end) / 2].max()
        rows.append(
            {
                "seed": seed,
                "first": angle[start] - angle[middle],
                "second": angle[middle] - angle[end],
            }
        )
    return pd.DataFrame(rows)


def statistics(c: Collected) -> pd.DataFrame:
    angles, runs = c.pretrain_angles, c.pretrain_runs.sort_values("seed")
    first = int(angles["seed"].min())
    untrained, trained = last_layer_angles(angles, first)
    layer = int(angles["layer"].max())
    rows = [
        test_row(
            "fig1e",
            "untrained vs 90 degrees",
            "per-neuron angle, last layer",
            one_sample_t(untrained, 90.0),
            "n=100, one-sample t-test, NS, P=0.492",
            group_a="untrained",
            unit=f"neurons of network seed {first}",
        ),
        test_row(
            "fig1e",
            "untrained vs noise-trained",
            "per-neuron angle, last layer",
            independent_t(untrained, trained),
            "n=100, two-sample t-test, P<0.001",
            group_a="untrained",
            group_b="noise-trained",
            unit=f"neurons of network seed {first}",
        ),
        test_row(
            "fig1e",
            "untrained vs noise-trained",
            "mean angle, last layer",
            paired_t(runs[f"angle_{layer}_start"], runs[f"angle_{layer}_end"]),
            "",
            group_a="untrained",
            group_b="noise-trained",
            unit="networks",
        ),
        test_row(
            "fig1d",
            "start vs end of noise training",
            "loss on a fixed noise probe",
            paired_t(runs["probe_loss_start"], runs["probe_loss_end"]),
            "loss decreases",
            group_a="untrained",
            group_b="noise-trained",
            unit="networks",
        ),
    ]
    drops = half_drops(c.pretrain_histories, layer)
    rows.append(
        test_row(
            "fig1e",
            "first vs second half of noise training",
            "fall of the mean angle, last layer",
            paired_t(drops["first"], drops["second"]),
            "decreased asymptotically",
            group_a="first half",
            group_b="second half",
            unit="networks",
        )
    )
    return pd.DataFrame(rows)
