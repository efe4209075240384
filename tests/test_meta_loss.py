"""Meta-loss: a network adapted to a task it already solves scores lower than a fresh one."""

from __future__ import annotations

import torch

from noisefa.cli.split import main as split
from noisefa.data.loading import load_split_tensors
from noisefa.learning.engine import Engine
from noisefa.learning.few_shot import adapted_query_loss, task_draws
from noisefa.learning.network import build_network


def test_meta_loss_is_lower_for_a_network_that_knows_the_task(staged_data):
    split(
        [
            "--dataset",
            "mnist",
            "--tag",
            "train2000-val0-test100-seed0",
            "--data-dir",
            str(staged_data),
        ]
    )
    train = load_split_tensors(staged_data, "mnist", "train2000-val0-test100-seed0")["train"]
    trained = build_network([784, 100, 10], "fa", 0)
    engine = Engine(trained, 1e-3)
    for _ in range(3):
        for start in range(0, len(train), 64):
            engine.step(train.x[start : start + 64], train.y[start : start + 64])
    fresh = build_network([784, 100, 10], "fa", 0)
    (draw,) = task_draws(staged_data, ["mnist"], shots=10, query=10, draws=1, seed=0, device="cpu")
    support, query = draw["mnist"]
    assert len(support) == 100 and len(query) == 100
    before = [p.clone() for p in trained.parameters()]
    knows = adapted_query_loss(trained, support, query, steps=10, lr=1e-3)
    fresh_loss = adapted_query_loss(fresh, support, query, steps=10, lr=1e-3)
    assert knows < fresh_loss - 0.5
    assert all(
        torch.equal(a, b) for a, b in zip(before, trained.parameters(), strict=True)
    )  # adapts a copy
