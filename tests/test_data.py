"""Staging from the real mirror files, verification, and seeded class-balanced splits."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from noisefa.data.loading import load_split_tensors, subset_note
from noisefa.data.registry import DATASETS, get_dataset
from noisefa.data.sources import clear_cache, find_split
from noisefa.data.splits import SplitRequest, make_split
from noisefa.data.staging import stage_split
from noisefa.errors import DataError
from noisefa.files import md5sum


def test_mnist_stages_from_the_real_files(staged_data, mirror):
    record = json.loads((staged_data / "mnist" / "train.json").read_text())
    assert record["n"] == 60000 and record["source"] == "mirror"
    assert record["class_counts"][:3] == [5923, 6742, 5958]
    assert record["mean"][0] == pytest.approx(0.1307, abs=1e-4)
    assert record["std"][0] == pytest.approx(0.3081, abs=1e-4)
    assert {f["md5"] for f in record["files"]} >= {"f68b3c2dcbeaaa9fbdd348bbdeb94873"}
    with np.load(staged_data / "mnist" / "test.npz") as staged:
        assert staged["images"].shape == (10000, 28, 28) and staged["images"].dtype == np.uint8
    # the extracted idx files (55 MB per dataset) are not left behind
    assert not any((staged_data / ".torchvision").rglob("*"))


def test_cifar10_stages_the_full_training_split(mirror, tmp_path):
    """The mirror's arrays hold all 50,000 images: no subset, the published statistics."""
    record = stage_split(
        "cifar10",
        "train",
        tmp_path / "cifar10" / "train.npz",
        tmp_path / "cifar10" / "train.json",
        [mirror],
        tmp_path / ".torchvision" / "cifar10-train",
        download=False,
    )
    assert record["n"] == 50000 and record["source"] == "arrays"
    assert record["class_counts"] == [5000] * 10
    assert record["mean"] == pytest.approx([0.4914, 0.4822, 0.4465], abs=1e-4)
    assert record["std"] == pytest.approx([0.2470, 0.2435, 0.2616], abs=1e-4)
    assert subset_note(tmp_path, "cifar10") == ""
    with np.load(tmp_path / "cifar10" / "train.npz") as staged:
        assert staged["images"].dtype == np.uint8 and staged["images"].shape == (50000, 32, 32, 3)


def test_a_source_with_fewer_images_is_staged_and_labelled_as_a_subset(tmp_path):
    mirror = tmp_path / "mirror"
    (mirror / "arrays").mkdir(parents=True)
    rng = np.random.default_rng(0)
    np.savez(
        mirror / "arrays" / "cifar10-train.npz",
        images=rng.integers(0, 256, (60, 32, 32, 3), dtype=np.uint8),
        labels=np.repeat(np.arange(10, dtype=np.int64), 6),
    )
    data = tmp_path / "data"
    stage_split(
        "cifar10",
        "train",
        data / "cifar10" / "train.npz",
        data / "cifar10" / "train.json",
        [mirror],
        data / ".torchvision" / "cifar10-train",
        download=False,
    )
    assert subset_note(data, "cifar10") == "subset: 60 of 50000 training images"


def test_clearing_the_cache_keeps_downloads_and_never_follows_links(tmp_path):
    target = tmp_path / "mirror.gz"
    target.write_bytes(b"mirror file")
    raw = tmp_path / "cache" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "train-images-idx3-ubyte.gz").write_bytes(b"downloaded")
    (raw / "train-images-idx3-ubyte").write_bytes(b"extracted")
    (raw / "t10k-labels-idx1-ubyte.gz").symlink_to(target)
    clear_cache(get_dataset("mnist"), tmp_path / "cache")
    assert [p.name for p in raw.iterdir()] == ["train-images-idx3-ubyte.gz"]
    assert target.read_bytes() == b"mirror file"
    (raw / "train-images-idx3-ubyte.gz").unlink()
    clear_cache(get_dataset("mnist"), tmp_path / "cache")
    assert not (tmp_path / "cache").exists()


