"""Training methods: a learning rule, plus what happens to the network before data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Method:
    name: str
    rule: str
    noise_pretraining: bool = False
    weights_from_feedback: bool = False  # fa_wbt: W starts equal to B (as stored)
    label: str = ""


METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        Method("bp", "bp", label="BP"),
        Method("fa", "fa", label="FA w/o noise"),
        Method("fa_noise", "fa", noise_pretraining=True, label="FA w/ noise"),
        Method("fa_wbt", "fa", weights_from_feedback=True, label="FA, W = B^T init"),
        Method("bp_noise", "bp", noise_pretraining=True, label="BP w/ noise"),
    )
}


def get_method(name: str) -> Method:
    try:
        return METHODS[name]
    except KeyError:
        raise ValueError(f"unknown method {name!r}; known methods: {', '.join(METHODS)}") from None
