"""Whether a dataset can be had without a download (pure Python: the Snakefile asks)."""

from __future__ import annotations

from pathlib import Path

from .. import paths
from .registry import SPLITS, get_dataset
from .sources import mirror_dirs


def available_offline(config: dict, dataset: str) -> bool:
    """Whether a dataset is staged already or both splits sit in a mirror (file names
    only; checksums are verified when it is staged)."""
    if all(Path(paths.DATA, dataset, f"{split}.npz").is_file() for split in SPLITS):
        return True
    info = get_dataset(dataset)

    def in_mirror(mirror: Path, split: str) -> bool:
        files = all((mirror / rel).is_file() for rel, _ in info.torchvision_files(split))
        archive = info.archive() is not None and (mirror / info.archive()[0]).is_file()
        return files or archive or (mirror / info.arrays_file(split)).is_file()

    return any(all(in_mirror(m, s) for s in SPLITS) for m in mirror_dirs(config["data"]["mirrors"]))
