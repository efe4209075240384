"""A linear layer whose backward pathway is set by a learning rule."""

from __future__ import annotations

from types import ModuleType

import torch
from torch import nn

from .rules import get_rule


class _FeedbackLinearFunction(torch.autograd.Function):
    """y = x W^T + b; grad_x comes from the rule, grad_W and grad_b are the usual local ones."""

    @staticmethod
    def forward(ctx, x, weight, bias, feedback, rule):
        ctx.save_for_backward(x, weight, feedback)
        ctx.rule = rule
        return torch.addmm(bias, x, weight.t())

    @staticmethod
    def backward(ctx, grad_output):
        x, weight, feedback = ctx.saved_tensors
        grad_x = None
        if ctx.needs_input_grad[0]:
            grad_x = ctx.rule.propagate(grad_output, weight, feedback)
        return grad_x, grad_output.t() @ x, grad_output.sum(0), None, None


class FeedbackLinear(nn.Module):
    """Forward weights `weight` (out, in), bias, and a fixed `feedback` buffer in W's shape."""

    def __init__(self, in_features: int, out_features: int, rule: str = "fa"):
        super().__init__()
        get_rule(rule)  # fail early on an unknown rule
        self.rule_name = rule  # a name, not the module: keeps the layer picklable
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        self.bias = nn.Parameter(torch.zeros(out_features))
        # A buffer, not a parameter: saved in checkpoints, never touched by the optimiser.
        self.register_buffer("feedback", torch.empty(out_features, in_features))

    @property
    def rule(self) -> ModuleType:
        return get_rule(self.rule_name)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _FeedbackLinearFunction.apply(x, self.weight, self.bias, self.feedback, self.rule)

    def extra_repr(self) -> str:
        out_features, in_features = self.weight.shape
        return f"in={in_features}, out={out_features}, rule={self.rule_name}"
