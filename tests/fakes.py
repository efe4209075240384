"""Small dataset files in torchvision's exact on-disk formats, for the sets that no
offline mirror holds (CIFAR-100, STL-10, USPS train) and for damaged-file cases.

Each writer returns the MD5s of what it wrote; `patch_checksums` points torchvision's
class attributes at them, so the files load through the same code as the real ones.
"""

from __future__ import annotations

import bz2
import pickle
import tarfile
from pathlib import Path

import numpy as np
import torchvision.datasets as tvd

from noisefa.files import md5sum


def _pickle(path: Path, obj) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        pickle.dump(obj, handle, protocol=2)
    return md5sum(path)


def write_cifar(root: Path, cls, n_train: int = 30, n_test: int = 20, seed: int = 0) -> dict:
    """A CIFAR-10 / CIFAR-100 folder: pickled batches with rows of 3072 bytes (R, G, B planes)."""
    rng = np.random.default_rng(seed)
    hundred = cls is tvd.CIFAR100
    label_key, n_classes = ("fine_labels", 100) if hundred else ("labels", 10)
    folder = root / cls.base_folder
    sums = {}
    batches = [(name, n_train // len(cls.train_list)) for name, _ in cls.train_list]
    batches += [(name, n_test) for name, _ in cls.test_list]
    for name, n in batches:
        labels = [int(v) for v in rng.integers(0, n_classes, n)]
        data = rng.integers(0, 256, (n, 3072), dtype=np.uint8)
        sums[name] = _pickle(
            folder / name,
            {
                "data": data,
                label_key: labels,
                "batch_label": name,
                "filenames": [f"{name}_{i}.png" for i in range(n)],
            },
        )
    names_key = cls.meta["key"]
    sums[cls.meta["filename"]] = _pickle(
        folder / cls.meta["filename"], {names_key: [f"class{i}" for i in range(n_classes)]}
    )
    return sums


def write_stl10(root: Path, n_train: int = 12, n_test: int = 8, seed: int = 0) -> dict:
    """stl10_binary/: column-major uint8 images (N, 3, 96, 96) and uint8 labels 1..10."""
    rng = np.random.default_rng(seed)
    folder = root / tvd.STL10.base_folder
    folder.mkdir(parents=True, exist_ok=True)
    sums = {}
    for split, n in (("train", n_train), ("test", n_test)):
        rng.integers(0, 256, (n, 3, 96, 96), dtype=np.uint8).tofile(folder / f"{split}_X.bin")
        (rng.integers(1, 11, n).astype(np.uint8)).tofile(folder / f"{split}_y.bin")
        for suffix in ("X", "y"):
            sums[f"{split}_{suffix}.bin"] = md5sum(folder / f"{split}_{suffix}.bin")
    return sums


def write_usps(root: Path, filename: str, n: int = 15, seed: int = 0) -> str:
    """LIBSVM lines 'label idx:value ...' (labels 1..10, values in [-1, 1]), bz2-compressed."""
    rng = np.random.default_rng(seed)
    lines = []
    for _ in range(n):
        values = rng.uniform(-1, 1, 256)
        features = " ".join(f"{i + 1}:{v:.6f}" for i, v in enumerate(values))
        lines.append(f"{rng.integers(1, 11)} {features}\n")
    root.mkdir(parents=True, exist_ok=True)
    with bz2.open(root / filename, "wt") as handle:
        handle.writelines(lines)
    return md5sum(root / filename)


def tar_folder(root: Path, folder: str, archive: str) -> str:
    with tarfile.open(root / archive, "w:gz") as tar:
        tar.add(root / folder, arcname=folder)
    return md5sum(root / archive)


def patch_checksums(monkeypatch, cls, sums: dict, archive_md5: str | None = None) -> None:
    if cls is tvd.USPS:
        split_list = {k: [v[0], v[1], sums.get(v[1], v[2])] for k, v in cls.split_list.items()}
        monkeypatch.setattr(cls, "split_list", split_list)
        return
    monkeypatch.setattr(cls, "train_list", [[n, sums.get(n, m)] for n, m in cls.train_list])
    monkeypatch.setattr(cls, "test_list", [[n, sums.get(n, m)] for n, m in cls.test_list])
    if hasattr(cls, "meta"):
        monkeypatch.setattr(cls, "meta", {**cls.meta, "md5": sums[cls.meta["filename"]]})
    if archive_md5:
        monkeypatch.setattr(cls, "tgz_md5", archive_md5)
