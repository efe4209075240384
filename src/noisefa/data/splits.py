"""Seeded, class-balanced subsets of a staged dataset (train / validation / test indices).

A split is named by a tag such as `train5000-val0-test5000-seed0` or
`trainall-val10pct-testall-seed0`:
- `val<N>`: N images, class-balanced; `val<P>pct`: P% of every class (stratified);
- `train<N>`: N class-balanced images from what validation left; `trainall`: all of it;
- `test<N>` / `testall`: from the official test split.
NumPy's PCG64 draws the indices, so one tag gives the same indices on every machine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..errors import DataError
from ..seeding import numpy_rng

TAG_PATTERN = r"train(all|\d+)-val(\d+pct|\d+)-test(all|\d+)-seed(\d+)"


@dataclass(frozen=True)
class SplitRequest:
    train: int | None  # None = all that validation leaves
    val: int | float  # int count, or float fraction in (0, 1)
    test: int | None  # None = the whole test split
    seed: int

    @property
    def tag(self) -> str:
        val = f"{round(self.val * 100)}pct" if isinstance(self.val, float) else str(self.val)
        train = "all" if self.train is None else self.train
        test = "all" if self.test is None else self.test
        return f"train{train}-val{val}-test{test}-seed{self.seed}"

    @staticmethod
    def parse(tag: str) -> SplitRequest:
        match = re.fullmatch(TAG_PATTERN, tag)
        if not match:
            raise ValueError(
                f"cannot read split tag {tag!r}; expected e.g. 'train5000-val0-test5000-seed0'"
            )
        train, val, test, seed = match.groups()
        pct = val.endswith("pct")
        if pct and not 0 < int(val[:-3]) < 100:
            raise ValueError(f"validation percentage in {tag!r} must be between 1 and 99")
        return SplitRequest(
            None if train == "all" else int(train),
            int(val[:-3]) / 100 if pct else int(val),
            None if test == "all" else int(test),
            int(seed),
        )


def balanced_quotas(total: int, n_classes: int) -> np.ndarray:
    """`total` spread over classes as evenly as possible (lower classes take the remainder)."""
    quotas = np.full(n_classes, total // n_classes)
    quotas[: total % n_classes] += 1
    return quotas


def _take_per_class(
    labels: np.ndarray,
    pools: list[np.ndarray],
    quotas: np.ndarray,
    what: str,
) -> tuple[np.ndarray, list[np.ndarray]]:
    available = sum(len(p) for p in pools)
    if quotas.sum() > available:
        raise DataError(f"{what}: {available} available, {quotas.sum()} requested")
    short = [
        (c, len(p), q) for c, (p, q) in enumerate(zip(pools, quotas, strict=True)) if q > len(p)
    ]
    if short:
        details = ", ".join(f"class {c}: {n} available, {q} requested" for c, n, q in short)
        raise DataError(f"{what}: not enough images for a class-balanced subset ({details})")
    taken = [p[:q] for p, q in zip(pools, quotas, strict=True)]
    rest = [p[q:] for p, q in zip(pools, quotas, strict=True)]
    return np.sort(np.concatenate(taken)).astype(np.int64), rest


def make_split(
    train_labels: np.ndarray,
    test_labels: np.ndarray,
    n_classes: int,
    request: SplitRequest,
    name: str = "dataset",
) -> dict[str, np.ndarray]:
    rng = numpy_rng(request.seed, "subset")
    pools = [rng.permutation(np.flatnonzero(train_labels == c)) for c in range(n_classes)]
    if isinstance(request.val, float):
        quotas = np.array([round(request.val * len(p)) for p in pools])
    else:
        quotas = balanced_quotas(request.val, n_classes)
    val, pools = _take_per_class(train_labels, pools, quotas, f"{name} validation")
    if request.train is None:
        train = np.sort(np.concatenate(pools)).astype(np.int64)
    else:
        train, _ = _take_per_class(
            train_labels, pools, balanced_quotas(request.train, n_classes), f"{name} train"
        )
    test_pools = [rng.permutation(np.flatnonzero(test_labels == c)) for c in range(n_classes)]
    if request.test is None:
        test = np.arange(test_labels.size, dtype=np.int64)
    else:
        test, _ = _take_per_class(
            test_labels, test_pools, balanced_quotas(request.test, n_classes), f"{name} test"
        )
    if train.size == 0:
        raise DataError(f"{name}: the split {request.tag} leaves no training images")
    return {"train": train, "val": val, "test": test}
