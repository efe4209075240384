"""Learning rules: FA and BP gradients against their definitions, and the fast path
against the straightforward autograd path."""

from __future__ import annotations

import copy

import pytest
import torch
import torch.nn.functional as F

from noisefa.learning.engine import Engine, autograd_step, make_optimizer
from noisefa.learning.methods import DECAYING_RULES
from noisefa.learning.network import build_network
from noisefa.learning.rules import RULES, learns_feedback


def batch(n=32, d=20, classes=5, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, d, generator=g, dtype=torch.float64), torch.randint(
        classes, (n,), generator=g
    )


def backward_matrix(layer, rule):
    """The matrix the error of layer l+1 travels down, per rule (SPEC and rule docstrings)."""
    weight = layer.weight.detach()
    return {
        "bp": weight,
        "fa": layer.feedback,
        "kp": layer.feedback,  # B learns between steps; within one it is FA's pathway
        "ss": layer.feedback.abs() * weight.sign(),
    }[rule]


def hand_gradients(net, x, y, rule):
    """The formulas written out: e = delta_L = (softmax - onehot)/N, grad W_l =
    delta_{l+1}^T h_l; delta_l = (delta_{l+1} M_{l+1}) * relu'(o_l) with M = W (BP), B
    (FA, KP) or |B| sign(W) (SS); for DFA delta_l = (e B_{l+1}) * relu'(o_l)."""
    layers = list(net.layers)
    hs, pres = [x], []
    for layer in layers[:-1]:
        o = hs[-1] @ layer.weight.detach().T + layer.bias.detach()
        pres.append(o)
        hs.append(o.clamp_min(0))
    logits = hs[-1] @ layers[-1].weight.detach().T + layers[-1].bias.detach()
    error = (torch.softmax(logits, 1) - F.one_hot(y, logits.shape[1]).to(logits)) / x.shape[0]
    delta, grads = error, {}
    for i in range(len(layers) - 1, -1, -1):
        grads[i] = (delta.T @ hs[i], delta.sum(0))
        if i > 0:
            if rule == "dfa":
                delta = (error @ layers[i].feedback) * (pres[i - 1] > 0).to(delta)
            else:
                delta = (delta @ backward_matrix(layers[i], rule)) * (pres[i - 1] > 0).to(delta)
    return grads


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize("dims", [[20, 16, 5], [20, 16, 12, 5]])
def test_gradients_match_the_rule_written_out(rule, dims):
    net = build_network(dims, rule, seed=3).double()
    x, y = batch(d=dims[0], classes=dims[-1])
    F.cross_entropy(net(x), y).backward()
    expected = hand_gradients(net, x, y, rule)
    for i, layer in enumerate(net.layers):
        torch.testing.assert_close(layer.weight.grad, expected[i][0], rtol=1e-10, atol=1e-12)
        torch.testing.assert_close(layer.bias.grad, expected[i][1], rtol=1e-10, atol=1e-12)


def test_fa_differs_from_bp_below_the_last_layer():
    x, y = batch(d=20, classes=5)
    grads = {}
    for rule in ("fa", "bp"):
        net = build_network([20, 16, 5], rule, seed=3).double()
        F.cross_entropy(net(x), y).backward()
        grads[rule] = [layer.weight.grad for layer in net.layers]
    torch.testing.assert_close(grads["fa"][1], grads["bp"][1])  # last layer: same local rule
    assert not torch.allclose(grads["fa"][0], grads["bp"][0])  # first layer: B vs W^T


def test_bp_equals_plain_autograd_of_an_ordinary_mlp():
    dims = [20, 16, 12, 5]
    net = build_network(dims, "bp", seed=1).double()
    plain = torch.nn.Sequential(
        torch.nn.Linear(20, 16),
        torch.nn.ReLU(),
        torch.nn.Linear(16, 12),
        torch.nn.ReLU(),
        torch.nn.Linear(12, 5),
    ).double()
    with torch.no_grad():
        for ours, theirs in zip(net.layers, plain[::2], strict=True):
            theirs.weight.copy_(ours.weight)
            theirs.bias.copy_(ours.bias)
    x, y = batch(d=20, classes=5)
    F.cross_entropy(net(x), y).backward()
    F.cross_entropy(plain(x), y).backward()
    for ours, theirs in zip(net.layers, plain[::2], strict=True):
        torch.testing.assert_close(ours.weight.grad, theirs.weight.grad, rtol=0, atol=0)


@pytest.mark.parametrize("rule", ["fa", "bp", "dfa", "ss"])
@pytest.mark.parametrize("dims", [[784, 100, 10], [784, 100, 100, 100, 10]])
def test_fast_step_is_bit_identical_to_autograd(rule, dims):
    fast = build_network(dims, rule, seed=0)
    slow = copy.deepcopy(fast)
    engine, optimizer = Engine(fast, 1e-3), make_optimizer(slow, 1e-3)
    g = torch.Generator().manual_seed(5)
    for _ in range(50):
        x, y = torch.randn(64, dims[0], generator=g), torch.randint(dims[-1], (64,), generator=g)
        engine.step(x, y)
        autograd_step(slow, optimizer, x, y)
        for (name, a), b in zip(fast.state_dict().items(), slow.state_dict().values(), strict=True):
            assert torch.equal(a, b), name


