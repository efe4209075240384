"""The multilayer perceptron of the paper: ReLU hidden layers, softmax read-out."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from ..naming import (
    INIT_SCHEMES,
    mlp_dims,  # noqa: F401  (re-exported: layer sizes belong with the MLP)
)
from ..seeding import generator
from .layers import FeedbackLinear, OutputError, record_output_error


class MLP(nn.Module):
    def __init__(self, dims: Sequence[int], rule: str = "fa"):
        super().__init__()
        if len(dims) < 2:
            raise ValueError(f"an MLP needs at least input and output sizes, got dims={list(dims)}")
        self.dims = [int(d) for d in dims]
        self.layers = nn.ModuleList(
            FeedbackLinear(n_in, n_out, rule, n_outputs=self.dims[-1])
            for n_in, n_out in zip(self.dims[:-1], self.dims[1:], strict=True)
        )
        self._output_error = OutputError()

    @property
    def rule_name(self) -> str:
        return self.layers[0].rule_name

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits; the softmax is folded into the cross-entropy loss. On the way back,
        every layer's rule is offered the error at these logits."""
        record = self._output_error
        for layer in self.layers[:-1]:
            x = torch.relu(layer(x, record))
        return record_output_error(self.layers[-1](x, record), record)

    def hidden_activations(self, x: torch.Tensor) -> list[torch.Tensor]:
        """ReLU outputs of every hidden layer (for Gram matrices and read-outs)."""
        activations = []
        for layer in self.layers[:-1]:
            x = torch.relu(layer(x))
            activations.append(x)
        return activations


def _draw(shape: tuple[int, int], scheme: str, gen: torch.Generator) -> torch.Tensor:
    n_out, n_in = shape
    if scheme == "he_normal":
        return torch.randn(shape, generator=gen) * math.sqrt(2.0 / n_in)
    if scheme == "xavier_normal":
        return torch.randn(shape, generator=gen) * math.sqrt(2.0 / (n_in + n_out))
    if scheme == "he_uniform":
        bound = math.sqrt(6.0 / n_in)
        return torch.rand(shape, generator=gen) * (2 * bound) - bound
    raise ValueError(f"unknown init scheme {scheme!r}; expected one of {INIT_SCHEMES}")


def build_network(dims: Sequence[int], rule: str, seed: int, init: str = "he_normal") -> MLP:
    """A freshly initialised network; the same (dims, seed, init) gives the same W and B
    whatever the rule, so BP, FA and FA-after-noise start from one duplicated network."""
    net = MLP(dims, rule)
    gen = generator(seed, "init")
    with torch.no_grad():
        for layer in net.layers:
            # Draw order is fixed (W then B, layer by layer): part of the seed contract.
            layer.weight.copy_(_draw(tuple(layer.weight.shape), init, gen))
            layer.feedback.copy_(_draw(tuple(layer.feedback.shape), init, gen))
            layer.bias.zero_()
    return net
