"""Checkpoints: tensor-only state dicts (`layers.{i}.weight|bias|feedback`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import CheckpointError
from ..files import load_tensors, save_tensors
from .network import MLP


def checkpoint_dims(state: dict, source: str = "checkpoint") -> list[int]:
    n_layers = len({k.split(".")[1] for k in state if k.startswith("layers.")})
    try:
        shapes = [tuple(state[f"layers.{i}.weight"].shape) for i in range(n_layers)]
    except KeyError as exc:
        raise CheckpointError(
            f"{source} lacks {exc.args[0]}; not a noisefa MLP checkpoint"
        ) from None
    if n_layers == 0 or any(len(s) != 2 for s in shapes):
        raise CheckpointError(f"{source} holds no MLP layers")
    return [shapes[0][1]] + [s[0] for s in shapes]


def save_network(path: str | Path, net: MLP, state: dict | None = None) -> None:
    save_tensors(path, state if state is not None else net.state_dict())


def load_network(path: str | Path, rule: str, expected_dims: Sequence[int] | None = None) -> MLP:
    """Rebuild an MLP from a checkpoint, refusing one made for another architecture."""
    state = load_tensors(path)
    dims = checkpoint_dims(state, str(path))
    if expected_dims is not None and list(expected_dims) != dims:
        raise CheckpointError(
            f"checkpoint {path} is for an MLP with layer sizes {dims}, "
            f"but this job needs {list(expected_dims)}"
        )
    net = MLP(dims, rule)
    try:
        net.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        raise CheckpointError(f"checkpoint {path} does not fit the network: {exc}") from None
    return net
