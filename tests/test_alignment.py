"""Alignment three ways (issue 19): each rule's pathway against BP's, per neuron, per
matrix and per weight update, checked against cases whose answer is known."""

from __future__ import annotations

import json

import pytest
import torch
import torch.nn.functional as F

from noisefa.analysis.alignment import alignment_metrics, gradient_angles, matrix_angle
from noisefa.analysis.measures import alignment_angles, per_neuron_angles
from noisefa.learning.engine import Engine
from noisefa.learning.network import build_network
from noisefa.learning.pathways import pathways

DIMS = [20, 16, 12, 5]


def batch(n=64, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, DIMS[0], generator=g), torch.randint(DIMS[-1], (n,), generator=g)


def test_matrix_angle_of_known_pairs():
    a = torch.tensor([[1.0, 0.0], [0.0, 0.0]])
    b = torch.tensor([[0.0, 1.0], [0.0, 0.0]])
    assert matrix_angle(a, a) == pytest.approx(0.0, abs=1e-6)
    assert matrix_angle(a, b) == pytest.approx(90.0)
    assert matrix_angle(a, -a) == pytest.approx(180.0)


def test_fa_compares_w_with_b_layer_by_layer():
    net = build_network(DIMS, "fa", seed=1)
    pairs = pathways(net)
    assert [i for i, _, _ in pairs] == [1, 2]
    for i, bp, ours in pairs:
        assert torch.equal(bp, net.layers[i].weight.detach())
        assert torch.equal(ours, net.layers[i].feedback)
    angles = per_neuron_angles(net, "untrained")
    expected = alignment_angles(net.layers[2].weight.detach(), net.layers[2].feedback)
    assert angles[angles["layer"] == 2]["angle"].tolist() == pytest.approx(expected.tolist())


def test_dfa_compares_b_with_the_product_of_the_weights_above():
    """With every ReLU active the network is linear, and BP's error at layer l's input is
    exactly e W_L ... W_l: the matrix DFA's B_l is compared with."""
    net = build_network(DIMS, "dfa", seed=2).double()
    with torch.no_grad():
        for layer in net.layers[:-1]:  # every unit active (relu' = 1): W >= 0, b large
            layer.weight.abs_()
            layer.bias.fill_(100.0)
    x, y = batch()
    x = x.double()
    hidden = []
    h = x
    for layer in net.layers[:-1]:
        h = torch.relu(h @ layer.weight.T + layer.bias)
        h.retain_grad()
        hidden.append(h)
    logits = h @ net.layers[-1].weight.T + net.layers[-1].bias
    logits.retain_grad()
    F.cross_entropy(logits, y).backward()  # plain autograd: backpropagation
    for i, bp, ours in pathways(net):
        assert bp.shape == ours.shape == (DIMS[-1], DIMS[i])
        torch.testing.assert_close(hidden[i - 1].grad, logits.grad @ bp)


def test_update_angles_vanish_when_the_pathway_is_bp_s_own():
    x, y = batch()
    bp = build_network(DIMS, "bp", seed=3)
    assert all(a == pytest.approx(0.0, abs=1e-3) for a in gradient_angles(bp, x, y).values())
    fa = build_network(DIMS, "fa", seed=3)
    ss = build_network(DIMS, "ss", seed=3)
    assert min(gradient_angles(fa, x, y).values()) > 45  # random B: far from BP's update
    with torch.no_grad():
        for net in (fa, ss):
            for layer in net.layers:
                layer.feedback.copy_(layer.weight)  # B = W: FA and SS become BP
    for net in (fa, ss):
        angles = gradient_angles(net, x, y)
        assert sorted(angles) == [0, 1]  # layers below the last
        assert all(a == pytest.approx(0.0, abs=1e-3) for a in angles.values())


def test_sign_symmetry_is_sign_concordant_by_construction():
    net = build_network(DIMS, "ss", seed=4)
    for _, bp, ours in pathways(net):
        assert (alignment_angles(bp, ours) < 90).all()


def test_kolen_pollack_aligns_b_with_w_as_training_goes():
    """On a learnable task the shared updates outgrow the decaying initial W and B."""
    g = torch.Generator().manual_seed(9)
    teacher = torch.randn(DIMS[0], DIMS[-1], generator=g)
    probe_x = torch.randn(256, DIMS[0], generator=g)
    probe = (probe_x, (probe_x @ teacher).argmax(1))
    net = build_network(DIMS, "kp", seed=5)
    before = alignment_metrics(net, probe)
    engine = Engine(net, 1e-2, 0.01)
    for _ in range(500):
        x = torch.randn(64, DIMS[0], generator=g)
        engine.step(x, (x @ teacher).argmax(1))
    after = alignment_metrics(net, probe)
    assert set(after) == {"matrix_angle_1", "matrix_angle_2", "grad_angle_0", "grad_angle_1"}
    for key, angle in after.items():
        assert before[key] > 60 and angle < 5, (key, before[key], angle)


def test_the_clis_record_alignment_three_ways(tmp_path, staged_data):
    """Noise pretraining under DFA, then DFA training with an alignment probe: the
    histories hold all three measures per layer, and the pretraining's summary their
    values before and after noise."""
    import pandas as pd

    from noisefa.cli import pretrain, split, train

    tag = "train500-val100-test500-seed0"
    split.main(["--dataset", "mnist", "--tag", tag, "--data-dir", str(staged_data)])
    noise = tmp_path / "noise"
    pretrain.main(
        ["--dims", "784,100,100,10", "--seeds", "4", "--rule", "dfa"]
        + ["--noise", "gaussian-mean0-std1-n6400", "--epoch-samples", "1280"]
        + ["--out-dir", str(noise)]
    )
    metrics = json.loads((noise / "seed4" / "summary.json").read_text())["metrics"]
    for name in ("angle_2", "matrix_angle_1", "matrix_angle_2", "grad_angle_0", "grad_angle_1"):
        assert 0 <= metrics[f"{name}_start"] <= 180 and f"{name}_end" in metrics
    run = tmp_path / "run"
    train.main(
        ["--dataset", "mnist", "--data-dir", str(staged_data), "--split", tag, "--depth", "3"]
        + ["--method", "dfa_noise", "--seeds", "4", "--epochs", "2", "--alignment-probe", "64"]
        + ["--pretrained", str(noise / "seed4" / "model.pt"), "--out-dir", str(run)]
    )
    history = pd.read_csv(run / "seed4" / "history.csv")
    columns = {"angle_1", "angle_2", "matrix_angle_1", "matrix_angle_2"}
    assert columns | {"grad_angle_0", "grad_angle_1"} <= set(history.columns)
    assert history["grad_angle_1"].between(0, 180).all() and len(history) >= 3
