"""Backpropagation: the error travels down through the transpose of the forward weights
(B exists, in W's shape, so that BP and FA networks of one seed start identical)."""

from .shapes import layerwise as feedback_shape  # noqa: F401

NAME = "bp"


def propagate(delta, weight, feedback, output_error):
    return delta @ weight
