"""Random-noise inputs and labels for pretraining (the paper's Algorithm 1)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from ..naming import DISTRIBUTIONS, noise_tag, parse_noise_tag


@dataclass(frozen=True)
class NoiseSpec:
    """Inputs x ~ D(mean, std^2) i.i.d. per pixel, labels uniform on {0..d-1}, independent of x."""

    distribution: str = "gaussian"
    mean: float = 0.0
    std: float = 1.0

    def __post_init__(self):
        if self.distribution not in DISTRIBUTIONS:
            raise ValueError(
                f"noise distribution must be one of {DISTRIBUTIONS}, got {self.distribution!r}"
            )
        if not (self.std >= 0 and math.isfinite(self.std)):
            raise ValueError(f"noise std must be a finite number >= 0, got {self.std}")
        if not math.isfinite(self.mean):
            raise ValueError(f"noise mean must be finite, got {self.mean}")

    def tag(self, samples: int) -> str:
        """The noise part of a pretraining checkpoint's path, e.g. 'gaussian-mean0-std1-n500000'."""
        return noise_tag(self.distribution, self.mean, self.std, samples)

    @staticmethod
    def parse_tag(tag: str) -> tuple[NoiseSpec, int]:
        dist, mean, std, samples = parse_noise_tag(tag)
        return NoiseSpec(dist, mean, std), samples


class NoiseSampler:
    """Draws fresh (x, y) batches into preallocated buffers on the training device."""

    def __init__(
        self,
        spec: NoiseSpec,
        batch_size: int,
        input_dim: int,
        n_classes: int,
        gen: torch.Generator,
        device: torch.device | str = "cpu",
    ):
        self.spec, self.n_classes, self.gen = spec, n_classes, gen
        self.batch_size, self.input_dim, self.device = batch_size, input_dim, device
        # Uniform with the requested std: half-width std * sqrt(3).
        self._half_width = spec.std * math.sqrt(3.0)
        self._buffer: torch.Tensor | None = None  # created by the first draw(reuse=True)

    def draw(self, reuse: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
        """A fresh batch. With `reuse`, the inputs are written into one buffer kept by
        the sampler (the next draw overwrites them): a training step reads its input only
        while it runs, and a 64 x 784 float buffer is large enough that allocating it
        anew every step costs an mmap and page faults."""
        if reuse:
            if self._buffer is None:
                self._buffer = torch.empty(self.batch_size, self.input_dim, device=self.device)
            x = self._buffer
        else:
            x = torch.empty(self.batch_size, self.input_dim, device=self.device)
        return x, self.draw_into(x)

    def draw_into(self, x: torch.Tensor) -> torch.Tensor:
        """Fill `x` (batch_size, input_dim) with fresh inputs in place; return the labels.
        The same stream as `draw` (inputs, then labels): an ensemble fills its rows of
        one stacked batch this way."""
        if self.spec.distribution == "gaussian":
            x.normal_(self.spec.mean, self.spec.std, generator=self.gen)
        else:
            x.uniform_(
                self.spec.mean - self._half_width,
                self.spec.mean + self._half_width,
                generator=self.gen,
            )
        return torch.randint(
            self.n_classes, (self.batch_size,), generator=self.gen, device=self.device
        )
