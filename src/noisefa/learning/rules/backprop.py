"""Backpropagation: the error travels down through the transpose of the forward weights
(B exists, in W's shape, so that BP and FA networks of one seed start identical)."""

import torch

from .shapes import layerwise as feedback_shape  # noqa: F401

NAME = "bp"


def propagate(
    delta: torch.Tensor,
    weight: torch.Tensor,
    feedback: torch.Tensor,
    output_error: torch.Tensor | None,
) -> torch.Tensor:
    return delta @ weight
