"""Learning rules: how the error of a layer's output reaches the layer below.

A rule is a module with `NAME` and `propagate(delta, weight, feedback)`, which maps
the error at a layer's output (batch, out) to the error at its input (batch, in),
before the derivative of the nonlinearity. Weight updates are always the local
`delta^T h`; rules differ only in this backward pathway. Adding a rule = one module
plus one line in `RULES`.
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
