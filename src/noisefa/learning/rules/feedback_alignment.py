"""Feedback alignment (Lillicrap et al., 2016): the error travels down a fixed random matrix.

B is stored in W's shape (out, in), so the paper's `B_l delta_{l+1}` (with the paper's
B of shape (in, out)) is `delta @ B` here, and "W aligned with B" compares W with B
column by column.
"""

from .shapes import layerwise as feedback_shape  # noqa: F401
from .shapes import layerwise_counterpart as bp_counterpart  # noqa: F401

NAME = "fa"


def pathway(weight, feedback):
    return feedback


def propagate(delta, weight, feedback, output_error):
    return delta @ feedback
