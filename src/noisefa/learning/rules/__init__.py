"""Learning rules: how the error reaches the layers below the output.

A rule is a module with:

- `NAME`;
- `feedback_shape(in_features, out_features, n_outputs)`: the shape of each layer's
  fixed feedback matrix B (`(out_features, in_features)`, W's shape, for rules that
  send the error down layer by layer; `(n_outputs, in_features)` for a rule that
  sends the output error straight to every layer, like direct feedback alignment);
- `pathway(weight, feedback)`: the matrix the error travels down (B for FA; for
  alignment) and `bp_counterpart(weights, i)`: the matrix BP would use instead at
  layer i (`shapes`: W_i, or the product of the weights above for a direct rule);
- `propagate(delta, weight, feedback, output_error)`: the error at a layer's input
  (batch, in_features), before the derivative of the nonlinearity, from what the
  backward pathway offers: `delta`, the error at this layer's output (batch,
  out_features); `weight`, W; `feedback`, B; `output_error`, the error at the
  network's output (batch, n_outputs; None when the layer is used outside an MLP).

Weight updates are always the local `delta^T h`. A rule whose B learns sets
`learns_feedback = True` and gives `keep_gap(weight, feedback, gap)` (called before the
optimiser's step) and `update_feedback(weight, feedback, gap, decay)` (after it); the
engines then also decay W by `decay` per step (Kolen-Pollack). Adding a rule = one
module plus one line in `RULES`.
"""

from __future__ import annotations

from types import ModuleType

from . import (
    backprop,
    direct_feedback_alignment,
    feedback_alignment,
    kolen_pollack,
    sign_symmetry,
)

RULES: dict[str, ModuleType] = {
    rule.NAME: rule
    for rule in (
        backprop,
        feedback_alignment,
        direct_feedback_alignment,
        sign_symmetry,
        kolen_pollack,
    )
}


def learns_feedback(rule: ModuleType) -> bool:
    return getattr(rule, "learns_feedback", False)


def get_rule(name: str) -> ModuleType:
    try:
        return RULES[name]
    except KeyError:
        raise ValueError(
            f"unknown learning rule {name!r}; known rules: {', '.join(sorted(RULES))}"
        ) from None
