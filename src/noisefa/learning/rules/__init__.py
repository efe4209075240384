"""Learning rules: how the error reaches the layers below the output.

A rule is a module with:

- `NAME`;
- `feedback_shape(in_features, out_features, n_outputs)`: the shape of each layer's
  fixed feedback matrix B (`(out_features, in_features)`, W's shape, for rules that
  send the error down layer by layer; `(n_outputs, in_features)` for a rule that
  sends the output error straight to every layer, like direct feedback alignment);
- `propagate(delta, weight, feedback, output_error)`: the error at a layer's input
  (batch, in_features), before the derivative of the nonlinearity, from what the
  backward pathway offers: `delta`, the error at this layer's output (batch,
  out_features); `weight`, W; `feedback`, B; `output_error`, the error at the
  network's output (batch, n_outputs; None when the layer is used outside an MLP).

Weight updates are always the local `delta^T h`; rules differ only in the backward
pathway. Adding a rule = one module plus one line in `RULES`.
"""

from __future__ import annotations

from types import ModuleType

from . import backprop, feedback_alignment

RULES: dict[str, ModuleType] = {rule.NAME: rule for rule in (backprop, feedback_alignment)}


def get_rule(name: str) -> ModuleType:
    try:
        return RULES[name]
    except KeyError:
        raise ValueError(
            f"unknown learning rule {name!r}; known rules: {', '.join(sorted(RULES))}"
        ) from None
