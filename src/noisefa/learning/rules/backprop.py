"""Backpropagation: the error travels down through the transpose of the forward weights."""

import torch

NAME = "bp"


def propagate(delta: torch.Tensor, weight: torch.Tensor, feedback: torch.Tensor) -> torch.Tensor:
    return delta @ weight
