"""Shapes of the feedback matrix B a rule can declare (`feedback_shape`)."""


def layerwise(in_features: int, out_features: int, n_outputs: int) -> tuple[int, int]:
    """B in W's shape: the error travels down one layer at a time (BP's B is unused)."""
    return (out_features, in_features)


def direct(in_features: int, out_features: int, n_outputs: int) -> tuple[int, int]:
    """B from the network's output to the layer's input (direct feedback alignment)."""
    return (n_outputs, in_features)
