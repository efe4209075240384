"""Every dataset loader: real files where the offline mirror has them, files in
torchvision's exact format where it does not, and every kind of damaged input."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import torchvision.datasets as tvd

from noisefa.data.registry import get_dataset
from noisefa.data.sources import find_split, read_arrays
from noisefa.errors import DataError
from tests import fakes


@pytest.mark.parametrize(
    "dataset, split, n, per_class, source",
    [
        ("fashion_mnist", "train", 60000, 6000, "mirror"),
        ("kmnist", "train", 60000, 6000, "mirror"),
        ("kmnist", "test", 10000, 1000, "mirror"),
        ("cifar10", "train", 50000, 5000, "arrays"),
        ("cifar10", "test", 10000, 1000, "arrays"),
        ("usps", "test", 2007, None, "mirror"),
    ],
)
def test_real_offline_datasets_load(tmp_path, mirror, dataset, split, n, per_class, source):
    info = get_dataset(dataset)
    raw = find_split(info, split, [mirror], tmp_path / "cache", download=False)
    assert raw.source == source and raw.labels.size == n
    assert raw.images.shape == (n, *info.image_shape) and raw.images.dtype == np.uint8
    if per_class:
        assert np.bincount(raw.labels).tolist() == [per_class] * info.n_classes
    if dataset != "usps":  # complete splits: the registry's sizes (used for costing, subsets)
        assert n == (info.n_train if split == "train" else info.n_test)


@pytest.mark.parametrize("cls, name", [(tvd.CIFAR10, "cifar10"), (tvd.CIFAR100, "cifar100")])
def test_cifar_pickles_load_through_torchvision(tmp_path, monkeypatch, cls, name):
    mirror = tmp_path / "mirror"
    fakes.patch_checksums(monkeypatch, cls, fakes.write_cifar(mirror, cls))
    raw = find_split(get_dataset(name), "train", [mirror], tmp_path / "cache", download=False)
    assert raw.images.shape == (30, 32, 32, 3) and raw.labels.max() < get_dataset(name).n_classes
    # torchvision's CHW planes -> HWC: pixel (0, 0) of image 0 is bytes 0, 1024, 2048 of its row
    with open(mirror / cls.base_folder / cls.train_list[0][0], "rb") as handle:
        row = np.asarray(__import__("pickle").load(handle, encoding="latin1")["data"][0])
    assert raw.images[0, 0, 0].tolist() == [row[0], row[1024], row[2048]]


def test_cifar_tarball_in_a_mirror_is_verified_and_extracted(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    sums = fakes.write_cifar(mirror, tvd.CIFAR100)
    archive_md5 = fakes.tar_folder(mirror, tvd.CIFAR100.base_folder, tvd.CIFAR100.filename)
    shutil.rmtree(mirror / tvd.CIFAR100.base_folder)
    fakes.patch_checksums(monkeypatch, tvd.CIFAR100, sums, archive_md5)
    raw = find_split(get_dataset("cifar100"), "test", [mirror], tmp_path / "cache", download=False)
    assert raw.labels.size == 20
    assert sorted(p.name for p in mirror.iterdir()) == [tvd.CIFAR100.filename]  # mirror untouched


def test_stl10_binaries_load_in_torchvision_orientation(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    fakes.patch_checksums(monkeypatch, tvd.STL10, fakes.write_stl10(mirror))
    raw = find_split(get_dataset("stl10"), "train", [mirror], tmp_path / "cache", download=False)
    assert raw.images.shape == (12, 96, 96, 3) and raw.labels.min() >= 0 and raw.labels.max() <= 9
    stored = np.fromfile(mirror / "stl10_binary" / "train_X.bin", dtype=np.uint8).reshape(
        -1, 3, 96, 96
    )
    # torchvision transposes each channel (column-major on disk): row r, col c = stored[c, r]
    assert raw.images[0, 5, 7, 2] == stored[0, 2, 7, 5]


def test_usps_train_bz2_loads(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    md5 = fakes.write_usps(mirror, "usps.bz2")
    fakes.patch_checksums(monkeypatch, tvd.USPS, {"usps.bz2": md5})
    raw = find_split(get_dataset("usps"), "train", [mirror], tmp_path / "cache", download=False)
    assert raw.images.shape == (15, 16, 16) and raw.labels.min() >= 0 and raw.labels.max() <= 9


@pytest.mark.parametrize("damage", ["truncate", "flip", "delete"])
def test_damaged_torchvision_files_are_named(tmp_path, monkeypatch, damage):
    mirror = tmp_path / "mirror"
    fakes.patch_checksums(monkeypatch, tvd.CIFAR10, fakes.write_cifar(mirror, tvd.CIFAR10))
    victim = mirror / "cifar-10-batches-py" / "data_batch_3"
    if damage == "truncate":
        victim.write_bytes(victim.read_bytes()[:500])
    elif damage == "flip":
        data = bytearray(victim.read_bytes())
        data[-10] ^= 1
        victim.write_bytes(bytes(data))
    else:
        victim.unlink()
    expected = (
        "missing: cifar-10-batches-py/data_batch_3" if damage == "delete" else "data_batch_3: MD5"
    )
    with pytest.raises(DataError, match=expected):
        find_split(get_dataset("cifar10"), "train", [mirror], tmp_path / "cache", download=True)


def arrays_file(tmp_path, **override):
    arrays = {"images": np.zeros((6, 32, 32, 3), np.uint8), "labels": np.arange(6, dtype=np.int64)}
    arrays.update(override)
    path = tmp_path / "cifar10-train.npz"
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize(
    "override, message",
    [
        ({"images": np.zeros((6, 32, 32, 3), np.float32)}, "images dtype is float32"),
        ({"images": np.zeros((6, 28, 28), np.uint8)}, "expected \\(N, 32, 32, 3\\)"),
        ({"labels": np.arange(6, dtype=np.int32)}, "labels dtype is int32"),
        ({"labels": np.arange(5, dtype=np.int64)}, "labels shape"),
        ({"labels": np.array([0, 1, 2, 3, 4, 10])}, "labels span 0..10, expected 0..9"),
        ({"classes": np.array(["a", "b"])}, "'classes' has 2 names"),
        ({"indices": np.zeros(6, np.int64)}, "one distinct index"),
    ],
)
def test_bad_arrays_are_rejected(tmp_path, override, message):
    with pytest.raises(DataError, match=message):
        read_arrays(get_dataset("cifar10"), "train", arrays_file(tmp_path, **override))


def test_truncated_arrays_and_missing_keys(tmp_path):
    path = arrays_file(tmp_path)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(DataError, match="corrupt or truncated"):
        read_arrays(get_dataset("cifar10"), "train", path)
    np.savez(path, pictures=np.zeros(3))
    with pytest.raises(DataError, match="must hold 'images' and 'labels'"):
        read_arrays(get_dataset("cifar10"), "train", path)


def test_arrays_format_needs_no_pickle(tmp_path):
    path = tmp_path / "x.npz"
    np.savez(path, images=np.array([object()], dtype=object), labels=np.zeros(1, np.int64))
    with pytest.raises(DataError):
        read_arrays(get_dataset("cifar10"), "train", path)
