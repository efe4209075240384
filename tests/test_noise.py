"""Noise for pretraining: distributions, labels, names and step counts."""

from __future__ import annotations

import math

import pytest
import torch

from noisefa.learning.loops import noise_steps
from noisefa.learning.noise import NoiseSampler, NoiseSpec
from noisefa.seeding import generator, stream_seed


@pytest.mark.parametrize("dist", ["gaussian", "uniform"])
def test_noise_has_the_requested_mean_and_std(dist):
    spec = NoiseSpec(dist, mean=0.5, std=2.0)
    x, y = NoiseSampler(spec, 4096, 64, 10, generator(0, "noise")).draw()
    assert abs(x.mean().item() - 0.5) < 0.02
    assert abs(x.std().item() - 2.0) < 0.02
    if dist == "uniform":
        half = 2.0 * math.sqrt(3)
        assert x.min() >= 0.5 - half and x.max() <= 0.5 + half
    assert y.min() >= 0 and y.max() <= 9
    counts = torch.bincount(y, minlength=10).float()
    assert counts.min() > 300  # ~410 each


def test_every_draw_is_fresh_and_reproducible():
    spec = NoiseSpec()
    a = NoiseSampler(spec, 8, 16, 10, generator(3, "noise"))
    b = NoiseSampler(spec, 8, 16, 10, generator(3, "noise"))
    x1, _ = a.draw()
    x2, _ = a.draw()
    assert not torch.equal(x1, x2)
    assert torch.equal(x1, b.draw()[0])


def test_streams_are_independent_of_each_other():
    assert stream_seed(0, "init") != stream_seed(0, "noise") != stream_seed(1, "noise")
    with pytest.raises(ValueError):
        stream_seed(0, "typo")


def test_noise_tag_roundtrip_and_validation():
    spec = NoiseSpec("uniform", 0.0, 0.5)
    assert spec.tag(500000) == "uniform-mean0-std0.5-n500000"
    assert NoiseSpec.parse_tag(spec.tag(500000)) == (spec, 500000)
    with pytest.raises(ValueError, match="distribution"):
        NoiseSpec("laplace")
    with pytest.raises(ValueError, match="std"):
        NoiseSpec(std=-1)
    with pytest.raises(ValueError, match="noise tag"):
        NoiseSpec.parse_tag("gaussian-1")


def test_paper_noise_schedule_is_7812_steps_over_100_epochs():
    steps = noise_steps(500_000, 64, 5000)
    assert len(steps) == 100 and steps[-1] == 7812 and steps[0] == 78
    assert noise_steps(1000, 64, 5000) == [15]  # fewer samples than one epoch
