"""One network seed fans out into independent, named random streams.

Initial weights, feedback matrices, noise, shuffling and probes each get their own
generator, so changing how much noise a run draws never changes its initial weights,
and the same seed gives the same network to every learning rule.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # torch is imported on use, so the Snakefile can import this module cheaply
    import torch

STREAMS = (
    "init",
    "noise",
    "shuffle",
    "probe",
    "meta",
    "subset",
    "ood",
    "readout",
    "alignment",
    "augment",
)


def stream_seed(seed: int, stream: str) -> int:
    """A 63-bit seed for `stream`, derived from `seed` with NumPy's SeedSequence."""
    if stream not in STREAMS:
        raise ValueError(f"unknown random stream {stream!r}; expected one of {STREAMS}")
    entropy = [int(seed), zlib.crc32(stream.encode())]
    return int(np.random.SeedSequence(entropy).generate_state(1, dtype=np.uint64)[0] >> 1)


def generator(seed: int, stream: str, device: str | torch.device = "cpu") -> torch.Generator:
    """A torch generator on `device` for the named stream of `seed`."""
    import torch

    gen = torch.Generator(device=device)
    gen.manual_seed(stream_seed(seed, stream))
    return gen


def numpy_rng(seed: int, stream: str) -> np.random.Generator:
    """A NumPy PCG64 generator (identical on every platform) for the named stream."""
    return np.random.default_rng(stream_seed(seed, stream))
