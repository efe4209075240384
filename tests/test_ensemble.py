"""The stacked ensemble does what k single networks do (issue 18's correctness contract)."""

from __future__ import annotations

import pytest
import torch

from noisefa.data.loading import Tensors
from noisefa.files import load_tensors
from noisefa.learning.checkpoints import save_network
from noisefa.learning.engine import Engine, evaluate
from noisefa.learning.ensemble import (
    EnsembleEngine,
    evaluate_ensemble,
    pretrain_ensemble,
    train_ensemble_on_data,
)
from noisefa.learning.loops import NoiseSchedule, pretrain_network, train_on_data
from noisefa.learning.network import build_network
from noisefa.learning.noise import NoiseSpec
from noisefa.learning.rules import RULES
from noisefa.seeding import generator

DIMS = [20, 16, 12, 5]
SEEDS = [3, 0, 7]
# bmm and mm block their sums differently: per-network results agree to float32
# rounding, not to the bit (measured: <= 6e-8 on these weights after 20 steps)
TOL = {"rtol": 1e-5, "atol": 1e-6}


def _data(n: int, seed: int = 0) -> Tensors:
    g = torch.Generator().manual_seed(seed)
    return Tensors(torch.randn(n, DIMS[0], generator=g), torch.randint(DIMS[-1], (n,), generator=g))


def _params(net) -> list[torch.Tensor]:
    return [p.detach().clone() for p in net.parameters()]


@pytest.mark.parametrize("rule", sorted(RULES))
def test_a_step_of_the_stack_equals_single_steps_for_every_rule(rule):
    decay = 1e-2 if rule == "kp" else 0.0  # Kolen-Pollack's B learns, and both decay
    singles = [Engine(build_network(DIMS, rule, s), 1e-2, decay) for s in SEEDS]
    stacked = [build_network(DIMS, rule, s) for s in SEEDS]
    ensemble = EnsembleEngine(stacked, 1e-2, decay)
    g = torch.Generator().manual_seed(1)
    for _ in range(20):
        x = torch.randn(len(SEEDS), 8, DIMS[0], generator=g)
        y = torch.randint(DIMS[-1], (len(SEEDS), 8), generator=g)
        for i, engine in enumerate(singles):
            engine.step(x[i], y[i])
        ensemble.step(x, y)
    for seed, engine, net in zip(SEEDS, singles, stacked, strict=True):
        start = _params(build_network(DIMS, rule, seed))
        for a, b, before in zip(_params(engine.net), _params(net), start, strict=True):
            assert not torch.equal(a, before)  # the steps changed every parameter
            torch.testing.assert_close(b, a, **TOL)
        for layer, single in zip(net.layers, engine.net.layers, strict=True):
            torch.testing.assert_close(layer.feedback, single.feedback, **TOL)


def test_stacking_keeps_each_network_its_seed_and_shares_storage():
    nets = [build_network(DIMS, "fa", s) for s in SEEDS]
    ensemble = EnsembleEngine(nets, 1e-3)
    for seed, net in zip(SEEDS, nets, strict=True):
        fresh = build_network(DIMS, "fa", seed).state_dict()
        for name, value in net.state_dict().items():
            assert torch.equal(value, fresh[name]), name  # W, b and B bit-identical
    ensemble.weights[0][1, 0, 0] = 42.0  # the networks read the stack, not a copy
    assert nets[1].layers[0].weight[0, 0] == 42.0


def test_a_network_of_the_stack_saves_only_its_own_weights(tmp_path):
    dims = [200, 100, 10]
    nets = [build_network(dims, "fa", s) for s in range(10)]
    EnsembleEngine(nets, 1e-3)
    save_network(tmp_path / "alone.pt", build_network(dims, "fa", 0))
    save_network(tmp_path / "stacked.pt", nets[0])  # its tensors are views of the stack
    alone, stacked = (
        (tmp_path / "alone.pt").stat().st_size,
        (tmp_path / "stacked.pt").stat().st_size,
    )
    assert stacked <= 1.01 * alone  # not the ten networks' storage
    loaded = load_tensors(tmp_path / "stacked.pt")
    for name, value in nets[0].state_dict().items():
        assert torch.equal(loaded[name], value), name


def test_networks_of_different_rules_or_shapes_are_refused():
    with pytest.raises(ValueError, match="one architecture and one learning rule"):
        EnsembleEngine([build_network(DIMS, "fa", 0), build_network(DIMS, "bp", 0)], 1e-3)
    with pytest.raises(ValueError, match="one architecture"):
        EnsembleEngine([build_network(DIMS, "fa", 0), build_network([20, 5], "fa", 0)], 1e-3)


def test_ensemble_evaluation_equals_single_evaluation():
    nets = [build_network(DIMS, "fa", s) for s in SEEDS]
    data = _data(300)
    expected = [evaluate(net, data.x, data.y) for net in nets]
    losses, accs = evaluate_ensemble(EnsembleEngine(nets, 1e-3), data.x, data.y, chunk=128)
    for i, (loss, acc) in enumerate(expected):
        torch.testing.assert_close(losses[i], loss, **TOL)
        assert accs[i] == acc


def _train_stack(splits, on_epoch, **options):
    """The SEEDS' FA networks as one stack: 12 epochs at most, batch 16, patience 2."""
    return train_ensemble_on_data(
        EnsembleEngine([build_network(DIMS, "fa", s) for s in SEEDS], 3e-2),
        splits,
        12,
        16,
        [generator(s, "shuffle") for s in SEEDS],
        on_epoch,
        patience=2,
        **options,
    )


