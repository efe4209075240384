"""Read-out of a network that has only seen noise (Fig 4b)."""

from __future__ import annotations

import torch

from ..learning.network import MLP
from ..seeding import generator


@torch.no_grad()
def readout_probabilities(net: MLP, n_inputs: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Softmax outputs on `n_inputs` fresh N(0, I) inputs.

    Returns (all probabilities (n, d), the probability of one uniformly drawn class per
    input (n,)): the latter are the n independent values tested against chance 1/d.
    """
    gen = generator(seed, "readout")
    d_in, d_out = net.dims[0], net.dims[-1]
    x = torch.randn(n_inputs, d_in, generator=gen)
    classes = torch.randint(d_out, (n_inputs,), generator=gen)
    probs = torch.softmax(net(x), dim=1)
    return probs, probs[torch.arange(n_inputs), classes]
