"""Few-shot tasks and adaptation to them: the pieces of MAML's meta-loss (Fig 6a, S19)."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np

from ..data.loading import Tensors, normalisation, read_staged, to_tensors
from ..seeding import numpy_rng
from .engine import Engine, evaluate


def task_draws(
    data_dir: Path, tasks: list[str], shots: int, query: int, draws: int, seed: int, device
) -> list[dict[str, tuple[Tensors, Tensors]]]:
    """Per draw and task: a K-shot support set and a disjoint query set (per class)."""
    rng = numpy_rng(seed, "meta")
    staged = {t: read_staged(data_dir, t, "train") for t in tasks}
    stats = {t: normalisation(data_dir, t) for t in tasks}
    out = []
    for _ in range(draws):
        draw = {}
        for task, (images, labels) in staged.items():
            support, held_out = [], []
            for c in np.unique(labels):
                picked = rng.choice(np.flatnonzero(labels == c), shots + query, replace=False)
                support.append(picked[:shots])
                held_out.append(picked[shots:])
            s, q = np.concatenate(support), np.concatenate(held_out)
            draw[task] = (
                to_tensors(images[s], labels[s], *stats[task], device),
                to_tensors(images[q], labels[q], *stats[task], device),
            )
        out.append(draw)
    return out


def adapted_query_loss(net, support: Tensors, query: Tensors, steps: int, lr: float) -> float:
    learner = copy.deepcopy(net)
    engine = Engine(learner, lr)
    for _ in range(steps):
        engine.step(support.x, support.y)
    loss, _ = evaluate(learner, query.x, query.y)
    return float(loss)
