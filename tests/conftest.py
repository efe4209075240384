"""Shared fixtures. Real dataset files come from the data mirror (../shared/data or
$NOISEFA_DATA_MIRROR); tests that need them fail with a clear message when it is missing."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest
import torch

from noisefa.data.staging import stage_split

REPO = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    candidates = [p for p in os.environ.get("NOISEFA_DATA_MIRROR", "").split(os.pathsep) if p]
    candidates.append(str(REPO.parent / "shared" / "data"))
    for candidate in candidates:
        if (Path(candidate) / "MNIST" / "raw").is_dir():
            return Path(candidate).resolve()
    raise RuntimeError(
        "the real dataset mirror was not found (looked in $NOISEFA_DATA_MIRROR and "
        f"{REPO.parent / 'shared' / 'data'}); these tests read real MNIST files from it"
    )


# Workflows the tests start find the real data the way `make` gives it to them: through
# $NOISEFA_DATA_MIRROR (tests of a machine without data unset it themselves).
with contextlib.suppress(RuntimeError):
    os.environ.setdefault("NOISEFA_DATA_MIRROR", str(shared_data_dir()))


@pytest.fixture(scope="session")
def mirror() -> Path:
    return shared_data_dir()


@pytest.fixture(scope="session")
def staged_data(tmp_path_factory, mirror) -> Path:
    """MNIST staged once per session from the real mirror files."""
    root = tmp_path_factory.mktemp("data")
    for split in ("train", "test"):
        stage_split(
            "mnist",
            split,
            root / "mnist" / f"{split}.npz",
            root / "mnist" / f"{split}.json",
            [mirror],
            root / ".torchvision" / f"mnist-{split}",
            download=False,
        )
    return root


@pytest.fixture(autouse=True)
def _one_thread():
    # Bit-identity claims are per thread count; tests use the pipeline's default of 1.
    torch.set_num_threads(1)
