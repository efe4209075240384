"""Staged arrays -> normalised float tensors on the training device, once per job."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..errors import ConfigError, DataError
from ..files import read_json
from .registry import COLOURS, get_dataset


@dataclass
class Tensors:
    x: torch.Tensor  # float32 (N, C*H*W), normalised per channel
    y: torch.Tensor  # int64 (N,)

    def __len__(self) -> int:
        return int(self.y.numel())


def read_staged(data_dir: Path, dataset: str, split: str) -> tuple[np.ndarray, np.ndarray]:
    path = Path(data_dir) / dataset / f"{split}.npz"
    return read_npz(path, ("images", "labels"), "staged split")


def read_npz(path: Path, keys: tuple[str, ...], what: str) -> tuple[np.ndarray, ...]:
    """Arrays `keys` of an .npz the workflow wrote; a missing, truncated or partial file is
    an error naming it (never a bare zipfile traceback)."""
    if not Path(path).is_file():
        raise DataError(f"{what} {path} is missing; the workflow's rule that writes it must run")
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = [k for k in keys if k not in archive.files]
            if missing:
                raise DataError(f"{what} {path} lacks {missing}; it holds {archive.files}")
            return tuple(archive[k] for k in keys)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise DataError(
            f"{what} {path} is damaged ({type(exc).__name__}: {exc}); delete it and rerun - "
            "the workflow writes it again"
        ) from None


# Input scalings (the paper states none; `sensitivity` varies it): per-channel
# standardisation, one mean and std over all channels, or the raw [0, 1] pixels.
SCALINGS = ("channel", "global", "raw")


def normalisation(
    data_dir: Path, dataset: str, scaling: str = "channel"
) -> tuple[list[float], list[float]]:
    """Mean/std per channel that give the `scaling` asked for, from the staged training
    split's per-channel statistics (all channels hold as many pixels, so the global
    moments follow from them exactly)."""
    if scaling not in SCALINGS:
        raise ValueError(f"unknown input scaling {scaling!r}; known: {', '.join(SCALINGS)}")
    record = read_json(Path(data_dir) / dataset / "train.json")
    mean, std = np.asarray(record["mean"], float), np.asarray(record["std"], float)
    if scaling == "raw":
        return [0.0] * mean.size, [1.0] * mean.size
    if scaling == "global":
        overall = float(mean.mean())
        spread = float(np.sqrt(np.mean(std**2 + mean**2) - overall**2))
        return [overall] * mean.size, [spread] * mean.size
    return mean.tolist(), std.tolist()


def as_grey(images: np.ndarray, dataset: str) -> np.ndarray:
    """(N, H, W, 3) uint8 -> (N, H, W) float32 luminance in [0, 255] (ITU-R 601 weights,
    torchvision's rgb_to_grayscale)."""
    from torchvision.transforms.v2.functional import rgb_to_grayscale

    if get_dataset(dataset).channels != 3:
        raise ConfigError(f"grey input needs colour images; {dataset} has one channel already")
    x = torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).float()
    return rgb_to_grayscale(x).squeeze(1).numpy()


def grey_normalisation(train_images: np.ndarray, scaling: str) -> tuple[list[float], list[float]]:
    """Mean/std of grey input: the staged training split's luminance (one channel, so
    'channel' and 'global' agree), or raw [0, 1]."""
    if scaling not in SCALINGS:
        raise ValueError(f"unknown input scaling {scaling!r}; known: {', '.join(SCALINGS)}")
    if scaling == "raw":
        return [0.0], [1.0]
    pixels = train_images.astype(np.float64) / 255.0
    return [float(pixels.mean())], [float(pixels.std())]


def subset_note(data_dir: Path, dataset: str, train_size: int | None = None) -> str:
    """'subset: 3000 of 50000 training images' when the networks trained on fewer images
    than the official training split offers: the staged split holds fewer (a partial
    mirror), or the study asks for `train_size` images; else ''."""
    record = Path(data_dir) / dataset / "train.json"
    if not record.is_file():
        return ""
    n, full = read_json(record)["n"], get_dataset(dataset).n_train
    used = min(n, train_size) if train_size else n
    return f"subset: {used} of {full} training images" if train_size or n < full else ""


def to_tensors(
    images: np.ndarray,
    labels: np.ndarray,
    mean: list[float],
    std: list[float],
    device: torch.device | str = "cpu",
) -> Tensors:
    """(N, H, W[, C]) uint8 pixels (or float in [0, 255]) -> (N, C*H*W) float32,
    channel-major like torchvision's ToTensor."""
    x = torch.from_numpy(np.ascontiguousarray(images)).to(device)
    x = x.unsqueeze(-1) if x.ndim == 3 else x
    x = x.permute(0, 3, 1, 2).float().div_(255.0)
    mean_t = torch.tensor(mean, device=device).view(1, -1, 1, 1)
    std_t = torch.tensor(std, device=device).view(1, -1, 1, 1)
    if (std_t <= 0).any():
        raise DataError(f"normalisation std must be > 0 in every channel, got {std}")
    x = ((x - mean_t) / std_t).reshape(x.shape[0], -1).contiguous()
    return Tensors(x, torch.from_numpy(np.asarray(labels, dtype=np.int64)).to(device))


def load_split_tensors(
    data_dir: Path,
    dataset: str,
    split_tag: str,
    device: torch.device | str = "cpu",
    scaling: str = "channel",
    colour: str = "colour",
) -> dict[str, Tensors]:
    """train / val / test tensors of a split tag (val absent when the tag asks for none),
    scaled as `scaling` says (SCALINGS), in colour or grey (COLOURS)."""
    get_dataset(dataset)
    if colour not in COLOURS:
        raise ValueError(f"unknown input colour {colour!r}; known: {', '.join(COLOURS)}")
    indices_path = Path(data_dir) / dataset / "splits" / f"{split_tag}.npz"
    parts = ("train", "val", "test")
    indices = dict(zip(parts, read_npz(indices_path, parts, "split index file"), strict=True))
    train_images, train_labels = read_staged(data_dir, dataset, "train")
    test_images, test_labels = read_staged(data_dir, dataset, "test")
    if colour == "grey":
        train_images, test_images = as_grey(train_images, dataset), as_grey(test_images, dataset)
        mean, std = grey_normalisation(train_images, scaling)
    else:
        mean, std = normalisation(data_dir, dataset, scaling)
    for part, idx in indices.items():
        size = (test_labels if part == "test" else train_labels).size
        if idx.size and (idx.min() < 0 or idx.max() >= size):
            raise DataError(
                f"split index file {indices_path} points past the staged {dataset} "
                f"{'test' if part == 'test' else 'train'} split ({size} images): it belongs to "
                "another staging; delete it and rerun"
            )
    out = {
        "train": to_tensors(
            train_images[indices["train"]], train_labels[indices["train"]], mean, std, device
        ),
        "test": to_tensors(
            test_images[indices["test"]], test_labels[indices["test"]], mean, std, device
        ),
    }
    if indices["val"].size:
        out["val"] = to_tensors(
            train_images[indices["val"]], train_labels[indices["val"]], mean, std, device
        )
    return out
