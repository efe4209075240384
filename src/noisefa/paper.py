"""Numbers the paper reports, to set beside ours (Table S5 and its ΔACC rows, %).

They are read from `paper_claims.yaml`, the one list of the paper's claims; they
appear only in columns named `paper_*` and in the claims report, never as results.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import yaml

DATASET_TITLES = {
    "mnist": "MNIST",
    "fashion_mnist": "F-MNIST",
    "cifar10": "CIFAR-10",
    "cifar100": "CIFAR-100",
    "stl10": "STL-10",
    "kmnist": "KMNIST",
}
PAPER_DEPTHS = (2, 3, 4, 5)


@cache
def paper_claims() -> dict:
    return yaml.safe_load(files("noisefa").joinpath("paper_claims.yaml").read_text())


def table_s5(dataset: str, method: str, depth: int) -> tuple[float, float] | None:
    values = paper_claims()["table_s5"]["accuracy"].get(dataset, {}).get(method)
    return tuple(values[PAPER_DEPTHS.index(depth)]) if values and depth in PAPER_DEPTHS else None


def delta_acc(dataset: str, depth: int) -> tuple[float, float] | None:
    values = paper_claims()["table_s5"]["delta_acc"].get(dataset)
    return tuple(values[PAPER_DEPTHS.index(depth)]) if values and depth in PAPER_DEPTHS else None
