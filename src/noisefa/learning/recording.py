"""Per-epoch history rows, weight snapshots and progress lines for one training phase."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

import pandas as pd
import torch

from ..analysis.alignment import alignment_metrics
from ..analysis.measures import alignment_angles, effective_rank
from .network import MLP
from .pathways import pathways


def weight_metrics(net: MLP, with_rank: bool) -> dict[str, float]:
    """Mean per-neuron alignment angle of every layer whose feedback is used (l >= 1;
    W-B under FA, `learning.pathways`), and optionally the effective rank of every W."""
    angles = {i: alignment_angles(bp, ours).nanmean() for i, bp, ours in pathways(net)}
    out = {}
    for i, layer in enumerate(net.layers):
        if i in angles:
            out[f"angle_{i}"] = float(angles[i])
        if with_rank:
            out[f"erank_{i}"] = effective_rank(layer.weight.detach())
    return out


class Recorder:
    def __init__(
        self,
        net: MLP,
        phase: str,
        total_epochs: int,
        label: str = "",
        with_rank: bool = False,
        snapshot_layers: Sequence[int] = (),
        stream=sys.stderr,
        alignment_probe: tuple[torch.Tensor, torch.Tensor] | None = None,
    ):
        """`alignment_probe`: a fixed batch (x, y); given one, every row also records the
        whole-matrix and weight-update angles to BP of every layer (`analysis.alignment`)."""
        self.net, self.phase, self.total_epochs = net, phase, total_epochs
        self.alignment_probe = alignment_probe
        self.label, self.with_rank, self.stream = label, with_rank, stream
        self.snapshot_layers = [i % len(net.layers) for i in snapshot_layers]
        self.rows: list[dict] = []
        self.snapshots: dict[int, list[torch.Tensor]] = {i: [] for i in self.snapshot_layers}
        self.snapshot_epochs: list[int] = []
        self._start = time.perf_counter()
        self._every = max(1, total_epochs // 20)

    def add(self, epoch: int, metrics: dict[str, tuple[float, float]]) -> dict[str, float]:
        """History rows for `metrics`, measured on the network as it is now (no progress
        line, no snapshot); returns the weight metrics."""
        weights = weight_metrics(self.net, self.with_rank)
        if self.alignment_probe is not None:
            weights.update(alignment_metrics(self.net, self.alignment_probe))
        for split, (loss, acc) in metrics.items():
            self.rows.append(
                {
                    "phase": self.phase,
                    "epoch": epoch,
                    "split": split,
                    "loss": loss,
                    "acc": acc,
                    **weights,
                }
            )
        return weights

    def __call__(self, epoch: int, metrics: dict[str, tuple[float, float]]) -> None:
        weights = self.add(epoch, metrics)
        for i in self.snapshot_layers:
            self.snapshots[i].append(self.net.layers[i].weight.detach().cpu().clone())
        self.snapshot_epochs.append(epoch)
        if epoch % self._every == 0 or epoch == self.total_epochs:
            parts = [f"{s} loss={loss:.4f} acc={acc:.4f}" for s, (loss, acc) in metrics.items()]
            parts += [f"{k}={v:.2f}" for k, v in weights.items() if k.startswith("angle")]
            elapsed = time.perf_counter() - self._start
            print(
                f"[{self.label} {self.phase}] epoch {epoch}/{self.total_epochs} "
                f"{' '.join(parts)} ({elapsed:.1f}s)",
                file=self.stream,
                flush=True,
            )

    def history(self) -> pd.DataFrame:
        """Rows by epoch (rows added at the end for earlier epochs sorted in)."""
        return pd.DataFrame(self.rows).sort_values("epoch", kind="stable", ignore_index=True)

    def snapshot_tensors(self) -> dict[str, torch.Tensor]:
        """Tensor-only dict: `epochs` and `layers.{i}.weight` stacked over epochs."""
        out = {"epochs": torch.tensor(self.snapshot_epochs)}
        for i, weights in self.snapshots.items():
            out[f"layers.{i}.weight"] = torch.stack(weights)
        return out