def test_same_seed_same_network_for_every_rule_and_feedback_is_fixed():
    fa, bp = build_network([784, 100, 10], "fa", 7), build_network([784, 100, 10], "bp", 7)
    for a, b in zip(fa.state_dict().values(), bp.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    other = build_network([784, 100, 10], "fa", 8)
    assert not torch.equal(fa.layers[0].weight, other.layers[0].weight)
    assert not torch.equal(fa.layers[0].weight, fa.layers[0].feedback)  # B drawn independently
    feedback = [layer.feedback.clone() for layer in fa.layers]
    engine = Engine(fa, 1e-2)
    x, y = batch(n=64, d=784, classes=10)
    for _ in range(5):
        engine.step(x.float(), y)
    for layer, before in zip(fa.layers, feedback, strict=True):
        assert torch.equal(layer.feedback, before)
    assert "layers.1.feedback" in fa.state_dict()


def test_he_normal_scale():
    net = build_network([784, 100, 10], "fa", 0)
    std = net.layers[0].weight.std().item()
    assert abs(std - (2 / 784) ** 0.5) < 0.002
    assert abs(net.layers[0].feedback.std().item() - (2 / 784) ** 0.5) < 0.002
    assert torch.count_nonzero(net.layers[0].bias) == 0


def test_direct_feedback_maps_the_output_error_to_every_layer():
    net = build_network([20, 16, 12, 5], "dfa", seed=2)
    assert [tuple(layer.feedback.shape) for layer in net.layers] == [(5, 20), (5, 16), (5, 12)]
    # the same seed gives every rule the same W (DFA's B has its own shape)
    fa = build_network([20, 16, 12, 5], "fa", seed=2)
    assert torch.equal(net.layers[0].weight, fa.layers[0].weight)


def test_sign_symmetry_follows_the_signs_of_w_with_the_magnitudes_of_b():
    net = build_network([20, 16, 5], "ss", seed=4)
    layer = net.layers[1]
    delta = torch.eye(5)  # the error of one output unit at a time: row j of the pathway
    back = layer.rule.propagate(delta, layer.weight.detach(), layer.feedback, None)
    assert torch.equal(back.sign(), layer.weight.detach().sign())
    assert torch.equal(back.abs(), layer.feedback.abs())


def test_kolen_pollack_gives_b_the_update_and_decay_of_w():
    decay = 0.01
    kp = build_network([20, 16, 12, 5], "kp", seed=1)
    fa = copy.deepcopy(kp)  # one FA step from the same state moves W as KP's does
    fa.layers.apply(lambda m: setattr(m, "rule_name", "fa") if hasattr(m, "rule_name") else None)
    w0 = [layer.weight.detach().clone() for layer in kp.layers]
    b0 = [layer.feedback.clone() for layer in kp.layers]
    x, y = batch(d=20, classes=5)
    x = x.float()
    Engine(kp, 1e-2, decay).step(x, y)
    Engine(fa, 1e-2, decay).step(x, y)
    for layer, other, w, b in zip(kp.layers, fa.layers, w0, b0, strict=True):
        torch.testing.assert_close(layer.weight, other.weight, rtol=0, atol=0)
        update = layer.weight.detach() - (1 - decay) * w  # -u, the optimiser's own step
        torch.testing.assert_close(layer.feedback, (1 - decay) * b + update)
        assert torch.equal(other.feedback, b)  # FA's B never moves
    # every step: B - W shrinks by (1 - decay), whatever the updates, so B -> W
    engine = Engine(kp, 1e-2, decay)
    for _ in range(200):
        engine.step(x, y)
    for layer, w, b in zip(kp.layers, w0, b0, strict=True):
        gap = (layer.feedback - layer.weight.detach()).norm() / (b - w).norm()
        torch.testing.assert_close(gap.item(), (1 - decay) ** 201, rtol=1e-4, atol=0)


def test_decoupled_weight_decay_is_adamw_on_the_weights():
    net = build_network([20, 16, 5], "fa", seed=0)
    ref = copy.deepcopy(net)
    lr, decay = 1e-2, 1e-3
    engine = Engine(net, lr, decay)
    optimizer = torch.optim.AdamW(
        [
            {"params": [layer.weight for layer in ref.layers], "weight_decay": decay / lr},
            {"params": [layer.bias for layer in ref.layers], "weight_decay": 0.0},
        ],
        lr=lr,
    )
    x, y = batch(d=20, classes=5)
    for _ in range(10):
        engine.step(x.float(), y)
        autograd_step(ref, optimizer, x.float(), y)
    for a, b in zip(net.parameters(), ref.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-7)


def test_the_workflow_knows_which_rules_learn_their_feedback():
    # methods.DECAYING_RULES is what the workflow reads (it imports no torch); the rule
    # modules are what the engines read. A rule whose B learns must be in both.
    assert {name for name, rule in RULES.items() if learns_feedback(rule)} == set(DECAYING_RULES)
