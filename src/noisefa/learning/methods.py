"""Training methods: a learning rule, plus what happens to the network before data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Method:
    name: str
    rule: str
    noise_pretraining: bool = False  # under the same rule (Algorithm 1 is FA's)
    weights_from_feedback: bool = False  # fa_wbt: W starts equal to B (as stored)
    label: str = ""

    @property
    def decays(self) -> bool:
        """Whether W (and a learnt B) decay each step: Kolen-Pollack's `training.kp_decay`."""
        return self.rule in DECAYING_RULES


# Rules whose B learns from W's updates and decays with W (learning/rules/kolen_pollack.py)
DECAYING_RULES = ("kp",)
# The rules beyond the paper (issue 19), each with and without noise pretraining under it
EXTRA_RULES = {"dfa": "DFA", "ss": "SS", "kp": "KP"}


METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        Method("bp", "bp", label="BP"),
        Method("fa", "fa", label="FA w/o noise"),
        Method("fa_noise", "fa", noise_pretraining=True, label="FA w/ noise"),
        Method("fa_wbt", "fa", weights_from_feedback=True, label="FA, W = B^T init"),
        Method("bp_noise", "bp", noise_pretraining=True, label="BP w/ noise"),
        *(
            Method(f"{rule}{suffix}", rule, bool(suffix), label=f"{name} {with_or} noise")
            for rule, name in EXTRA_RULES.items()
            for suffix, with_or in (("", "w/o"), ("_noise", "w/"))
        ),
    )
}


def get_method(name: str) -> Method:
    try:
        return METHODS[name]
    except KeyError:
        raise ValueError(f"unknown method {name!r}; known methods: {', '.join(METHODS)}") from None
