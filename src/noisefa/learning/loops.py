"""The two training phases: noise pretraining (the paper's Algorithm 1) and data training.

Both call `on_epoch(epoch, metrics)` after epoch 0 (untrained) and every epoch, with
metrics = {split: (loss, accuracy)} as Python floats: the only host synchronisation
is once per epoch, never per step.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

from ..data.loading import Tensors
from ..errors import ConfigError, DivergenceError
from ..seeding import generator
from .engine import Engine, evaluate
from .network import MLP
from .noise import NoiseSampler, NoiseSpec

Metrics = dict[str, tuple[float, float]]
EpochCallback = Callable[[int, Metrics], None]


# A run has diverged when the loss on what it trains on (the training split, or the
# noise probe) is non-finite or exceeds DIVERGENCE_FACTOR times its epoch-0 value (never
# less than DIVERGENCE_FLOOR): it has stopped learning. Cross-entropy of an untrained
# network sits near ln(classes); training only lowers it, so a hundredfold rise is no
# noise. Held-out splits may rise when a network overfits and are checked for
# finiteness only.
DIVERGENCE_FACTOR = 100.0
DIVERGENCE_FLOOR = 1.0


class DivergenceGuard:
    """Stops a run that is no longer learning (see DIVERGENCE_FACTOR)."""

    def __init__(self, phase: str, trained_split: str):
        self.phase, self.trained_split = phase, trained_split
        self.initial: float | None = None

    def check(self, epoch: int, metrics: Metrics) -> None:
        for name, (loss, _) in metrics.items():
            if not math.isfinite(loss):
                self._stop(epoch, f"{name} loss is {loss}")
        loss = metrics[self.trained_split][0]
        if self.initial is None:
            self.initial = loss
            return
        limit = DIVERGENCE_FACTOR * max(self.initial, DIVERGENCE_FLOOR)
        if loss > limit:
            self._stop(
                epoch,
                f"{self.trained_split} loss {loss:.4g} is more than {DIVERGENCE_FACTOR:g}x its "
                f"initial {self.initial:.4g}",
            )

    def _stop(self, epoch: int, why: str) -> None:
        raise DivergenceError(
            f"{self.phase} diverged at epoch {epoch}: {why}. No summary was written; lower "
            "the learning rate or check the inputs."
        )


def _measure(net, splits: dict[str, Tensors], epoch: int, guard: DivergenceGuard) -> Metrics:
    results = {name: evaluate(net, t.x, t.y) for name, t in splits.items()}
    metrics = {name: (float(loss), float(acc)) for name, (loss, acc) in results.items()}
    guard.check(epoch, metrics)
    return metrics


def noise_steps(samples: int, batch_size: int, epoch_samples: int) -> list[int]:
    """Cumulative optimiser steps at the end of each noise epoch.

    One noise epoch holds as many samples as one data epoch; a partial last batch of the
    whole stream is dropped (5e5 samples, batch 64 -> 7812 steps over 100 epochs).
    """
    total = samples // batch_size
    if total < 1:
        raise ConfigError(f"{samples} noise samples make no batch of {batch_size}")
    if epoch_samples < 1:
        raise ConfigError(f"noise epoch_samples must be >= 1, got {epoch_samples}")
    n_epochs = math.ceil(samples / epoch_samples)
    return [min(e * epoch_samples // batch_size, total) for e in range(1, n_epochs + 1)]


def pretrain_on_noise(
    engine: Engine,
    sampler: NoiseSampler,
    samples: int,
    epoch_samples: int,
    probe: Tensors,
    on_epoch: EpochCallback,
) -> int:
    """Train on fresh random noise; returns the number of optimiser steps taken.

    The loss reported per epoch is measured on a fixed probe set of noise (same inputs
    and random labels every epoch), so epochs are comparable.
    """
    boundaries = noise_steps(samples, sampler.batch_size, epoch_samples)
    probe_split = {"noise": probe}
    guard = DivergenceGuard("noise pretraining", "noise")
    on_epoch(0, _measure(engine.net, probe_split, 0, guard))
    done = 0
    for epoch, target in enumerate(boundaries, start=1):
        for _ in range(done, target):
            engine.step(*sampler.draw(reuse=True))
        done = target
        on_epoch(epoch, _measure(engine.net, probe_split, epoch, guard))
    return done


@dataclass(frozen=True)
class NoiseSchedule:
    """Algorithm 1's settings: what noise, how much of it, and how it is learned."""

    spec: NoiseSpec
    samples: int
    batch_size: int = 64
    lr: float = 1e-4
    epoch_samples: int = 5000
    probe_size: int = 1024
    weight_decay: float = 0.0  # per step, of W and a learnt B (Kolen-Pollack)

    @property
    def epochs(self) -> int:
        """Noise epochs the schedule lasts (the last may be partial)."""
        return len(noise_steps(self.samples, self.batch_size, self.epoch_samples))


