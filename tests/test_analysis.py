"""Trajectory PCA, read-out, tables: hand-checkable cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from noisefa.analysis.readout import readout_probabilities
from noisefa.analysis.tables import accuracy_table, not_run, to_latex, to_markdown
from noisefa.analysis.trajectories import distances_to_feedback, fit_pca
from noisefa.learning.network import build_network


def test_pca_trajectory_shapes_and_feedback_point():
    rng = np.random.default_rng(0)
    feedback = rng.normal(size=(10, 100))
    # W moves on a straight line from a random start to B: one component explains it.
    start = rng.normal(size=(10, 100))
    path = np.stack([start + t * (feedback - start) for t in np.linspace(0, 1, 21)])
    pca = fit_pca([path], feedback, k=2)
    coords = pca.project(path)
    assert coords.shape == (21, 2) and pca.components.shape == (2, 1000)
    assert pca.explained[0] > 0.999
    np.testing.assert_allclose(pca.project(feedback)[0], coords[-1], atol=1e-9)  # path ends on B
    d = distances_to_feedback(torch.tensor(path[-1]), torch.tensor(feedback), pca)
    assert d["relative_distance"] == pytest.approx(0, abs=1e-9)
    assert d["pc_distance"] == pytest.approx(0, abs=1e-9)
    far = distances_to_feedback(torch.tensor(path[0]), torch.tensor(feedback), pca)
    assert far["pc_distance"] > 1 and far["direction_distance"] > 0.5


def test_readout_of_a_silent_network_is_exactly_chance():
    net = build_network([20, 16, 5], "fa", 0)
    with torch.no_grad():
        net.layers[-1].weight.zero_()  # logits = bias = 0 for every input
    everything, sampled = readout_probabilities(net, 50, seed=0)
    assert everything.shape == (50, 5) and sampled.shape == (50,)
    torch.testing.assert_close(sampled, torch.full((50,), 0.2))
    untrained = readout_probabilities(build_network([20, 16, 5], "fa", 0), 500, 0)[1]
    assert untrained.std() > 0.05  # a random network is confident about random inputs
    torch.testing.assert_close(everything.sum(1), torch.ones(50))


def fake_runs():
    rows = []
    for seed, (bp, fa, fan) in enumerate([(0.98, 0.96, 0.97), (0.99, 0.95, 0.975)]):
        for method, acc in (("bp", bp), ("fa", fa), ("fa_noise", fan)):
            rows.append(
                {
                    "dataset": "mnist",
                    "depth": 2,
                    "method": method,
                    "seed": seed,
                    "at_best_test_acc": acc,
                }
            )
    return pd.DataFrame(rows)


def test_accuracy_table_pairs_the_difference_and_marks_missing_data():
    table = accuracy_table(
        fake_runs(), ["mnist", "stl10"], [2], missing=["stl10"], subsets={"mnist": "subset: 1 of 2"}
    )
    delta = table[(table["dataset"] == "mnist") & (table["row"].str.startswith("ΔACC"))].iloc[0]
    assert delta["mean"] == pytest.approx(100 * np.mean([0.01, 0.025]))
    assert delta["sd"] == pytest.approx(100 * np.std([0.01, 0.025], ddof=1))
    assert delta["paper_mean"] == 0.49
    assert set(table[table["dataset"] == "stl10"]["status"]) == {"not run: STL-10 not available"}
    markdown = to_markdown(table, [2], "Table 1")
    assert "97.25 ± 0.35" in markdown and not_run("stl10") in markdown
    measured, paper = markdown.split("- paper (n = 3)")
    assert "subset: 1 of 2" in measured and "subset" not in paper  # the paper used full splits
    latex = to_latex(table, [2], "Table 1")
    assert latex.count("\\begin{table}") == 1 and "$\\pm$" in latex and "$\\Delta$ACC" in latex
