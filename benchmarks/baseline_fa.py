"""The baseline: noise pretraining the way a typical research codebase writes it.

An nn.Module MLP whose layers call a feedback-alignment autograd Function, a
torch.utils.data Dataset that draws one noise sample per __getitem__, a DataLoader that
collates batches of 64, and the default optimiser loop (zero_grad, backward, step).
Kept here, outside the package, only to be timed against noisefa's training core.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset


class FAFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias, feedback):
        ctx.save_for_backward(x, weight, feedback)
        return x @ weight.t() + bias

    @staticmethod
    def backward(ctx, grad_out):
        x, weight, feedback = ctx.saved_tensors
        return grad_out @ feedback, grad_out.t() @ x, grad_out.sum(0), None


class FALinear(nn.Module):
    def __init__(self, n_in: int, n_out: int):
        super().__init__()
        std = math.sqrt(2.0 / n_in)
        self.weight = nn.Parameter(torch.randn(n_out, n_in) * std)
        self.bias = nn.Parameter(torch.zeros(n_out))
        self.register_buffer("feedback", torch.randn(n_out, n_in) * std)

    def forward(self, x):
        return FAFunction.apply(x, self.weight, self.bias, self.feedback)


class FAMLP(nn.Module):
    def __init__(self, dims):
        super().__init__()
        self.layers = nn.ModuleList(
            FALinear(a, b) for a, b in zip(dims[:-1], dims[1:], strict=True)
        )

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = torch.relu(layer(x))
        return self.layers[-1](x)


class NoiseDataset(Dataset):
    """One fresh Gaussian input and uniform label per index."""

    def __init__(self, n: int, dim: int, classes: int):
        self.n, self.dim, self.classes = n, dim, classes

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        return torch.randn(self.dim), torch.randint(self.classes, ()).item()


def pretrain_baseline(
    samples: int = 500_000, dims=(784, 100, 10), batch: int = 64, lr: float = 1e-4
) -> None:
    torch.manual_seed(0)
    model = FAMLP(list(dims))
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loader = DataLoader(NoiseDataset(samples, dims[0], dims[-1]), batch_size=batch, drop_last=True)
    loss_fn = nn.CrossEntropyLoss()
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