def test_staging_never_writes_into_the_mirror(mirror, tmp_path):
    before = {p: md5sum(p) for p in (mirror / "MNIST" / "raw").iterdir()}
    find_split(get_dataset("mnist"), "test", [mirror], tmp_path / "cache", download=False)
    assert {p: md5sum(p) for p in (mirror / "MNIST" / "raw").iterdir()} == before


def fake_mirror(mirror, tmp_path, corrupt=None, drop=None):
    fake = tmp_path / "mirror" / "MNIST" / "raw"
    fake.mkdir(parents=True)
    for src in (mirror / "MNIST" / "raw").glob("*.gz"):
        if src.name == drop:
            continue
        shutil.copy(src, fake / src.name)
    if corrupt:
        data = bytearray((fake / corrupt).read_bytes())
        data[100] ^= 0xFF
        (fake / corrupt).write_bytes(bytes(data))
    return tmp_path / "mirror"


def test_a_corrupt_file_is_an_error_naming_it_and_is_left_alone(mirror, tmp_path):
    fake = fake_mirror(mirror, tmp_path, corrupt="t10k-labels-idx1-ubyte.gz")
    before = md5sum(fake / "MNIST/raw/t10k-labels-idx1-ubyte.gz")
    with pytest.raises(
        DataError, match=r"t10k-labels-idx1-ubyte\.gz.*torchvision expects ec29112d"
    ):
        find_split(get_dataset("mnist"), "test", [fake], tmp_path / "cache", download=True)
    assert md5sum(fake / "MNIST/raw/t10k-labels-idx1-ubyte.gz") == before


def test_a_partial_mirror_names_the_missing_file(mirror, tmp_path):
    fake = fake_mirror(mirror, tmp_path, drop="train-labels-idx1-ubyte.gz")
    with pytest.raises(DataError, match="missing: MNIST/raw/train-labels-idx1-ubyte.gz"):
        find_split(get_dataset("mnist"), "train", [fake], tmp_path / "cache", download=False)


def test_missing_data_without_download_says_where_to_put_it(tmp_path):
    with pytest.raises(DataError, match=r"downloading is off.*NOISEFA_DATA_MIRROR"):
        find_split(get_dataset("mnist"), "train", [tmp_path], tmp_path / "cache", download=False)


def test_registry_reads_checksums_from_torchvision():
    mnist = get_dataset("mnist")
    files = dict(mnist.torchvision_files("test"))
    assert files["MNIST/raw/t10k-images-idx3-ubyte.gz"] == "9fb629c4189551a2d022fa330f9573f3"
    assert set(DATASETS) == {
        "mnist",
        "fashion_mnist",
        "kmnist",
        "cifar10",
        "cifar100",
        "stl10",
        "usps",
    }
    assert get_dataset("stl10").input_dim == 27648 and get_dataset("cifar100").n_classes == 100
    with pytest.raises(ValueError, match="known datasets"):
        get_dataset("imagenet")


def labels(n_per_class, classes=10):
    return np.repeat(np.arange(classes), n_per_class)


def test_splits_are_class_balanced_disjoint_and_seeded():
    train, test = labels(100), labels(50)
    request = SplitRequest.parse("train500-val100-test200-seed3")
    a = make_split(train, test, 10, request)
    assert np.bincount(train[a["train"]]).tolist() == [50] * 10
    assert np.bincount(train[a["val"]]).tolist() == [10] * 10
    assert np.bincount(test[a["test"]]).tolist() == [20] * 10
    assert not set(a["train"]) & set(a["val"])
    b = make_split(train, test, 10, request)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    c = make_split(train, test, 10, SplitRequest.parse("train500-val100-test200-seed4"))
    assert not np.array_equal(a["train"], c["train"])


