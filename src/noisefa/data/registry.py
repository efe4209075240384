"""The one dataset registry every stage reads. Adding a dataset is one entry.

File names and MD5 checksums are not copied here: they are read from torchvision's
own dataset classes, so they can never drift from what torchvision verifies.
"""

from __future__ import annotations

import importlib
import math
from dataclasses import dataclass

SPLITS = ("train", "test")


# A network's input: the images as staged, or (colour images only) their luminance.
COLOURS = ("colour", "grey")


@dataclass(frozen=True)
class DatasetInfo:
    name: str  # wildcard value, stable: used in paths and config
    title: str  # for figures and tables
    tv_name: str  # class name in torchvision.datasets (imported on use: keeps the Snakefile light)
    image_shape: tuple[int, ...]  # as staged: (H, W) or (H, W, C)
    n_classes: int
    layout: str  # torchvision on-disk layout: idx | cifar | stl | usps
    n_train: int  # images in the full official training split
    n_test: int  # images in the official test split
    used_splits: tuple[str, ...] = SPLITS  # what noisefa reads (USPS: its test split only)

    @property
    def tv_class(self) -> type:
        return getattr(importlib.import_module("torchvision.datasets"), self.tv_name)

    @property
    def input_dim(self) -> int:
        return math.prod(self.image_shape)

    @property
    def channels(self) -> int:
        return self.image_shape[2] if len(self.image_shape) == 3 else 1

    def input_shape(self, colour: str = "colour") -> tuple[int, int, int]:
        """(C, H, W) of a network's input; `colour` 'grey' makes a colour image one
        luminance channel (noisefa.data.loading.COLOURS)."""
        if colour not in COLOURS:
            raise ValueError(f"unknown input colour {colour!r}; known: {', '.join(COLOURS)}")
        channels = 1 if colour == "grey" else self.channels
        return channels, self.image_shape[0], self.image_shape[1]

    def torchvision_files(self, split: str) -> list[tuple[str, str]]:
        """(path relative to a torchvision root, md5) of every file the split needs, extracted."""
        check_split(split)
        cls = self.tv_class
        if self.layout == "idx":
            # torchvision's MNIST-family classes check all four files whichever split is read.
            return [(f"{cls.__name__}/raw/{fname}", md5) for fname, md5 in cls.resources]
        if self.layout == "cifar":
            # torchvision's CIFAR classes also check every batch of both splits.
            batches = [*cls.train_list, *cls.test_list, (cls.meta["filename"], cls.meta["md5"])]
            return [(f"{cls.base_folder}/{fname}", md5) for fname, md5 in batches]
        if self.layout == "stl":
            # The labelled images only: noisefa never reads the 2.5 GB unlabeled split.
            files = cls.train_list[:2] if split == "train" else cls.test_list
            return [(f"{cls.base_folder}/{fname}", md5) for fname, md5 in files]
        if self.layout == "usps":
            _, fname, md5 = cls.split_list[split]
            return [(fname, md5)]
        raise AssertionError(self.layout)

    def archive(self) -> tuple[str, str] | None:
        """(file name, md5) of the tarball torchvision extracts, for layouts that have one."""
        if self.layout in ("cifar", "stl"):
            return self.tv_class.filename, self.tv_class.tgz_md5
        return None

    def arrays_file(self, split: str) -> str:
        """Path, relative to a mirror, of the arrays-format alternative."""
        check_split(split)
        return f"arrays/{self.name}-{split}.npz"


DATASETS: dict[str, DatasetInfo] = {
    d.name: d
    for d in (
        DatasetInfo("mnist", "MNIST", "MNIST", (28, 28), 10, "idx", 60000, 10000),
        DatasetInfo(
            "fashion_mnist", "Fashion-MNIST", "FashionMNIST", (28, 28), 10, "idx", 60000, 10000
        ),
        DatasetInfo("kmnist", "KMNIST", "KMNIST", (28, 28), 10, "idx", 60000, 10000),
        DatasetInfo("cifar10", "CIFAR-10", "CIFAR10", (32, 32, 3), 10, "cifar", 50000, 10000),
        DatasetInfo("cifar100", "CIFAR-100", "CIFAR100", (32, 32, 3), 100, "cifar", 50000, 10000),
        DatasetInfo("stl10", "STL-10", "STL10", (96, 96, 3), 10, "stl", 5000, 8000),
        DatasetInfo("usps", "USPS", "USPS", (16, 16), 10, "usps", 7291, 2007, ("test",)),
    )
}


def get_dataset(name: str) -> DatasetInfo:
    try:
        return DATASETS[name]
    except KeyError:
        raise ValueError(
            f"unknown dataset {name!r}; known datasets: {', '.join(DATASETS)}"
        ) from None


def check_split(split: str) -> None:
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {SPLITS}")
