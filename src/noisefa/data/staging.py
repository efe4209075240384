"""Stage one split of a dataset: find it, verify it, and store it as a plain array file.

The staged file (`<split>.npz`: `images` uint8, `labels` int64) and its record
(`<split>.json`: source, file checksums, class counts, and for the training split the
per-channel pixel mean and std used for normalisation) are what every job reads.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from .. import __version__
from ..files import write_json, write_npz
from .registry import get_dataset
from .sources import clear_cache, find_split


def channel_statistics(images: np.ndarray, chunk: int = 4096) -> tuple[list[float], list[float]]:
    """Per-channel mean and std of pixel/255 over a whole split.

    Exact integer sums of pixels and squared pixels, a chunk of images at a time: the
    full CIFAR-10 split would otherwise need a 1.2 GB float64 copy."""
    channels = images.shape[3] if images.ndim == 4 else 1
    total = np.zeros(channels, dtype=np.int64)
    squares = np.zeros(channels, dtype=np.int64)
    for start in range(0, images.shape[0], chunk):
        pixels = images[start : start + chunk].reshape(-1, channels).astype(np.int64)
        total += pixels.sum(0)
        squares += (pixels * pixels).sum(0)
    count = images.size // channels
    mean = total / count
    var = squares / count - mean * mean
    return (mean / 255.0).tolist(), (np.sqrt(var) / 255.0).tolist()


def stage_split(
    dataset: str,
    split: str,
    out_npz: Path,
    out_json: Path,
    mirrors: list[Path],
    cache_root: Path,
    download: bool,
) -> dict:
    """Stage one split (its own torchvision cache, cleared before and after)."""
    return stage_splits(dataset, {split: (out_npz, out_json)}, mirrors, cache_root, download)[split]


def stage_splits(
    dataset: str,
    outputs: dict[str, tuple[Path, Path]],
    mirrors: list[Path],
    cache_root: Path,
    download: bool,
) -> dict[str, dict]:
    """Stage several splits of one dataset through one torchvision cache, so an archive
    holding both (CIFAR, STL-10: 2.5 GB extracted) is downloaded and extracted once.
    The cache is cleared before (an earlier, failed job's leftovers are never read) and
    after (only the staged arrays are read later)."""
    info = get_dataset(dataset)
    clear_cache(info, cache_root)
    records = {}
    for split, (out_npz, out_json) in outputs.items():
        records[split] = _stage_one(info, split, out_npz, out_json, mirrors, cache_root, download)
    clear_cache(info, cache_root)
    return records


def _stage_one(info, split, out_npz, out_json, mirrors, cache_root, download) -> dict:
    dataset = info.name
    start = time.perf_counter()
    raw = find_split(info, split, mirrors, cache_root, download)
    record = {
        "dataset": dataset,
        "split": split,
        "n": int(raw.labels.size),
        "image_shape": list(raw.images.shape[1:]),
        "class_counts": np.bincount(raw.labels, minlength=info.n_classes).tolist(),
        "source": raw.source,
        "location": raw.location,
        "files": raw.files,
        "noisefa_version": __version__,
    }
    if split == "train":
        record["mean"], record["std"] = channel_statistics(raw.images)
    record["seconds"] = round(time.perf_counter() - start, 3)
    write_npz(out_npz, images=raw.images, labels=raw.labels)
    write_json(out_json, record)
    return record
