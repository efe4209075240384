"""Running Snakemake from tests: the venv's tools, a disposable copy of the workflow."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from noisefa import results_tree
from tests.conftest import REPO

BIN = Path(sys.executable).parent


def tool(name: str, *args, cwd=REPO, env=None, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(BIN / name), *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{name} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def snakemake(*args, cwd=REPO, env=None, check=True, profile="default"):
    return tool(
        "snakemake",
        "--workflow-profile",
        f"workflow/profiles/{profile}",
        *args,
        cwd=cwd,
        env=env,
        check=check,
    )


def workflow_copy(tmp_path: Path) -> Path:
    """The workflow in a fresh folder, so its results/ and .snakemake/ are the test's own."""
    work = tmp_path / "noisefa"
    work.mkdir()
    for name in ("Snakefile", "workflow", "config", "src", "envs", ".test"):
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, work / name)
    return work


def offline_overlay(tmp_path: Path) -> Path:
    """A config overlay that reads the data mirror only (no downloads; absent datasets skipped)."""
    path = tmp_path / "offline.yaml"
    path.write_text("data:\n  download: false\n  allow_missing: true\n")
    return path


def tree(work: Path, *configfiles) -> Path:
    """The results tree a run with these --configfile files writes (results/<names>)."""
    return work / results_tree.tree_for({}, [str(c) for c in configfiles])
