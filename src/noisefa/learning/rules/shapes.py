"""Shapes of the feedback matrix B a rule can declare (`feedback_shape`), and for each,
the matrix backpropagation would use in its place (`bp_counterpart`): what alignment
compares the rule's pathway with (`learning.pathways`, docs/methods.md)."""

from functools import reduce


def layerwise(in_features: int, out_features: int, n_outputs: int) -> tuple[int, int]:
    """B in W's shape: the error travels down one layer at a time (BP's B is unused)."""
    return (out_features, in_features)


def direct(in_features: int, out_features: int, n_outputs: int) -> tuple[int, int]:
    """B from the network's output to the layer's input (direct feedback alignment)."""
    return (n_outputs, in_features)


def layerwise_counterpart(weights, i):
    """BP sends the error below layer i through W_i itself."""
    return weights[i]


def direct_counterpart(weights, i):
    """BP's error at layer i's input is e W_L ... W_i (ReLU derivatives aside): the
    product of the forward weights from the output down to layer i, (n_outputs, in_i)
    (the comparison of Refinetti et al., 2021, "Align, then memorise", ICML)."""
    return reduce(lambda above, w: above @ w, reversed(weights[i:]))