def test_a_short_run_matches_single_runs_with_early_stopping():
    """Same seeds -> same data order; per-network metrics, stop epochs and best states agree."""
    splits = {"train": _data(200, 1), "val": _data(60, 2), "test": _data(60, 3)}
    single_histories, single_outcomes = [], []
    for seed in SEEDS:
        history = []
        outcome = train_on_data(
            Engine(build_network(DIMS, "fa", seed), 3e-2),
            splits,
            12,
            16,
            generator(seed, "shuffle"),
            lambda e, m, h=history: h.append((e, m)),
            patience=2,
        )
        single_histories.append(history)
        single_outcomes.append(outcome)

    histories = [[] for _ in SEEDS]
    outcomes = _train_stack(splits, lambda i, e, m: histories[i].append((e, m)))
    assert len({o.epochs_run for o in single_outcomes}) > 1  # networks stop at different epochs
    runs = zip(histories, single_histories, outcomes, single_outcomes, strict=True)
    for mine, theirs, out, ref in runs:
        assert [e for e, _ in mine] == [e for e, _ in theirs]
        for (_, m), (_, t) in zip(mine, theirs, strict=True):
            for split in t:
                assert m[split][0] == pytest.approx(t[split][0], rel=1e-4, abs=1e-5)
                assert m[split][1] == pytest.approx(t[split][1], abs=1 / 60 + 1e-9)
        assert (out.epochs_run, out.best_epoch) == (ref.epochs_run, ref.best_epoch)
        for name, value in ref.best_state.items():
            torch.testing.assert_close(out.best_state[name], value, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("distribution", ["gaussian", "uniform"])
def test_noise_pretraining_of_the_stack_matches_single_pretrainings(distribution):
    """Same seeds -> same noise and probes; per-network probe metrics and weights agree."""
    schedule = NoiseSchedule(NoiseSpec(distribution, 0.0, 1.0), 640, 32, 1e-3, 160, 64)
    singles, single_histories = [], []
    for seed in SEEDS:
        net, history = build_network(DIMS, "fa", seed), []
        pretrain_network(net, schedule, seed, "cpu", lambda e, m, h=history: h.append((e, m)))
        singles.append(net)
        single_histories.append(history)
    nets, histories = [build_network(DIMS, "fa", s) for s in SEEDS], [[] for _ in SEEDS]
    steps = pretrain_ensemble(
        nets, schedule, SEEDS, "cpu", lambda i, e, m: histories[i].append((e, m))
    )
    assert steps == 20
    for net, ref, mine, theirs in zip(nets, singles, histories, single_histories, strict=True):
        assert [e for e, _ in mine] == [e for e, _ in theirs] == [0, 1, 2, 3, 4]
        for (_, m), (_, t) in zip(mine, theirs, strict=True):
            assert m["noise"][0] == pytest.approx(t["noise"][0], rel=1e-5)
        for a, b in zip(_params(ref), _params(net), strict=True):
            torch.testing.assert_close(b, a, **TOL)


def test_splits_not_measured_every_epoch_are_measured_where_summaries_read_them():
    """every_epoch=("val",): train and test only at epoch 0, the last and the best epoch,
    with the values a run measuring every split every epoch records there."""
    splits = {"train": _data(200, 1), "val": _data(60, 2), "test": _data(60, 3)}

    def run(every_epoch):
        epochs = [[] for _ in SEEDS]
        finals = [[] for _ in SEEDS]
        outcomes = _train_stack(
            splits,
            lambda i, e, m: epochs[i].append((e, m)),
            every_epoch=every_epoch,
            on_finish=lambda i, e, m: finals[i].append((e, m)),
        )
        return epochs, finals, outcomes

    full, no_finals, full_outcomes = run(None)
    lean, finals, outcomes = run(("val",))
    assert no_finals == [[], [], []]  # nothing is left to measure at the end
    for mine, theirs, extra, out, ref in zip(
        lean, full, finals, outcomes, full_outcomes, strict=True
    ):
        assert (out.epochs_run, out.best_epoch) == (ref.epochs_run, ref.best_epoch)
        assert set(mine[0][1]) == {"train", "val", "test"}  # epoch 0: every split
        assert all(set(m) == {"val"} for _, m in mine[1:])
        assert [m["val"] for _, m in mine] == [m["val"] for _, m in theirs]
        wanted = sorted({out.epochs_run, out.best_epoch})
        assert sorted(e for e, _ in extra) == wanted
        by_epoch = dict(theirs)
        for epoch, m in extra:
            assert set(m) == {"train", "test"}
            for split, (loss, acc) in m.items():
                assert loss == pytest.approx(by_epoch[epoch][split][0], rel=1e-5)
                assert acc == by_epoch[epoch][split][1]


def test_a_stack_that_drops_networks_steps_the_rest_unchanged():
    """keep(): the networks left in the stack take the steps they would have taken."""
    nets = [build_network(DIMS, "fa", s) for s in SEEDS]
    reference = EnsembleEngine([build_network(DIMS, "fa", s) for s in SEEDS], 1e-2)
    engine = EnsembleEngine(nets, 1e-2)
    g = torch.Generator().manual_seed(5)
    batches = [
        (torch.randn(3, 8, DIMS[0], generator=g), torch.randint(DIMS[-1], (3, 8), generator=g))
        for _ in range(6)
    ]
    for x, y in batches[:3]:
        engine.step(x, y)
        reference.step(x, y)
    engine = engine.keep([0, 2])
    for x, y in batches[3:]:
        engine.step(x[[0, 2]], y[[0, 2]])
        reference.step(x, y)
    for row in (0, 2):
        for a, b in zip(_params(reference.nets[row]), _params(nets[row]), strict=True):
            torch.testing.assert_close(b, a, **TOL)
