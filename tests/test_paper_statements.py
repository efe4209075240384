"""The measures behind the paper's statements that had no claim (issue 33): each on
constructed data where the answer is known, and each able to come out the other way."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from noisefa.analysis.trajectories import displacement_cosines, fit_pca
from noisefa.studies.compute_budget.statistics import trend
from noisefa.studies.fast_learning.statistics import mean_losses
from noisefa.studies.noise_alignment.statistics import half_drops
from noisefa.studies.wbt_init.statistics import update_angles


def _angles(curve) -> pd.DataFrame:
    rows = []
    for seed in range(4):
        for epoch, angle in enumerate(curve(np.arange(11))):
            rows.append({"seed": seed, "epoch": epoch, "angle_1": angle + 0.1 * seed})
    return pd.DataFrame(rows)


def test_a_levelling_angle_falls_more_in_its_first_half():
    levelling = half_drops(_angles(lambda t: 60 + 30 * np.exp(-t / 2)), layer=1)
    assert (levelling["first"] > levelling["second"]).all()
    steady = half_drops(_angles(lambda t: 90 - 3 * t), layer=1)  # a straight line
    np.testing.assert_allclose(steady["first"], steady["second"])
    speeding = half_drops(_angles(lambda t: 90 - 0.3 * t**2), layer=1)
    assert (speeding["first"] < speeding["second"]).all()


def _budget(data_epochs: dict[int, list[int]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"seed": seed, "noise_epochs": noise, "best_epoch": epochs}
            for noise, per_seed in data_epochs.items()
            for seed, epochs in enumerate(per_seed)
        ]
    )


def test_page_trend_finds_fewer_data_epochs_after_longer_noise_and_not_the_reverse():
    falling = _budget({0: [40, 42, 39], 2: [35, 36, 37], 5: [30, 28, 31], 10: [20, 22, 21]})
    (row,) = trend(falling)
    assert row["test"] == "Page's L trend" and row["n_a"] == 3
    assert row["p"] < 0.01 and row["diff"] < 0 and row["effect_size"] < -0.8
    rising = _budget({0: [20, 22, 21], 2: [30, 28, 31], 5: [35, 36, 37], 10: [40, 42, 39]})
    (row,) = trend(rising)
    assert row["p"] > 0.9 and row["diff"] > 0  # one-sided: the wrong trend is no evidence
    (two,) = trend(_budget({0: [40, 42], 5: [30, 28]}))
    assert "p" not in two  # Page's test needs three durations


def test_displacement_cosine_tells_parallel_from_orthogonal_moves():
    start = torch.zeros(1, 4, 5)
    along = torch.zeros(4, 5)
    along[0, 0] = 1.0
    across = torch.zeros(4, 5)
    across[1, 1] = 1.0
    noise = torch.cat([start, (start[0] + along)[None]])
    same = torch.cat([start, (start[0] + 2 * along)[None]])
    other = torch.cat([start, (start[0] + across)[None]])
    feedback = torch.ones(4, 5)
    for data, expected in ((same, 1.0), (other, 0.0)):
        pca = fit_pca([noise.numpy(), data.numpy()], feedback.numpy())
        found = displacement_cosines(noise, data, pca)
        assert abs(found["displacement_cosine"] - expected) < 1e-6


def test_update_angles_and_mean_losses_average_over_data_epochs_only():
    rows = []
    for method, angle, loss in (("fa", 60.0, 2.0), ("fa_wbt", 10.0, 1.0)):
        for epoch in range(3):
            for split in ("train", "test", "val"):
                rows.append(
                    {"depth": 2, "method": method, "seed": 0, "epoch": epoch, "split": split,
                     # epoch 0 is before training: left out of both averages
                     "grad_angle_0": 99.0 if epoch == 0 else angle + epoch,
                     "loss": 99.0 if epoch == 0 else loss * epoch}
                )  # fmt: skip
    histories = pd.DataFrame(rows)
    angles = update_angles(histories).set_index("method")["update_angle"]
    assert angles.to_dict() == {"fa": 61.5, "fa_wbt": 11.5}
    losses = mean_losses(histories).set_index("method")
    assert losses.loc["fa", "mean_train_loss"] == 3.0
    assert losses.loc["fa_wbt", "mean_test_loss"] == 1.5
    assert update_angles(histories.drop(columns="grad_angle_0")).empty
