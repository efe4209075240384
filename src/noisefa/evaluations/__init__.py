"""Post-hoc measurements of a study's trained networks, one module per study.

Each module has `evaluate(inputs: EvalInputs) -> DataFrame` in the long format of
`COLUMNS`: which network (dataset, depth, variant, method, seed), which condition
(`stage`), what was measured (`measure`, `item`) and its `value`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..catalogue import EVALUATED  # noqa: F401  (the studies that have a module here)
from ..files import load_tensors, read_json

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

    @property
    def summary(self) -> dict:
        return read_json(self.folder / "summary.json")

    def tensors(self, name: str) -> dict:
        return load_tensors(self.folder / name)

    @property
    def last_layer(self) -> int:
        return len(self.summary["params"]["dims"]) - 2

    def identity(self) -> dict:
        s = self.summary
        return {k: s.get(k, "") for k in ("dataset", "depth", "variant", "method")} | {
            "seed": s["seed"]
        }


def rows(identity: dict, stage: str, values: dict, item="") -> list[dict]:
    return [
        {**identity, "stage": stage, "measure": m, "item": item, "value": float(v)}
        for m, v in values.items()
    ]


def frame(records: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(records, columns=COLUMNS)


def by_seed(jobs: list[Job]) -> dict[int, Job]:
    return {job.summary["seed"]: job for job in jobs}
