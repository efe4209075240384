"""Figure vocabulary: one name per layer and one unit per quantity in every figure."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from noisefa.figures.style import accuracy_label, layer_name, mean_sd_band


def test_layer_names_count_from_one_and_mark_the_first_and_last_layer():
    assert layer_name(0, 3) == "W₁, first layer"
    assert layer_name(1, 3) == "W₂"
    assert layer_name(2, 3) == "W₃, last layer"
    assert layer_name(11, 12) == "W₁₂, last layer"
    assert layer_name(0, 1) == "W₁, last layer"  # a single layer is the read-out
    assert layer_name(-1, 3) == "W₃, last layer"  # counted from the read-out


def test_accuracy_curves_are_drawn_in_percent_like_the_bars():
    frame = pd.DataFrame({"epoch": [0, 0, 1, 1], "acc": [0.1, 0.3, 0.5, 0.7]})
    fig, ax = plt.subplots()
    mean_sd_band(ax, frame, "epoch", "acc", "black", scale=100)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [20.0, 60.0])
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    sd = 100 * np.std([0.1, 0.3], ddof=1)
    assert np.isclose(band.min(), 20.0 - sd) and np.isclose(band.max(), 60.0 + sd)
    assert accuracy_label("validation") == "Validation accuracy (%)"
    plt.close(fig)
