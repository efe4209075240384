"""Finding a dataset split offline first, verifying it, and reading it through torchvision.

Search order, per mirror directory: torchvision's own layout (e.g. MNIST/raw/*.gz,
cifar-10-batches-py/, usps.t.bz2, or the archive torchvision extracts), then the
arrays format (arrays/<dataset>-<split>.npz); after all mirrors, torchvision's
download (which checks its MD5s). Every torchvision file is MD5-checked before it is
extracted or unpickled; a mismatch is an error naming the file, never a silent
re-download. Verified files are linked into a cache root that torchvision reads and
extracts into, so nothing in a mirror is ever written to.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import DataError
from ..files import md5sum
from .registry import DatasetInfo

MIRROR_ENV = "NOISEFA_DATA_MIRROR"


@dataclass
class RawSplit:
    images: np.ndarray  # uint8, (N, H, W) or (N, H, W, C)
    labels: np.ndarray  # int64, (N,)
    source: str  # "mirror" | "arrays" | "download"
    location: str
    files: list[dict] = field(default_factory=list)  # path + md5 of every file read


def mirror_dirs(configured: list[str] | None = None) -> list[Path]:
    """Mirrors from the config, then from $NOISEFA_DATA_MIRROR (an os.pathsep-separated list)."""
    dirs = list(configured or [])
    dirs += [d for d in os.environ.get(MIRROR_ENV, "").split(os.pathsep) if d]
    return [Path(d).expanduser().resolve() for d in dirs]


def verify_md5(path: Path, expected: str) -> str:
    actual = md5sum(path)
    if actual != expected:
        raise DataError(
            f"checksum mismatch for {path}: MD5 is {actual}, torchvision expects {expected}. "
            "The file is corrupt, truncated or a different version; replace it (it was not "
            "modified or used)."
        )
    return actual


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    if dst.is_symlink() or dst.exists():
        dst.unlink()
    dst.symlink_to(src)


def _drop_links(root: Path) -> None:
    if root.is_dir():
        for path in root.rglob("*"):
            if path.is_symlink():
                path.unlink()


def _downloaded_archives(info: DatasetInfo, cache_root: Path) -> set[Path]:
    """The compressed files torchvision's download leaves in `cache_root` (kept, so that
    restaging does not download again); everything else there is extracted or linked."""
    cls = info.tv_class
    if info.layout == "idx":
        names = [f"{cls.__name__}/raw/{Path(url).name}" for url, _ in cls.resources]
    elif info.layout in ("cifar", "stl"):
        names = [cls.filename]
    else:  # usps: torchvision reads its .bz2 files without extracting them
        names = [fname for _, fname, _ in cls.split_list.values()]
    return {cache_root / name for name in names}


def clear_cache(info: DatasetInfo, cache_root: Path) -> None:
    """Remove what staging extracted or linked into `cache_root`: the staged .npz is all
    that later jobs read, and extracted copies cost hundreds of MB. Mirrors are never
    touched (links are unlinked, not followed); downloaded archives stay."""
    if not cache_root.is_dir():
        return
    keep = _downloaded_archives(info, cache_root)
    for path in sorted(cache_root.rglob("*"), reverse=True):  # files before their folders
        if path.is_symlink() or (path.is_file() and path not in keep):
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    if not any(cache_root.iterdir()):
        cache_root.rmdir()


def _torchvision_files_in(info: DatasetInfo, split: str, mirror: Path) -> list[tuple] | None:
    """Verified (src, relative path, md5) files for the split, or None if the mirror lacks it."""
    wanted = info.torchvision_files(split)
    present = [(mirror / rel, rel, md5) for rel, md5 in wanted if (mirror / rel).is_file()]
    if present and len(present) < len(wanted):
        missing = [rel for rel, _ in wanted if not (mirror / rel).is_file()]
        raise DataError(
            f"{info.title} {split}: mirror {mirror} holds only part of torchvision's files; "
            f"missing: {', '.join(missing)}"
        )
    if not present:
        archive = info.archive()
        if archive and (mirror / archive[0]).is_file():
            present = [(mirror / archive[0], archive[0], archive[1])]
        else:
            return None
    return [(src, rel, verify_md5(src, md5)) for src, rel, md5 in present]


def read_stl10_binary(folder: Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    """STL-10's binary format, parsed as torchvision's STL10 does (column-major images,
    labels 1..10). Its constructor is not used because it also insists on the 2.5 GB
    unlabeled file, which no study reads."""
    labels = np.fromfile(folder / f"{split}_y.bin", dtype=np.uint8).astype(np.int64) - 1
    images = np.fromfile(folder / f"{split}_X.bin", dtype=np.uint8).reshape(-1, 3, 96, 96)
    if images.shape[0] != labels.size:
        raise DataError(
            f"STL-10 {split}: {images.shape[0]} images but {labels.size} labels in {folder}"
        )
    return np.transpose(images, (0, 3, 2, 1)), labels  # -> (N, H, W, C)


def _read_torchvision(
    info: DatasetInfo, split: str, root: Path, download: bool
) -> tuple[np.ndarray, np.ndarray]:
    cls, train = info.tv_class, split == "train"
    if info.layout == "stl":
        folder = root / cls.base_folder
        if download or not (folder / f"{split}_X.bin").is_file():
            from torchvision.datasets.utils import extract_archive

            archive = root / cls.filename
            if archive.is_file():  # a verified tarball from a mirror
                extract_archive(str(archive), str(root))
            else:
                cls(root=str(root), split=split, download=download)
        images, labels = read_stl10_binary(folder, split)
    elif info.layout == "usps":
        ds = cls(root=str(root), train=train, download=download)
        images, labels = ds.data, ds.targets
    else:
        # idx and cifar: with every file present and verified, torchvision's download()
        # only extracts them (.gz / tarball); it fetches nothing.
        ds = cls(root=str(root), train=train, download=True)
        images, labels = ds.data, ds.targets
    images = images.numpy() if hasattr(images, "numpy") else np.asarray(images)
    labels = labels.numpy() if hasattr(labels, "numpy") else np.asarray(labels)
    return np.ascontiguousarray(images, dtype=np.uint8), labels.astype(np.int64)


def read_arrays(info: DatasetInfo, split: str, path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Load and validate an arrays-format file (SPEC section 5) without unpickling anything."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            contents = {key: archive[key] for key in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise DataError(f"cannot read arrays file {path}: {exc} (corrupt or truncated?)") from None
    problems = []
    images, labels = contents.get("images"), contents.get("labels")
    if images is None or labels is None:
        raise DataError(
            f"arrays file {path} must hold 'images' and 'labels'; has {sorted(contents)}"
        )
    if images.dtype != np.uint8:
        problems.append(f"images dtype is {images.dtype}, expected uint8")
    if tuple(images.shape[1:]) != info.image_shape:
        problems.append(
            f"images shape is {images.shape}, expected (N, {', '.join(map(str, info.image_shape))})"
        )
    if labels.dtype != np.int64:
        problems.append(f"labels dtype is {labels.dtype}, expected int64")
    if labels.shape != (images.shape[0],):
        problems.append(f"labels shape is {labels.shape}, expected ({images.shape[0]},)")
    elif labels.size and (labels.min() < 0 or labels.max() >= info.n_classes):
        problems.append(
            f"labels span {labels.min()}..{labels.max()}, expected 0..{info.n_classes - 1}"
        )
    if "classes" in contents and len(contents["classes"]) != info.n_classes:
        problems.append(
            f"'classes' has {len(contents['classes'])} names, expected {info.n_classes}"
        )
    if "indices" in contents:
        idx = contents["indices"]
        if idx.shape != (images.shape[0],) or len(np.unique(idx)) != idx.size:
            problems.append("'indices' must hold one distinct index per image")
    if problems:
        raise DataError(
            f"arrays file {path} is not a valid {info.title} {split} split: " + "; ".join(problems)
        )
    return images, labels


def find_split(
    info: DatasetInfo, split: str, mirrors: list[Path], cache_root: Path, download: bool
) -> RawSplit:
    """The split's images and labels, from the first source that has it."""
    for mirror in mirrors:
        verified = _torchvision_files_in(info, split, mirror)
        if verified is not None:
            for src, rel, _ in verified:
                _link(src, cache_root / rel)
            try:
                images, labels = _read_torchvision(info, split, cache_root, download=False)
            except Exception as exc:  # verified files that torchvision still cannot parse
                raise DataError(
                    f"{info.title} {split}: the files in {mirror} match torchvision's MD5s, "
                    f"but torchvision could not read what it extracted from them into "
                    f"{cache_root} ({type(exc).__name__}: {exc}); delete {cache_root} and rerun"
                ) from None
            files = [{"path": str(src), "md5": md5} for src, _, md5 in verified]
            return RawSplit(images, labels, "mirror", str(mirror), files)
        arrays = mirror / info.arrays_file(split)
        if arrays.is_file():
            images, labels = read_arrays(info, split, arrays)
            return RawSplit(
                images,
                labels,
                "arrays",
                str(arrays),
                [{"path": str(arrays), "md5": md5sum(arrays)}],
            )
    expected = [rel for rel, _ in info.torchvision_files(split)]
    where = ", ".join(map(str, mirrors)) or "(none configured)"
    if not download:
        raise DataError(
            f"{info.title} {split} split not found and downloading is off. Mirrors searched: "
            f"{where}. Put torchvision's files ({', '.join(expected)}) or "
            f"{info.arrays_file(split)} in a mirror (config data.mirrors or ${MIRROR_ENV}), "
            "or set data.download: true on a machine with internet."
        )
    _drop_links(cache_root)  # a download must never write through a link into a mirror
    try:
        images, labels = _read_torchvision(info, split, cache_root, download=True)
    except Exception as exc:
        raise DataError(
            f"{info.title} {split}: not in any mirror ({where}) and torchvision's download "
            f"failed: {exc}. On a machine without internet, put {', '.join(expected)} in a "
            f"mirror (config data.mirrors or ${MIRROR_ENV})."
        ) from None
    files = [
        {"path": str(cache_root / rel), "md5": md5} for rel, md5 in info.torchvision_files(split)
    ]
    return RawSplit(images, labels, "download", str(cache_root), files)
