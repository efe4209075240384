"""Measurements against hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from noisefa.analysis.measures import (
    alignment_angles,
    cosine,
    cosine_gram,
    direction_distance,
    effective_rank,
    learning_curve_auc,
    norm_ratio,
    relative_distance,
    singular_values,
)


def test_angle_of_a_matrix_with_itself_is_zero_and_with_its_negative_180():
    w = torch.randn(10, 100, generator=torch.Generator().manual_seed(0))
    assert alignment_angles(w, w).abs().max() < 1e-3
    assert (alignment_angles(w, -w) - 180).abs().max() < 1e-3
    assert alignment_angles(w, 3 * w).abs().max() < 1e-3  # scale-free


def test_angle_is_per_input_column():
    w = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    b = torch.tensor([[1.0, 1.0], [1.0, 0.0]])
    # column 0: (1,0) vs (1,1) -> 45; column 1: (0,1) vs (1,0) -> 90
    torch.testing.assert_close(alignment_angles(w, b), torch.tensor([45.0, 90.0]))


def test_independent_random_matrices_are_near_90_degrees():
    g = torch.Generator().manual_seed(1)
    angles = alignment_angles(
        torch.randn(1000, 100, generator=g), torch.randn(1000, 100, generator=g)
    )
    assert abs(angles.mean().item() - 90) < 1.0
    assert angles.std().item() < 3.0  # 1000-dim columns: ~ 180/pi / sqrt(1000) = 1.8


def test_effective_rank_of_identity_and_of_rank_k_matrices():
    assert effective_rank(torch.eye(17)) == pytest.approx(17)
    u, _ = torch.linalg.qr(torch.randn(50, 50, dtype=torch.float64))
    v, _ = torch.linalg.qr(torch.randn(40, 40, dtype=torch.float64))
    s = torch.zeros(50, 40, dtype=torch.float64)
    s[0, 0] = s[1, 1] = s[2, 2] = 2.0
    assert effective_rank(u @ s @ v.T) == pytest.approx(3, rel=1e-6)  # equal singular values
    s[0, 0] = 6.0  # unequal: p = (.6, .2, .2)
    expected = math.exp(-(0.6 * math.log(0.6) + 2 * 0.2 * math.log(0.2)))
    assert effective_rank(u @ s @ v.T) == pytest.approx(expected, rel=1e-6)
    assert effective_rank(torch.zeros(4, 4)) == 0.0


def test_singular_values_descend():
    s = singular_values(torch.diag(torch.tensor([1.0, 5.0, 3.0])))
    torch.testing.assert_close(s, torch.tensor([5.0, 3.0, 1.0]))


def test_auc_is_the_mean_accuracy():
    assert learning_curve_auc(np.array([0.5, 0.7, 0.9])) == pytest.approx(0.7)
    with pytest.raises(ValueError):
        learning_curve_auc(np.array([]))


def test_gram_of_identical_neurons_has_effective_rank_one():
    a = torch.rand(200, 1).repeat(1, 8)  # 8 neurons with the same activation vector
    gram = cosine_gram(a)
    torch.testing.assert_close(gram, torch.ones(8, 8, dtype=torch.float64))
    assert effective_rank(gram) == pytest.approx(1.0)
    orthogonal = torch.eye(8)  # each neuron fires for one sample only
    assert effective_rank(cosine_gram(orthogonal)) == pytest.approx(8.0)


def test_distances():
    b = torch.randn(10, 100)
    assert relative_distance(b, b) == 0
    assert relative_distance(torch.zeros_like(b), b) == pytest.approx(1.0)
    assert direction_distance(2 * b, b) == pytest.approx(0.0, abs=1e-6)
    assert direction_distance(-b, b) == pytest.approx(2.0, abs=1e-6)


def test_the_relative_distance_splits_into_scale_and_direction():
    g = torch.Generator().manual_seed(2)
    b, w = torch.randn(10, 100, generator=g), torch.randn(10, 100, generator=g)
    r, cos = norm_ratio(w, b), cosine(w, b)
    assert relative_distance(w, b) ** 2 == pytest.approx(r**2 + 1 - 2 * r * cos, rel=1e-5)
    # shrinking W lowers the relative distance toward 1 without turning it toward B
    assert relative_distance(0.3 * w, b) < relative_distance(w, b)
    # random directions give a cosine near 0: float32 rounding is an absolute error, not relative
    assert cosine(0.3 * w, b) == pytest.approx(cos, abs=1e-6) and norm_ratio(2 * b, b) == 2
