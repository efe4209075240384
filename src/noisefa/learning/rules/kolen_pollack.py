"""Kolen-Pollack (Kolen & Pollack, 1994; Akrout, Wilson, Humphreys, Lillicrap & Tweed,
2019, "Deep Learning without Weight Transport", NeurIPS): the error travels down B as
in FA, but B is learnt: it receives the same update as W (W^T in the paper's
orientation; ours stores B in W's shape) and both decay by the same factor each step,

    W <- W - u - decay * W,    B <- B - u - decay * B,

so B - W shrinks by (1 - decay) every step whatever u is, and B converges to W without
any weight transport (u, the update of layer l, is computed from locally available
delta and h). The engines apply it through `learns_feedback`: they keep B - W from
before the optimiser's step and set B = W + (1 - decay) (B - W) after it, with W's own
decay decoupled from Adam (as AdamW's). `decay` is per step (the study's
`kp_decay`); Akrout et al. used SGD, where the update u is the learning rate times the
gradient.
"""

import torch

from .feedback_alignment import propagate  # noqa: F401  (KP's backward pass is FA's)
from .shapes import layerwise as feedback_shape  # noqa: F401
from .shapes import layerwise_counterpart as bp_counterpart  # noqa: F401

NAME = "kp"
learns_feedback = True


def pathway(weight, feedback):
    return feedback


def keep_gap(weight, feedback, gap) -> None:
    """Before the step: gap = B - W."""
    torch.sub(feedback, weight, out=gap)


def update_feedback(weight, feedback, gap, decay: float) -> None:
    """After the step (W already decayed and updated): B = W + (1 - decay) * gap."""
    torch.add(weight, gap, alpha=1.0 - decay, out=feedback)
