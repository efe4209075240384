"""Pure measurements: tensors or arrays in, numbers or tensors out (SPEC section 3)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch


def alignment_angles(weight: torch.Tensor, feedback: torch.Tensor) -> torch.Tensor:
    """Angle in degrees between column i of W and column i of B, for every input neuron i.

    Both are (out, in). A column with zero norm has no direction; its angle is NaN.
    """
    if weight.shape != feedback.shape:
        raise ValueError(f"W {tuple(weight.shape)} and B {tuple(feedback.shape)} differ in shape")
    w, b = weight.double(), feedback.double()
    cosine = (w * b).sum(0) / (w.norm(dim=0) * b.norm(dim=0))
    return torch.rad2deg(torch.arccos(cosine.clamp(-1.0, 1.0))).float()


def singular_values(matrix: torch.Tensor) -> torch.Tensor:
    """Singular values in descending order."""
    return torch.linalg.svdvals(matrix.double()).float()


def effective_rank(matrix: torch.Tensor) -> float:
    """Roy & Vetterli (2007): exp of the Shannon entropy of the normalised singular values."""
    s = torch.linalg.svdvals(matrix.double())
    total = s.sum()
    if total <= 0:
        return 0.0
    p = s / total
    p = p[p > 0]  # 0 log 0 = 0
    return float(torch.exp(-(p * p.log()).sum()))


def learning_curve_auc(accuracy: np.ndarray) -> float:
    """Learning speed: mean accuracy (0..1) over the epochs of a curve (epochs 1..E)."""
    accuracy = np.asarray(accuracy, dtype=float)
    if accuracy.size == 0:
        raise ValueError("an empty accuracy curve has no AUC")
    return float(accuracy.mean())


def cosine_gram(activations: torch.Tensor) -> torch.Tensor:
    """Cosine similarity between neurons' activation vectors; activations are (samples, neurons).

    A neuron that never fires has no direction: its row and column are zero.
    """
    a = activations.double()
    norms = a.norm(dim=0)
    unit = a / torch.where(norms > 0, norms, torch.ones_like(norms))
    return unit.t() @ unit


def relative_distance(weight: torch.Tensor, feedback: torch.Tensor) -> float:
    """||W - B||_F / ||B||_F."""
    return float((weight - feedback).norm() / feedback.norm())


def direction_distance(weight: torch.Tensor, feedback: torch.Tensor) -> float:
    """Scale-free distance ||W/||W|| - B/||B|| ||_F (0 = same direction, sqrt(2) = orthogonal)."""
    return float((weight / weight.norm() - feedback / feedback.norm()).norm())


def norm_ratio(weight: torch.Tensor, feedback: torch.Tensor) -> float:
    """||W||_F / ||B||_F: the scale part of the relative distance."""
    return float(weight.norm() / feedback.norm())


def cosine(weight: torch.Tensor, feedback: torch.Tensor) -> float:
    """Cosine between W and B as vectors: the direction part of the relative distance.

    With r = norm_ratio, relative_distance^2 = r^2 + 1 - 2 r cosine, so the relative
    distance can fall because W aligns with B or merely because W shrinks toward 0.
    """
    return float((weight.flatten() @ feedback.flatten()) / (weight.norm() * feedback.norm()))


def per_neuron_angles(net, stage: str) -> pd.DataFrame:
    """Every neuron's angle between the rule's pathway and BP's (W-B under FA) of every
    layer with a feedback matrix, one row each."""
    from ..learning.pathways import pathways  # the layers' pairs: a network, not tensors

    frames = []
    for i, bp, ours in pathways(net):
        angles = alignment_angles(bp, ours).cpu().numpy()
        frames.append(
            pd.DataFrame(
                {"layer": i, "neuron": range(angles.size), "stage": stage, "angle": angles}
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
