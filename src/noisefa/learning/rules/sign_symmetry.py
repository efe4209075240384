"""Sign-symmetry (Liao, Leibo & Poggio, 2016, "How Important Is Weight Symmetry in
Backpropagation?", AAAI): the error travels down a matrix with the signs of the forward
weights, sign(W), so the backward pathway shares W's signs but not its magnitudes.

The magnitudes are the fixed random B's, |B| * sign(W) (the "fixed random-magnitude
sign-concordant feedback" of Moskovitz et al., 2018; biotorch's `frsf`), so the
backward signal has FA's scale and the same seed gives the same |B| as FA's B; Liao et
al.'s uniform magnitude 1 differs from it by that scale only. The signs follow W as it
learns; B itself never changes.
"""

from .shapes import layerwise as feedback_shape  # noqa: F401
from .shapes import layerwise_counterpart as bp_counterpart  # noqa: F401

NAME = "ss"


def pathway(weight, feedback):
    return feedback.abs() * weight.sign()


def propagate(delta, weight, feedback, output_error):
    return delta @ pathway(weight, feedback)
