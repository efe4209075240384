"""Learning rules: FA and BP gradients against their definitions, and the fast path
against the straightforward autograd path."""

from __future__ import annotations

import copy

import pytest
import torch
import torch.nn.functional as F

from noisefa.learning.engine import Engine, autograd_step, make_optimizer
from noisefa.learning.network import build_network
from noisefa.learning.rules import shapes


def batch(n=32, d=20, classes=5, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, d, generator=g, dtype=torch.float64), torch.randint(
        classes, (n,), generator=g
    )


def hand_gradients(net, x, y, rule):
    """The SPEC's formulas written out: delta_L = (softmax - onehot)/N,
    grad W_l = delta_{l+1}^T h_l, delta_l = (M delta_{l+1}) * relu'(o_l), M = B (FA) or W (BP)."""
    layers = list(net.layers)
    hs, pres = [x], []
    for layer in layers[:-1]:
        o = hs[-1] @ layer.weight.detach().T + layer.bias.detach()
        pres.append(o)
        hs.append(o.clamp_min(0))
    logits = hs[-1] @ layers[-1].weight.detach().T + layers[-1].bias.detach()
    delta = (torch.softmax(logits, 1) - F.one_hot(y, logits.shape[1]).to(logits)) / x.shape[0]
    grads = {}
    for i in range(len(layers) - 1, -1, -1):
        grads[i] = (delta.T @ hs[i], delta.sum(0))
        if i > 0:
            back = layers[i].feedback if rule == "fa" else layers[i].weight.detach()
            delta = (delta @ back) * (pres[i - 1] > 0).to(delta)
    return grads


@pytest.mark.parametrize("rule", ["fa", "bp"])
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


@pytest.mark.parametrize("rule", ["fa", "bp"])
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


class _DirectFeedback:
    """A non-local rule written against the interface only (direct feedback alignment,
    Nokland 2016): every hidden layer gets the output error through its own B."""

    NAME = "dfa_test"
    feedback_shape = staticmethod(shapes.direct)

    @staticmethod
    def propagate(delta, weight, feedback, output_error):
        return output_error @ feedback


def test_the_rule_interface_expresses_a_non_local_rule(monkeypatch):
    from noisefa.learning import rules

    monkeypatch.setitem(rules.RULES, "dfa_test", _DirectFeedback)
    dims = [20, 16, 12, 5]
    net = build_network(dims, "dfa_test", seed=2).double()
    assert [tuple(layer.feedback.shape) for layer in net.layers] == [(5, 20), (5, 16), (5, 12)]
    x, y = batch(d=20, classes=5)
    F.cross_entropy(net(x), y).backward()
    # written out: e = (softmax - onehot)/N; delta_l = (e B_{l+1}) * relu'(o_l)
    layers = list(net.layers)
    hs, pres = [x], []
    for layer in layers[:-1]:
        pres.append(hs[-1] @ layer.weight.detach().T + layer.bias.detach())
        hs.append(pres[-1].clamp_min(0))
    logits = hs[-1] @ layers[-1].weight.detach().T + layers[-1].bias.detach()
    error = (torch.softmax(logits, 1) - F.one_hot(y, 5).to(logits)) / x.shape[0]
    for i in range(len(layers)):
        delta = error if i == len(layers) - 1 else (error @ layers[i + 1].feedback) * (pres[i] > 0)
        torch.testing.assert_close(layers[i].weight.grad, delta.T @ hs[i], rtol=1e-10, atol=1e-12)
    # the fast path offers the rule the same output error, to the bit
    fast = build_network([784, 100, 100, 10], "dfa_test", seed=0)
    slow = copy.deepcopy(fast)
    engine, optimizer = Engine(fast, 1e-3), make_optimizer(slow, 1e-3)
    g = torch.Generator().manual_seed(5)
    for _ in range(20):
        x, y = torch.randn(64, 784, generator=g), torch.randint(10, (64,), generator=g)
        engine.step(x, y)
        autograd_step(slow, optimizer, x, y)
    for (name, a), b in zip(fast.state_dict().items(), slow.state_dict().values(), strict=True):
        assert torch.equal(a, b), name
