"""One optimisation step of an MLP under its learning rule.

`Engine.step` is the fast path: forward, the rule's backward pathway and Adam, with
no autograd graph and no host synchronisation. `autograd_step` is the straightforward
path through `FeedbackLinear`'s autograd Function; the tests hold the two to
bit-identical results on CPU, so the speed work cannot change the science.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .network import MLP

_MEAN = 1  # ATen's Reduction::Mean


def make_optimizer(net: MLP, lr: float) -> torch.optim.Adam:
    if not lr > 0:
        raise ValueError(f"learning rate must be > 0, got {lr}")
    # fused=True: one kernel for all parameters on CPU and CUDA (same maths as foreach).
    return torch.optim.Adam(net.parameters(), lr=lr, fused=True)


class Engine:
    def __init__(self, net: MLP, lr: float):
        self.net = net
        self.layers = list(net.layers)
        self.rule = self.layers[0].rule
        self.optimizer = make_optimizer(net, lr)
        for p in net.parameters():
            p.grad = torch.zeros_like(p)
        self._one = torch.ones((), device=self.layers[0].weight.device)

    @torch.no_grad()
    def step(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Train on one batch; returns the batch loss as a 0-dim tensor (no sync)."""
        inputs, pre_activations = [], []
        h = x
        for layer in self.layers[:-1]:
            inputs.append(h)
            pre = torch.addmm(layer.bias, h, layer.weight.t())
            pre_activations.append(pre)
            h = torch.relu(pre)
        inputs.append(h)
        last = self.layers[-1]
        log_probs = torch.log_softmax(torch.addmm(last.bias, h, last.weight.t()), dim=1)
        # d loss / d logits through the very kernels autograd uses for
        # cross_entropy = nll_loss(log_softmax), so both paths agree to the bit.
        loss, total_weight = torch.ops.aten.nll_loss_forward(log_probs, y, None, _MEAN, -100)
        grad_nll = torch.ops.aten.nll_loss_backward(
            self._one, log_probs, y, None, _MEAN, -100, total_weight
        )
        delta = torch.ops.aten._log_softmax_backward_data(grad_nll, log_probs, 1, log_probs.dtype)
        for i in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[i]
            torch.mm(delta.t(), inputs[i], out=layer.weight.grad)
            torch.sum(delta, 0, out=layer.bias.grad)
            if i > 0:
                delta = self.rule.propagate(delta, layer.weight, layer.feedback)
                delta = torch.ops.aten.threshold_backward(delta, pre_activations[i - 1], 0)
        self.optimizer.step()
        return loss


def autograd_step(
    net: MLP, optimizer: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor
) -> torch.Tensor:
    """Reference step: plain autograd through the rule's autograd Function."""
    optimizer.zero_grad(set_to_none=True)
    loss = F.cross_entropy(net(x), y)
    loss.backward()
    optimizer.step()
    return loss.detach()


@torch.no_grad()
def evaluate(
    net: MLP, x: torch.Tensor, y: torch.Tensor, chunk: int = 8192
) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean cross-entropy and accuracy (0..1) over a whole split, as device tensors."""
    loss_sum = torch.zeros((), device=x.device)
    correct = torch.zeros((), device=x.device, dtype=torch.long)
    for start in range(0, x.shape[0], chunk):
        logits = net(x[start : start + chunk])
        target = y[start : start + chunk]
        loss_sum += F.cross_entropy(logits, target, reduction="sum")
        correct += (logits.argmax(1) == target).sum()
    n = max(x.shape[0], 1)
    return loss_sum / n, correct.double() / n
