"""A linear layer whose backward pathway is set by a learning rule."""

from __future__ import annotations

from types import ModuleType

import torch
from torch import nn

from .rules import get_rule


class OutputError:
    """Where an MLP's backward pass leaves the error at its output, for rules that send
    it to every layer (it is recorded before any layer's backward runs)."""

    error: torch.Tensor | None = None


class _RecordOutputError(torch.autograd.Function):
    """Identity on the logits; on the way back, keeps their gradient for the layers."""

    @staticmethod
    def forward(ctx, logits, record):
        ctx.record = record
        return logits.view_as(logits)

    @staticmethod
    def backward(ctx, grad_output):
        ctx.record.error = grad_output
        return grad_output, None


def record_output_error(logits: torch.Tensor, record: OutputError) -> torch.Tensor:
    return _RecordOutputError.apply(logits, record)


class _FeedbackLinearFunction(torch.autograd.Function):
    """y = x W^T + b; grad_x comes from the rule, grad_W and grad_b are the usual local ones."""

    @staticmethod
    def forward(ctx, x, weight, bias, feedback, rule, record):
        ctx.save_for_backward(x, weight, feedback)
        ctx.rule, ctx.record = rule, record
        return torch.addmm(bias, x, weight.t())

    @staticmethod
    def backward(ctx, grad_output):
        x, weight, feedback = ctx.saved_tensors
        grad_x = None
        if ctx.needs_input_grad[0]:
            output_error = ctx.record.error if ctx.record is not None else None
            grad_x = ctx.rule.propagate(grad_output, weight, feedback, output_error)
        return grad_x, grad_output.t() @ x, grad_output.sum(0), None, None, None


class FeedbackLinear(nn.Module):
    """Forward weights `weight` (out, in), bias, and a fixed `feedback` buffer in the
    shape the rule declares (`n_outputs`: the network's output size, for rules whose
    feedback starts there; defaults to this layer's)."""

    def __init__(
        self, in_features: int, out_features: int, rule: str = "fa", n_outputs: int | None = None
    ):
        super().__init__()
        shape = get_rule(rule).feedback_shape(in_features, out_features, n_outputs or out_features)
        self.rule_name = rule  # a name, not the module: keeps the layer picklable
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        self.bias = nn.Parameter(torch.zeros(out_features))
        # A buffer, not a parameter: saved in checkpoints, never touched by the optimiser.
        self.register_buffer("feedback", torch.empty(shape))

    @property
    def rule(self) -> ModuleType:
        return get_rule(self.rule_name)

    def forward(self, x: torch.Tensor, record: OutputError | None = None) -> torch.Tensor:
        return _FeedbackLinearFunction.apply(
            x, self.weight, self.bias, self.feedback, self.rule, record
        )

    def extra_repr(self) -> str:
        out_features, in_features = self.weight.shape
        return f"in={in_features}, out={out_features}, rule={self.rule_name}"
