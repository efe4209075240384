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
from .rules import learns_feedback

_MEAN = 1  # ATen's Reduction::Mean


def make_optimizer(net: MLP, lr: float) -> torch.optim.Adam:
    if not lr > 0:
        raise ValueError(f"learning rate must be > 0, got {lr}")
    # fused=True: one kernel for all parameters on CPU and CUDA (same maths as foreach).
    return torch.optim.Adam(net.parameters(), lr=lr, fused=True)


class FusedAdam:
    """Adam as one call of the fused kernel behind `torch.optim.Adam(fused=True)`.

    torch.optim spends about as long on per-step Python bookkeeping as the kernel takes
    for an MLP this small; this class keeps only the step counters and the kernel call.
    The tests hold it bit-identical to `make_optimizer`'s optimiser.
    """

    def __init__(
        self,
        params: list[torch.Tensor],
        lr: float,
        betas=(0.9, 0.999),
        eps: float = 1e-8,
        grads: list[torch.Tensor] | None = None,
        weight_decay: float = 0.0,
        decayed: int = 0,
    ):
        if not lr > 0:
            raise ValueError(f"learning rate must be > 0, got {lr}")
        if not 0 <= weight_decay < 1:
            raise ValueError(f"weight decay is a fraction per step in [0, 1), got {weight_decay}")
        # decoupled (AdamW-style) decay of the first `decayed` params: p <- (1 - wd) p - u
        self.weight_decay, self._decayed = weight_decay, [p.detach() for p in params[:decayed]]
        self.params = [p.detach() for p in params]
        # the gradients: each parameter's .grad, or tensors the caller fills (ensembles)
        self.grads = [p.grad for p in params] if grads is None else list(grads)
        self.exp_avg = [torch.zeros_like(p) for p in self.params]
        self.exp_avg_sq = [torch.zeros_like(p) for p in self.params]
        # One step counter shared by every parameter (they always step together); the
        # kernel only reads it, so one in-place increment replaces a foreach over all.
        self._step = torch.zeros((), dtype=torch.float32, device=self.params[0].device)
        self.steps = [self._step] * len(self.params)
        self.lr, self.beta1, self.beta2, self.eps = lr, betas[0], betas[1], eps

    def step(self) -> None:
        self._step.add_(1)
        if self.weight_decay and self._decayed:
            torch._foreach_mul_(self._decayed, 1.0 - self.weight_decay)
        torch._fused_adam_(
            self.params,
            self.grads,
            self.exp_avg,
            self.exp_avg_sq,
            [],
            self.steps,
            amsgrad=False,
            lr=self.lr,
            beta1=self.beta1,
            beta2=self.beta2,
            weight_decay=0.0,
            eps=self.eps,
            maximize=False,
            grad_scale=None,
            found_inf=None,
        )


class FeedbackLearning:
    """The engines' part in a rule whose B learns (`rules.learns_feedback`,
    Kolen-Pollack): the gap B - W is kept before the optimiser's step, and B is set from
    the updated W and the decayed gap after it, so B takes W's update and decay."""

    def __init__(self, rule, weights, feedback, decay: float):
        self.rule, self.weights, self.feedback, self.decay = rule, weights, feedback, decay
        self.gaps = [torch.empty_like(w) for w in weights]

    def before_step(self) -> None:
        for w, b, gap in zip(self.weights, self.feedback, self.gaps, strict=True):
            self.rule.keep_gap(w, b, gap)

    def after_step(self) -> None:
        for w, b, gap in zip(self.weights, self.feedback, self.gaps, strict=True):
            self.rule.update_feedback(w, b, gap, self.decay)


def feedback_learning(rule, weights, feedback, decay: float) -> FeedbackLearning | None:
    return FeedbackLearning(rule, weights, feedback, decay) if learns_feedback(rule) else None


class Engine:
    """The fast path. The ops below are exactly those autograd runs for
    `FeedbackLinear` + cross-entropy, minus the loss value itself (no training loop
    uses a step's loss; progress is measured once per epoch), so the two paths agree
    to the bit while this one spends no time on graphs, contexts or allocations it
    does not need."""

    def __init__(self, net: MLP, lr: float, weight_decay: float = 0.0):
        self.net = net
        layers = list(net.layers)
        for p in net.parameters():
            p.grad = torch.zeros_like(p)
        weights = [layer.weight for layer in layers]
        biases = [layer.bias for layer in layers]
        self.optimizer = FusedAdam(
            weights + biases, lr, weight_decay=weight_decay, decayed=len(weights)
        )
        # Detached views share storage with the parameters, which the optimiser
        # updates in place: the step builds no autograd graph, without a no_grad
        # context on every call.
        self._weights = [layer.weight.detach() for layer in layers]
        self._weights_t = [w.t() for w in self._weights]
        self._biases = [layer.bias.detach() for layer in layers]
        self._feedback = [layer.feedback for layer in layers]
        self._weight_grads = [layer.weight.grad for layer in layers]
        self._bias_grads = [layer.bias.grad for layer in layers]
        self._propagate = layers[0].rule.propagate
        self._feedback_learning = feedback_learning(
            layers[0].rule, self._weights, self._feedback, weight_decay
        )
        self._one = torch.ones((), device=self._weights[0].device)
        self._counts: dict[int, torch.Tensor] = {}  # batch size -> nll's total_weight

    def _total_weight(self, n: int) -> torch.Tensor:
        if n not in self._counts:
            self._counts[n] = torch.tensor(float(n), device=self._one.device)
        return self._counts[n]

    def step(self, x: torch.Tensor, y: torch.Tensor) -> None:
        """One optimisation step on a batch (no host synchronisation)."""
        weights_t, biases = self._weights_t, self._biases
        last = len(weights_t) - 1
        activations = [x]
        for i in range(last):
            # ReLU in place: its output is also the mask of relu' (as in autograd).
            activations.append(torch.addmm(biases[i], activations[-1], weights_t[i]).relu_())
        log_probs = torch.log_softmax(
            torch.addmm(biases[last], activations[-1], weights_t[last]), dim=1
        )
        # d loss / d logits through the very kernels autograd uses for
        # cross_entropy = nll_loss(log_softmax).
        grad_nll = torch.ops.aten.nll_loss_backward(
            self._one, log_probs, y, None, _MEAN, -100, self._total_weight(y.numel())
        )
        delta = torch.ops.aten._log_softmax_backward_data(grad_nll, log_probs, 1, log_probs.dtype)
        output_error = delta
        for i in range(last, -1, -1):
            torch.mm(delta.t(), activations[i], out=self._weight_grads[i])
            torch.sum(delta, 0, out=self._bias_grads[i])
            if i:
                delta = self._propagate(delta, self._weights[i], self._feedback[i], output_error)
                delta = torch.ops.aten.threshold_backward(delta, activations[i], 0)
        optimizer_step(self.optimizer, self._feedback_learning)


def optimizer_step(optimizer: FusedAdam, feedback: FeedbackLearning | None) -> None:
    if feedback is None:
        optimizer.step()
        return
    feedback.before_step()
    optimizer.step()
    feedback.after_step()


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