def test_percentage_validation_and_all():
    train, test = labels(100), labels(50)
    split = make_split(train, test, 10, SplitRequest.parse("trainall-val10pct-testall-seed0"))
    assert split["val"].size == 100 and split["train"].size == 900 and split["test"].size == 500
    assert (
        SplitRequest.parse("trainall-val10pct-testall-seed0").tag
        == "trainall-val10pct-testall-seed0"
    )


def test_asking_for_more_than_exists_gives_the_numbers():
    with pytest.raises(DataError, match="CIFAR-10 train: 900 available, 45000 requested"):
        make_split(labels(100), labels(50), 10, SplitRequest(45000, 100, None, 0), "CIFAR-10")
    with pytest.raises(DataError, match="class 3: 5 available, 10 requested"):
        uneven = np.concatenate([labels(20)[labels(20) != 3], np.full(5, 3)])
        make_split(uneven, labels(50), 10, SplitRequest(100, 0, 100, 0))


def test_loaded_tensors_are_normalised_with_the_training_statistics(staged_data):
    from noisefa.cli import split as split_cli

    split_cli.main(
        [
            "--dataset",
            "mnist",
            "--tag",
            "train1000-val0-testall-seed0",
            "--data-dir",
            str(staged_data),
        ]
    )
    tensors = load_split_tensors(staged_data, "mnist", "train1000-val0-testall-seed0")
    assert set(tensors) == {"train", "test"}
    assert tensors["train"].x.shape == (1000, 784) and len(tensors["test"]) == 10000
    assert (
        abs(tensors["test"].x.mean().item()) < 0.05
        and abs(tensors["test"].x.std().item() - 1) < 0.05
    )


def test_subset_note_names_a_training_split_smaller_than_the_official_one(tmp_path):
    for dataset, n in (("cifar10", 10000), ("mnist", 60000)):
        (tmp_path / dataset).mkdir()
        (tmp_path / dataset / "train.json").write_text(json.dumps({"n": n}))
    assert subset_note(tmp_path, "cifar10") == "subset: 10000 of 50000 training images"
    assert subset_note(tmp_path, "mnist") == ""  # the full split
    assert subset_note(tmp_path, "kmnist") == ""  # not staged


def test_an_archive_holding_both_splits_is_extracted_once(tmp_path, monkeypatch):
    """STL-10's tarball (2.5 GB extracted) holds both splits: staging them in one job
    extracts it once, and the extracted files are gone afterwards."""
    import tarfile

    import torchvision.datasets.utils as tv_utils

    from noisefa.data import sources
    from noisefa.data.staging import stage_splits

    rng = np.random.default_rng(0)
    folder = tmp_path / "build" / "stl10_binary"
    folder.mkdir(parents=True)
    for split, n in (("train", 3), ("test", 2)):
        rng.integers(0, 256, (n, 3, 96, 96), dtype=np.uint8).tofile(folder / f"{split}_X.bin")
        np.arange(1, n + 1, dtype=np.uint8).tofile(folder / f"{split}_y.bin")
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    with tarfile.open(mirror / "stl10_binary.tar.gz", "w:gz") as tar:
        tar.add(folder, arcname="stl10_binary")
    monkeypatch.setattr(sources, "verify_md5", lambda path, expected: "fake")  # not torchvision's
    extractions = []
    real_extract = tv_utils.extract_archive
    monkeypatch.setattr(
        tv_utils, "extract_archive", lambda *a, **k: extractions.append(a) or real_extract(*a, **k)
    )
    out, cache = tmp_path / "data" / "stl10", tmp_path / "data" / ".torchvision" / "stl10"
    records = stage_splits(
        "stl10",
        {s: (out / f"{s}.npz", out / f"{s}.json") for s in ("train", "test")},
        [mirror],
        cache,
        download=False,
    )
    assert len(extractions) == 1
    assert records["train"]["n"] == 3 and records["test"]["n"] == 2
    with np.load(out / "test.npz") as staged:
        assert staged["images"].shape == (2, 96, 96, 3) and list(staged["labels"]) == [0, 1]
    assert not cache.exists()  # nothing extracted is left behind
