"""What a study's post-hoc evaluation reads and writes (`studies/<study>/evaluation.py`).

Each evaluation module has `evaluate(inputs: EvalInputs) -> DataFrame` in the long format of
`COLUMNS`: which network (dataset, depth, variant, method, seed), which condition
(`stage`), what was measured (`measure`, `item`) and its `value`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from ..errors import CheckpointError
from ..files import load_tensors, read_json
from ..job_files import last_epoch

COLUMNS = ["dataset", "depth", "variant", "method", "seed", "stage", "measure", "item", "value"]


@dataclass
class EvalInputs:
    runs: list[Path] = field(default_factory=list)  # data-training run folders
    pretrains: list[Path] = field(default_factory=list)  # noise-pretraining folders
    extra: list[Path] = field(default_factory=list)  # other job folders a study needs
    data_dir: Path | None = None
    params: dict = field(default_factory=dict)


@dataclass
class Job:
    """One finished job folder: its summary, and its files on demand."""

    folder: Path

    @cached_property
    def summary(self) -> dict:
        return read_json(self.folder / "summary.json")

    def tensors(self, name: str) -> dict:
        path = self.folder / name
        tensors = CheckedTensors(path, load_tensors(path))
        if name == "snapshots.pt":
            check_snapshots(path, tensors, last_epoch(self.summary))
        return tensors

    @property
    def last_layer(self) -> int:
        return len(self.summary["params"]["dims"]) - 2

    def identity(self) -> dict:
        s = self.summary
        return {k: s.get(k, "") for k in ("dataset", "depth", "variant", "method")} | {
            "seed": s["seed"]
        }


class CheckedTensors(dict):
    """A checkpoint's tensors; asking for one it lacks is an error naming the file."""

    def __init__(self, path: Path, tensors: dict):
        super().__init__(tensors)
        self.path = path

    def __missing__(self, key: str):
        raise CheckpointError(
            f"checkpoint {self.path} has no {key!r} (it holds {sorted(self)}): partial or "
            "written by another job; delete its job's folder and rerun"
        )


def check_snapshots(path: Path, tensors: dict, last: int) -> None:
    """Weight snapshots cover epochs 0..last once each, with one weight per epoch."""
    epochs = tensors["epochs"].tolist()
    if epochs != list(range(len(epochs))) or (epochs and epochs[-1] != last):
        raise CheckpointError(
            f"{path} holds snapshots of epochs {epochs[:3]}...{epochs[-3:]}, expected 0..{last} "
            "(its summary.json); delete its job's folder and rerun"
        )
    for key, value in tensors.items():
        if key != "epochs" and value.shape[0] != len(epochs):
            raise CheckpointError(
                f"{path}: {key} has {value.shape[0]} snapshots for {len(epochs)} epochs"
            )


def rows(identity: dict, stage: str, values: dict, item="") -> list[dict]:
    return [
        {**identity, "stage": stage, "measure": m, "item": item, "value": float(v)}
        for m, v in values.items()
    ]


def frame(records: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(records, columns=COLUMNS)


def by_seed(jobs: list[Job]) -> dict[int, Job]:
    return {job.summary["seed"]: job for job in jobs}
