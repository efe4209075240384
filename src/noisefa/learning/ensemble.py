"""k networks of one architecture and learning rule trained as one stack of tensors.

Each layer's weights of all k networks live in one (k, out, in) tensor, so a step is a
few batched matrix products for the whole ensemble instead of k Python-driven steps
(the per-network work of a 100-unit MLP is too small to keep a CPU core or a GPU busy).
Every network keeps its own batch (its own data order), its own feedback matrices and
its own Adam state; the maths per network is `Engine.step`'s, kernel for kernel where
ATen offers a batched form. The member networks' parameters become views into the
stack, so `net.state_dict()`, checkpoints and every evaluation still see one network.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from ..data.loading import Tensors
from ..errors import ConfigError
from ..seeding import generator
from .engine import _MEAN, FusedAdam, evaluate, feedback_learning, optimizer_step
from .loops import (
    DataOutcome,
    DivergenceGuard,
    Metrics,
    NoiseSchedule,
    check_data_settings,
    noise_steps,
)
from .network import MLP
from .noise import NoiseSampler


class EnsembleEngine:
    """One optimisation step for k networks at once (see the module docstring)."""

    def __init__(self, nets: Sequence[MLP], lr: float, weight_decay: float = 0.0):
        if not nets:
            raise ValueError("an ensemble needs at least one network")
        dims, rules = {tuple(n.dims) for n in nets}, {n.rule_name for n in nets}
        if len(dims) != 1 or len(rules) != 1:
            raise ValueError(
                "an ensemble stacks networks of one architecture and one learning rule; "
                f"got dims {sorted(dims)} and rules {sorted(rules)}"
            )
        self.nets, self.k = list(nets), len(nets)
        depth = len(nets[0].layers)
        self.weights, self.biases, self.feedback = [], [], []
        for i in range(depth):
            layers = [n.layers[i] for n in nets]
            w = torch.stack([layer.weight.detach() for layer in layers])
            b = torch.stack([layer.bias.detach() for layer in layers])
            for j, layer in enumerate(layers):  # the networks now read and write the stack
                layer.weight.data, layer.bias.data = w[j], b[j]
            fb = torch.stack([layer.feedback for layer in layers])
            for j, layer in enumerate(layers):  # a rule that learns B writes it here too
                layer.feedback = fb[j]
            self.weights.append(w)
            self.biases.append(b)
            self.feedback.append(fb)
        self._weights_t = [w.transpose(1, 2) for w in self.weights]
        self._weight_grads = [torch.zeros_like(w) for w in self.weights]
        self._bias_grads = [torch.zeros_like(b) for b in self.biases]
        self.optimizer = FusedAdam(
            self.weights + self.biases,
            lr,
            grads=self._weight_grads + self._bias_grads,
            weight_decay=weight_decay,
            decayed=len(self.weights),
        )
        rule = nets[0].layers[0].rule
        self._propagate = rule.propagate
        self._feedback_learning = feedback_learning(rule, self.weights, self.feedback, weight_decay)
        self._one = torch.ones((), device=self.weights[0].device)
        self._counts: dict[int, torch.Tensor] = {}

    def _total_weight(self, n: int) -> torch.Tensor:
        if n not in self._counts:
            self._counts[n] = torch.tensor(float(n), device=self._one.device)
        return self._counts[n]

    def keep(self, rows: Sequence[int]) -> EnsembleEngine:
        """A stack of the networks at `rows` only, each with its Adam state: it steps
        them exactly as this one would have. The networks left out keep their current
        weights (views into this stack's storage)."""
        kept = EnsembleEngine(
            [self.nets[r] for r in rows], self.optimizer.lr, self.optimizer.weight_decay
        )
        index = torch.tensor(list(rows), device=self._one.device)
        for mine, theirs in (
            (self.optimizer.exp_avg, kept.optimizer.exp_avg),
            (self.optimizer.exp_avg_sq, kept.optimizer.exp_avg_sq),
        ):
            for src, dst in zip(mine, theirs, strict=True):
                dst.copy_(src.index_select(0, index))
        kept.optimizer._step.copy_(self.optimizer._step)
        return kept

    def step(self, x: torch.Tensor, y: torch.Tensor) -> None:
        """One step on a batch per network: x (k, batch, in), y (k, batch)."""
        k, n = y.shape
        last = len(self.weights) - 1
        activations = [x]
        for i in range(last):
            h = torch.baddbmm(self.biases[i].unsqueeze(1), activations[-1], self._weights_t[i])
            activations.append(h.relu_())
        logits = torch.baddbmm(
            self.biases[last].unsqueeze(1), activations[-1], self._weights_t[last]
        )
        log_probs = torch.log_softmax(logits.view(k * n, -1), dim=1)
        # Each network's mean over its own batch: total weight n, not k * n.
        grad_nll = torch.ops.aten.nll_loss_backward(
            self._one, log_probs, y.reshape(-1), None, _MEAN, -100, self._total_weight(n)
        )
        delta = torch.ops.aten._log_softmax_backward_data(grad_nll, log_probs, 1, log_probs.dtype)
        delta = delta.view(k, n, -1)
        output_error = delta
        for i in range(last, -1, -1):
            torch.bmm(delta.transpose(1, 2), activations[i], out=self._weight_grads[i])
            torch.sum(delta, 1, out=self._bias_grads[i])
            if i:
                delta = self._propagate(delta, self.weights[i], self.feedback[i], output_error)
                delta = torch.ops.aten.threshold_backward(delta, activations[i], 0)
        optimizer_step(self.optimizer, self._feedback_learning)


@torch.no_grad()
def evaluate_ensemble(
    engine: EnsembleEngine, x: torch.Tensor, y: torch.Tensor, chunk: int = 4096
) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean cross-entropy and accuracy (0..1) of every network on one shared split: two
    (k,) device tensors. The first layer of all k networks is one wide product."""
    loss_sum = torch.zeros(engine.k, device=x.device)
    correct = torch.zeros(engine.k, device=x.device, dtype=torch.long)
    last = len(engine.weights) - 1
    for start in range(0, x.shape[0], chunk):
        h = x[start : start + chunk]
        for i, (w_t, b) in enumerate(zip(engine._weights_t, engine.biases, strict=True)):
            h = torch.matmul(h, w_t) + b.unsqueeze(1)
            if i < last:
                h = h.relu_()
        target = y[start : start + chunk].expand(engine.k, -1)
        loss_sum += torch.nn.functional.cross_entropy(
            h.transpose(1, 2), target, reduction="none"
        ).sum(1)
        correct += (h.argmax(2) == target).sum(1)
    n = max(x.shape[0], 1)
    return loss_sum / n, correct.double() / n


def _measure_all(
    engine: EnsembleEngine,
    splits: dict[str, Tensors],
    epoch: int,
    guards: Sequence[DivergenceGuard],
) -> list[Metrics]:
    """Metrics of every network of the stack (row order), each checked by its guard."""
    results = {name: evaluate_ensemble(engine, t.x, t.y) for name, t in splits.items()}
    host = {name: (loss.tolist(), acc.tolist()) for name, (loss, acc) in results.items()}
    metrics = [
        {name: (losses[i], accs[i]) for name, (losses, accs) in host.items()}
        for i in range(engine.k)
    ]
    for guard, m in zip(guards, metrics, strict=True):
        guard.check(epoch, m)
    return metrics


def _measure_one(net: MLP, splits: dict[str, Tensors]) -> Metrics:
    results = {name: evaluate(net, t.x, t.y) for name, t in splits.items()}
    return {name: (float(loss), float(acc)) for name, (loss, acc) in results.items()}


def epoch_splits(splits: dict[str, Tensors], every_epoch, patience) -> dict[str, Tensors]:
    """The splits measured after every epoch (all when `every_epoch` is None)."""
    if every_epoch is None:
        return splits
    names = list(dict.fromkeys([*every_epoch, *(["val"] if patience is not None else [])]))
    unknown = [n for n in names if n not in splits]
    if not names or unknown:
        raise ConfigError(
            f"splits measured every epoch must be some of {sorted(splits)}, got {names}"
        )
    return {name: splits[name] for name in names}


def train_ensemble_on_data(
    engine: EnsembleEngine,
    splits: dict[str, Tensors],
    epochs: int,
    batch_size: int,
    gens: Sequence[torch.Generator],
    on_epoch: Callable[[int, int, Metrics], None],
    patience: int | None = None,
    every_epoch: Sequence[str] | None = None,
    on_finish: Callable[[int, int, Metrics], None] | None = None,
    augment: Callable[[torch.Tensor, list[int]], torch.Tensor] | None = None,
) -> list[DataOutcome]:
    """`loops.train_on_data` for every network of the ensemble at once.

    Network i draws its data order from `gens[i]` exactly as a single run does (one
    permutation per epoch), so it sees the same batches. `on_epoch(i, epoch, metrics)`
    reports network i. With `patience`, a network whose validation accuracy stopped
    improving leaves the stack (with its Adam state, the others carry on unchanged) and
    gets its best epoch's state back; so does every network at the end.

    `every_epoch` names the splits measured after every epoch (None: all; with patience,
    val always is). The others are measured at epoch 0, and when a network finishes at
    its last epoch and (restored) its best epoch, reported by `on_finish(i, epoch,
    metrics)`: what the summaries need, without a pass over the training split per epoch.
    `augment(x, networks)` transforms each training batch (k, B, D) of the networks
    still in the stack (their indices, in row order) before the step.
    The divergence guard watches the training split if it is measured every epoch,
    else the first split that is.
    """
    check_data_settings(splits, epochs, batch_size, patience)
    if len(gens) != engine.k:
        raise ValueError(f"{engine.k} networks need {engine.k} shuffling generators")
    tracked = epoch_splits(splits, every_epoch, patience)
    rest = {name: t for name, t in splits.items() if name not in tracked}
    watched = "train" if "train" in tracked else next(iter(tracked))
    nets, k = list(engine.nets), engine.k
    train, n = splits["train"], len(splits["train"])
    guards = [DivergenceGuard("data training", watched) for _ in range(k)]
    for i, m in enumerate(_measure_all(engine, splits, 0, guards)):
        on_epoch(i, 0, m)
    best_acc, best_epoch = [-1.0] * k, [0] * k
    best_state: list[dict | None] = [None] * k
    outcomes: list[DataOutcome | None] = [None] * k
    live = list(range(k))  # the networks still in the stack, in its row order

    def finish(i: int, epoch: int) -> None:
        if rest and on_finish:
            on_finish(i, epoch, _measure_one(nets[i], rest))
        if best_state[i] is not None:
            nets[i].load_state_dict(best_state[i])
            if rest and on_finish and best_epoch[i] != epoch:
                on_finish(i, best_epoch[i], _measure_one(nets[i], rest))
        best = best_epoch[i] if patience is not None else epoch
        outcomes[i] = DataOutcome(epoch, best, best_state[i])

    for epoch in range(1, epochs + 1):
        orders = torch.stack(
            [torch.randperm(n, generator=gens[i], device=gens[i].device) for i in live]
        )
        for start in range(0, n, batch_size):
            batch = orders[:, start : start + batch_size]
            x = train.x[batch] if augment is None else augment(train.x[batch], live)
            engine.step(x, train.y[batch])
        metrics = _measure_all(engine, tracked, epoch, [guards[i] for i in live])
        stopped = []
        for row, i in enumerate(live):
            on_epoch(i, epoch, metrics[row])
            if patience is None:
                continue
            if metrics[row]["val"][1] > best_acc[i]:
                best_acc[i], best_epoch[i] = metrics[row]["val"][1], epoch
                state = nets[i].state_dict()
                best_state[i] = {name: v.detach().clone() for name, v in state.items()}
            elif epoch - best_epoch[i] >= patience:
                stopped.append(row)
        if stopped and len(stopped) < len(live):
            engine = engine.keep([r for r in range(len(live)) if r not in stopped])
        for row in stopped:
            finish(live[row], epoch)
        live = [i for row, i in enumerate(live) if row not in stopped]
        if not live:
            break
    for i in live:
        finish(i, epochs)
    return outcomes


def pretrain_ensemble(
    nets: Sequence[MLP],
    schedule: NoiseSchedule,
    seeds: Sequence[int],
    device,
    on_epoch: Callable[[int, int, Metrics], None],
) -> int:
    """`loops.pretrain_network` for networks of one architecture, one per seed, at once.

    Each network draws its noise and its probe from its own seed's streams, batch by
    batch as a single run does (the draws stay per network: inputs and labels come
    interleaved from one generator, so they cannot be drawn for all networks in one
    call without changing the streams). Returns the optimiser steps taken.
    """
    if len(nets) != len(seeds):
        raise ValueError(f"{len(nets)} networks need {len(nets)} seeds, got {len(seeds)}")
    n_in, n_out = nets[0].dims[0], nets[0].dims[-1]
    probes, samplers = [], []
    for seed in seeds:
        probe_gen = generator(seed, "probe", device)
        noise_gen = generator(seed, "noise", device)
        probe = NoiseSampler(schedule.spec, schedule.probe_size, n_in, n_out, probe_gen, device)
        probes.append(Tensors(*probe.draw()))
        samplers.append(
            NoiseSampler(schedule.spec, schedule.batch_size, n_in, n_out, noise_gen, device)
        )
    engine = EnsembleEngine(nets, schedule.lr, schedule.weight_decay)
    x = torch.empty(engine.k, schedule.batch_size, n_in, device=device)
    y = torch.empty(engine.k, schedule.batch_size, dtype=torch.long, device=device)
    guards = [DivergenceGuard("noise pretraining", "noise") for _ in nets]

    def measure(epoch: int) -> None:
        for i, net in enumerate(nets):  # every network has its own probe set
            loss, acc = evaluate(net, probes[i].x, probes[i].y)
            metrics = {"noise": (float(loss), float(acc))}
            guards[i].check(epoch, metrics)
            on_epoch(i, epoch, metrics)

    boundaries = noise_steps(schedule.samples, schedule.batch_size, schedule.epoch_samples)
    measure(0)
    done = 0
    for epoch, target in enumerate(boundaries, start=1):
        for _ in range(done, target):
            for i, sampler in enumerate(samplers):  # each network's own noise stream
                y[i] = sampler.draw_into(x[i])
            engine.step(x, y)
        done = target
        measure(epoch)
    return done
