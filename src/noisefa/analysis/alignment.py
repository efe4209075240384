"""How far a rule's backward pathway agrees with backpropagation's, three ways (issue 19):

- per-neuron angle (the paper's, `measures.alignment_angles`): column i of the rule's
  matrix against column i of BP's, for every input neuron i of a layer;
- whole-matrix angle: the two matrices flattened, one angle per layer (as biotorch and
  Akrout et al., 2019, report);
- gradient angle: the rule's weight update of a layer against BP's on the same batch,
  flattened (as TinyDFA and Launay et al., 2019, report). The last layer's update is
  the same under every rule, so layers below it only.

The pairs compared are `learning.pathways`: W_l against B_l for rules that send the
error down layer by layer, and for DFA B_l against the product of the forward weights
above layer l (docs/methods.md, "Alignment under other rules").
"""

from __future__ import annotations

import copy

import torch
import torch.nn.functional as F

from ..learning.network import MLP
from ..learning.pathways import pathways


def matrix_angle(a: torch.Tensor, b: torch.Tensor) -> float:
    """Angle in degrees between two matrices flattened (NaN if either is zero)."""
    a, b = a.double().flatten(), b.double().flatten()
    cosine = (a @ b) / (a.norm() * b.norm())
    return float(torch.rad2deg(torch.arccos(cosine.clamp(-1.0, 1.0))))


def weight_gradients(net: MLP, x: torch.Tensor, y: torch.Tensor, rule: str | None = None):
    """Every layer's weight gradient of the mean cross-entropy on (x, y), under the
    network's rule or `rule`, from a copy (the network and its optimiser are untouched)."""
    twin = copy.deepcopy(net)
    if rule is not None:
        for layer in twin.layers:
            layer.rule_name = rule
    for p in twin.parameters():
        p.grad = None
    F.cross_entropy(twin(x), y).backward()
    return [layer.weight.grad for layer in twin.layers]


def gradient_angles(net: MLP, x: torch.Tensor, y: torch.Tensor) -> dict[int, float]:
    """Angle between the rule's and BP's weight update of every layer below the last."""
    ours, bp = weight_gradients(net, x, y), weight_gradients(net, x, y, rule="bp")
    return {i: matrix_angle(ours[i], bp[i]) for i in range(len(ours) - 1)}


def alignment_metrics(net: MLP, probe: tuple[torch.Tensor, torch.Tensor] | None) -> dict:
    """Whole-matrix angles of every layer l >= 1 and, given a probe batch, the gradient
    angles of every layer below the last: history columns `matrix_angle_<l>`,
    `grad_angle_<l>`."""
    out = {f"matrix_angle_{i}": matrix_angle(bp, ours) for i, bp, ours in pathways(net)}
    if probe is not None:
        angles = gradient_angles(net, *probe)
        out.update({f"grad_angle_{i}": angle for i, angle in angles.items()})
    return out
