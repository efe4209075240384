"""Direct feedback alignment (Nøkland, 2016, "Direct Feedback Alignment Provides Learning
in Deep Neural Networks", NeurIPS): every layer below the output receives the network's
output error e through its own fixed random matrix, delta_l = (e B_l) * relu'(o_l),
instead of the error of the layer above.

B_l is stored as (n_outputs, in_features): it maps the output error to the layer's
input, so `output_error @ B`. The top hidden layer's B plays FA's role there; the
others skip every layer in between. The alignment it induces is between B_l and the
product of the forward weights above the layer (`analysis.alignment`, docs/methods.md).
"""

from .shapes import direct as feedback_shape  # noqa: F401
from .shapes import direct_counterpart as bp_counterpart  # noqa: F401

NAME = "dfa"


def pathway(weight, feedback):
    return feedback


def propagate(delta, weight, feedback, output_error):
    if output_error is None:
        raise ValueError("direct feedback alignment needs the network's output error")
    return output_error @ feedback
