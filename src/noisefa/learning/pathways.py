"""What each layer's error travels down under a network's rule, beside what
backpropagation would use: the pairs every alignment measure compares."""

from __future__ import annotations

import torch

from .network import MLP


def pathways(net: MLP) -> list[tuple[int, torch.Tensor, torch.Tensor]]:
    """(layer l, BP's matrix, the rule's matrix) for every layer l >= 1, i.e. every
    layer whose input error the rule decides (both in the pathway's shape)."""
    rule = net.layers[0].rule
    weights = [layer.weight.detach() for layer in net.layers]
    return [
        (i, rule.bp_counterpart(weights, i), rule.pathway(weights[i], layer.feedback))
        for i, layer in enumerate(net.layers)
        if i >= 1
    ]