def pretrain_network(
    net: MLP, schedule: NoiseSchedule, seed: int, device, on_epoch: EpochCallback
) -> int:
    """Noise-pretrain `net` from its seed's noise and probe streams; returns the steps taken."""
    n_in, n_out = net.dims[0], net.dims[-1]
    probe_gen, noise_gen = generator(seed, "probe", device), generator(seed, "noise", device)
    probe = Tensors(
        *NoiseSampler(schedule.spec, schedule.probe_size, n_in, n_out, probe_gen, device).draw()
    )
    sampler = NoiseSampler(schedule.spec, schedule.batch_size, n_in, n_out, noise_gen, device)
    return pretrain_on_noise(
        Engine(net, schedule.lr, schedule.weight_decay),
        sampler,
        schedule.samples,
        schedule.epoch_samples,
        probe,
        on_epoch,
    )


@dataclass
class DataOutcome:
    epochs_run: int
    best_epoch: int  # by validation accuracy when early stopping, else the last epoch
    best_state: dict[str, torch.Tensor] | None  # network at best_epoch (early stopping only)


def check_data_settings(
    splits: dict[str, Tensors], epochs: int, batch_size: int, patience: int | None
) -> None:
    """Clear errors for a data training that cannot run as configured."""
    if epochs < 1:
        raise ConfigError(f"epochs must be >= 1, got {epochs}")
    if not 1 <= batch_size <= len(splits["train"]):
        raise ConfigError(
            f"batch size {batch_size} must be between 1 and the {len(splits['train'])} "
            "training images"
        )
    if patience is not None and "val" not in splits:
        raise ConfigError(
            "early stopping (patience) needs a validation split; the split tag has val0"
        )


def train_on_data(
    engine: Engine,
    splits: dict[str, Tensors],
    epochs: int,
    batch_size: int,
    gen: torch.Generator,
    on_epoch: EpochCallback,
    patience: int | None = None,
) -> DataOutcome:
    """Adam on shuffled mini-batches; partial last batches are kept (as DataLoader does).

    With `patience`, training stops once validation accuracy has not improved for
    `patience` epochs (`epochs` is then the cap) and the best epoch's network is kept.
    """
    check_data_settings(splits, epochs, batch_size, patience)
    train = splits["train"]
    net, n = engine.net, len(train)
    guard = DivergenceGuard("data training", "train")
    on_epoch(0, _measure(net, splits, 0, guard))
    best_acc, best_epoch, best_state = -1.0, 0, None
    for epoch in range(1, epochs + 1):
        order = torch.randperm(n, generator=gen, device=gen.device)
        xs, ys = train.x[order], train.y[order]
        for start in range(0, n, batch_size):
            engine.step(xs[start : start + batch_size], ys[start : start + batch_size])
        metrics = _measure(net, splits, epoch, guard)
        on_epoch(epoch, metrics)
        if patience is None:
            continue
        if metrics["val"][1] > best_acc:
            best_acc, best_epoch = metrics["val"][1], epoch
            best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
        elif epoch - best_epoch >= patience:
            return DataOutcome(epoch, best_epoch, best_state)
    if patience is None:
        return DataOutcome(epochs, epochs, None)
    return DataOutcome(epochs, best_epoch, best_state)
