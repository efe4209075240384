"""Atomic file writing, checksums and checkpoints.

Every output is written to a temporary file in the destination folder and renamed into
place, so an interrupted job never leaves a half-written file that looks complete.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import pickle
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import CheckpointError, ResultError

if TYPE_CHECKING:  # imported on use: table-only stages never load torch
    import torch

# In a folder whose weight files a restored snapshot left out (noisefa_pipeline.snapshot)
WEIGHTS_LEFT_OUT = "WEIGHTS_LEFT_OUT.json"


def _current_umask() -> int:
    mask = os.umask(0)  # the only way to read it; set straight back
    os.umask(mask)
    return mask


# The temporary names atomic_path writes to (".<name>.<8 random>.tmp<suffix>"): a job
# killed by SIGKILL leaves one behind, which no finished file ever is.
PARTIAL = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp")


def partial_files(root: str | os.PathLike) -> list[Path]:
    """Files under `root` that a killed writer left half-written (atomic_path's names)."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob(".*") if p.is_file() and PARTIAL.match(p.name))


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path next to `path`; rename it onto `path` only on success.

    The result gets the permissions any new file would (0666 less the umask): mkstemp
    creates owner-only files, which collaborators sharing `results/` could not read."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".tmp{suffix}", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_current_umask())
        os.replace(tmp, path)
    except OSError as exc:  # e.g. a full disk: name the file being written, not the temp
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None
    finally:
        tmp.unlink(missing_ok=True)


def write_json(path: str | os.PathLike, data: Any) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=_json_default) + "\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray) or type(value).__name__ == "Tensor":
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def redo_advice(path: str | os.PathLike) -> str:
    """How to have a damaged file made again. A file of one network in a group folder
    (`.../seed<k>/...`) is written by the job that writes the whole folder, and Snakemake
    sees that folder, not the file: deleting the file alone would change nothing."""
    for parent in Path(path).parents:
        if re.fullmatch(r"seed\d+", parent.name):
            return (
                f"delete {parent.parent} (the folder its job writes, every seed of it) and "
                "rerun - that job runs again"
            )
    return "delete it and rerun - the job that writes it runs again"


def read_json(path: str | os.PathLike) -> Any:
    """A JSON file; a damaged one is an error naming it (not a bare decoder message)."""
    path = Path(path)
    if not path.is_file():
        raise ResultError(f"{path} is missing")
    try:
        return json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ResultError(f"{path} is damaged ({exc}); {redo_advice(path)}") from None


def write_csv(path: str | os.PathLike, frame: pd.DataFrame) -> None:
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False)


def write_text(path: str | os.PathLike, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text)


def write_npz(path: str | os.PathLike, **arrays: np.ndarray) -> None:
    # np.savez appends ".npz" to names without it, so the temp name keeps the suffix.
    with atomic_path(path, suffix=".npz") as tmp:
        np.savez(tmp, **arrays)


def save_tensors(path: str | os.PathLike, tensors: dict[str, torch.Tensor]) -> None:
    """A checkpoint: a flat dict of tensors only (loadable with weights_only=True)."""
    import torch

    bad = [k for k, v in tensors.items() if not isinstance(v, torch.Tensor)]
    if bad:
        raise TypeError(f"checkpoint values must be tensors; not tensors: {bad}")
    # Serialise to memory first: torch.save names the zip's inner folder after the file,
    # and the temporary name is random, so writing the file directly would change bytes.
    # clone(): torch.save writes a view's whole storage, and one network of a stacked
    # ensemble is a view of k networks' weights (a tenfold checkpoint for k = 10).
    buffer = io.BytesIO()
    torch.save({k: v.detach().cpu().clone() for k, v in tensors.items()}, buffer)
    with atomic_path(path) as tmp:
        tmp.write_bytes(buffer.getvalue())


def load_tensors(path: str | os.PathLike) -> dict[str, torch.Tensor]:
    import torch

    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise CheckpointError(f"checkpoint {path} does not exist{left_out_advice(path)}") from None
    except pickle.UnpicklingError:
        raise CheckpointError(
            f"cannot read checkpoint {path}: it holds objects other than tensors, which are "
            "refused unloaded (weights_only=True)"
        ) from None
    except Exception as exc:  # corrupt or truncated
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CheckpointError(
            f"cannot read checkpoint {path}: {first_line}; {redo_advice(path)}"
        ) from None
    if not isinstance(data, dict) or not all(isinstance(v, torch.Tensor) for v in data.values()):
        raise CheckpointError(f"checkpoint {path} is not a dict of tensors")
    return data


def left_out_advice(path: str | os.PathLike) -> str:
    """Why a weight file is missing, when a snapshot left it out (its folder holds a
    WEIGHTS_LEFT_OUT marker: noisefa_pipeline.snapshot), and how to make it again."""
    for folder in Path(path).parents:
        if (folder / WEIGHTS_LEFT_OUT).is_file():
            return (
                f": the snapshot this tree was restored from left out the weights of {folder} "
                f"(see {folder / WEIGHTS_LEFT_OUT}). `make pipeline` makes them again when a "
                f"job needs them; with snakemake itself, add --forcerun {folder}"
            )
    return ""


def sha256(path: str | os.PathLike) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def md5sum(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()
