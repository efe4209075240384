"""Backpropagation: the error travels down through the transpose of the forward weights
(B exists, in W's shape, so that BP and FA networks of one seed start identical)."""

from .shapes import layerwise as feedback_shape  # noqa: F401
from .shapes import layerwise_counterpart as bp_counterpart  # noqa: F401

NAME = "bp"


def pathway(weight, feedback):
    """For alignment, the B a BP network carries unused: its angle to W is a reference
    (about 90 degrees), as in the paper's figures."""
    return feedback


def propagate(delta, weight, feedback, output_error):
    return delta @ weight
