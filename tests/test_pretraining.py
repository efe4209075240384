"""Noise pretraining aligns W with B (the paper's central mechanism, Fig 1e)."""

from __future__ import annotations

import pytest

from noisefa.analysis.measures import alignment_angles
from noisefa.data.loading import Tensors
from noisefa.learning.engine import Engine
from noisefa.learning.loops import pretrain_on_noise
from noisefa.learning.network import build_network
from noisefa.learning.noise import NoiseSampler, NoiseSpec
from noisefa.seeding import generator


def last_layer_angle(net) -> float:
    return alignment_angles(net.layers[-1].weight.detach(), net.layers[-1].feedback).mean().item()


def pretrain(net, seed, samples, lr=1e-3, spec=None):
    spec = spec or NoiseSpec()
    rows = []
    probe = Tensors(*NoiseSampler(spec, 256, 784, 10, generator(seed, "probe")).draw())
    sampler = NoiseSampler(spec, 64, 784, 10, generator(seed, "noise"))
    steps = pretrain_on_noise(
        Engine(net, lr), sampler, samples, 5000, probe, lambda e, m: rows.append((e, m))
    )
    return steps, rows


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_noise_pretraining_lowers_the_last_layer_angle(seed):
    net = build_network([784, 100, 10], "fa", seed)
    before = last_layer_angle(net)
    assert 85 < before < 95  # untrained: near orthogonal
    steps, rows = pretrain(net, seed, 50_000)
    assert steps == 781
    assert last_layer_angle(net) < before - 8
    assert [e for e, _ in rows] == list(range(11))  # epoch 0 (untrained) + 10 epochs
    assert rows[-1][1]["noise"][0] < rows[0][1]["noise"][0]  # probe loss falls


def test_zero_variance_noise_cannot_align_the_weights():
    # Constant inputs give the hidden layer nothing to correlate with the error: the
    # control for Fig 1f's std = 0 end of the sweep.
    net = build_network([784, 100, 10], "fa", 0)
    before = last_layer_angle(net)
    pretrain(net, 0, 20_000, spec=NoiseSpec(std=0.0))
    assert abs(last_layer_angle(net) - before) < 1.0
