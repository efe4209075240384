"""Weight trajectories toward the feedback matrix (Fig 2d-g, 6b): PCA and distances."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .measures import cosine, direction_distance, norm_ratio, relative_distance


@dataclass
class PCA:
    mean: np.ndarray  # (features,)
    components: np.ndarray  # (k, features)
    explained: np.ndarray  # fraction of variance per component

    def project(self, matrices: np.ndarray) -> np.ndarray:
        """(n, out, in) or (out, in) weight matrices -> (n, k) coordinates."""
        flat = np.asarray(matrices, dtype=np.float64).reshape(-1, self.mean.size)
        return (flat - self.mean) @ self.components.T


def fit_pca(snapshots: list[np.ndarray], feedback: np.ndarray, k: int = 2) -> PCA:
    """PCA on every snapshot of W (each (n_i, out, in)) plus B itself, as one point cloud.

    B is included so that the plane shows where the trajectories head.
    """
    rows = [np.asarray(s, dtype=np.float64).reshape(len(s), -1) for s in snapshots]
    data = np.concatenate([*rows, np.asarray(feedback, dtype=np.float64).reshape(1, -1)])
    mean = data.mean(0)
    _, singular, vt = np.linalg.svd(data - mean, full_matrices=False)
    variance = singular**2
    return PCA(mean, vt[:k], variance[:k] / variance.sum())


def distances_to_feedback(
    weight: torch.Tensor, feedback: torch.Tensor, pca: PCA | None = None
) -> dict:
    """The three distances of SPEC section 3: relative, scale-free, and in the PC plane."""
    out = {
        "relative_distance": relative_distance(weight, feedback),
        "direction_distance": direction_distance(weight, feedback),
    }
    if pca is not None:
        w, b = pca.project(weight.numpy()), pca.project(feedback.numpy())
        out["pc_distance"] = float(np.linalg.norm(w - b))
    return out


def distance_parts(weight: torch.Tensor, feedback: torch.Tensor) -> dict:
    """The relative distance split into W's scale and its direction (`measures.cosine`)."""
    return {"norm_ratio": norm_ratio(weight, feedback), "cosine": cosine(weight, feedback)}


def displacement_cosines(noise: torch.Tensor, data: torch.Tensor, pca: PCA) -> dict:
    """Fig 2f: do noise and data training move W the same way? The cosine between the two
    displacements (last snapshot - first), in weight space and in the PC plane."""
    moves = [path[-1] - path[0] for path in (noise, data)]
    planar = [pca.project(p[-1].numpy()) - pca.project(p[0].numpy()) for p in (noise, data)]
    a, b = (p.ravel() for p in planar)
    return {
        "displacement_cosine": cosine(*moves),
        "pc_displacement_cosine": float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b))),
    }
