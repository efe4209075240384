"""Killing the pipeline at arbitrary moments loses nothing: re-running the README command
finishes the work, redoes only unfinished jobs, and gives the results of an uninterrupted run."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from noisefa.files import md5sum
from noisefa.studies import STUDIES
from tests.conftest import REPO

# Two studies at toy sizes: pretraining, staging, splits, training, stats and figures.
TINY = """
pretraining: {samples: 6400, epoch_samples: 640}
data: {download: false}
studies:
  noise_alignment: {networks: 2}
  fast_learning: {networks: 2, depths: [2], train_size: 300, test_size: 300, epochs: 4}
"""
OTHER_STUDIES = [s for s in STUDIES if s not in ("noise_alignment", "fast_learning")]


def copy_project(dest: Path) -> Path:
    dest.mkdir()
    for name in (
        "Snakefile",
        "workflow",
        "config",
        "src",
        "envs",
        "Makefile",
        "requirements.txt",
        "pyproject.toml",
    ):
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dest / name)  # keeps mtimes
    disabled = "".join(f"  {s}: {{enabled: false}}\n" for s in OTHER_STUDIES)
    (dest / "tiny.yaml").write_text(TINY + disabled)
    return dest


def pipeline(folder: Path, mirror: Path) -> subprocess.Popen:
    """The README's `make pipeline`, in its own session so it can be killed whole."""
    venv = REPO / ".venv"
    return subprocess.Popen(
        [
            "make",
            "-o",
            str(venv / "bin" / ".installed"),
            "pipeline",
            f"VENV={venv}",
            "GPUS=0",
            "SNAKEMAKE_ARGS=--configfile tiny.yaml --cores 2 --quiet progress",
        ],
        cwd=folder,
        env={**os.environ, "NOISEFA_DATA_MIRROR": str(mirror)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def finish(folder: Path, mirror: Path) -> float:
    start = time.perf_counter()
    proc = pipeline(folder, mirror)
    out, _ = proc.communicate(timeout=900)
    assert proc.returncode == 0, out.decode()[-3000:]
    return time.perf_counter() - start


def fingerprint(folder: Path) -> dict:
    """Everything that is a result: checkpoints, histories, metrics and statistics."""
    results = folder / "results" / "tiny"
    prints = {}
    for path in sorted(results.rglob("*")):
        rel = str(path.relative_to(results))
        if (
            path.suffix in (".pt", ".npz")
            or path.name in ("history.csv", "angles.csv")
            or rel.startswith("stats/")
        ):
            prints[rel] = md5sum(path)
        elif path.name == "summary.json":
            prints[rel] = json.loads(path.read_text())["metrics"]
    return prints


def finished_jobs(folder: Path) -> dict[str, int]:
    """Jobs Snakemake has recorded as finished: a summary.json (each job's last write)
    that Snakemake no longer marks incomplete, nor the job's folder it is in. A job
    killed after its last write but before Snakemake recorded it is unfinished, and is
    rightly redone."""
    incomplete = {
        base64.b64decode(marker.name).decode()
        for marker in (folder / ".snakemake" / "incomplete").glob("*")
        if marker.is_file()
    }

    def unfinished(path: Path) -> bool:  # the file, or the folder a job writes whole
        rel = path.relative_to(folder)
        return any(str(p) in incomplete for p in (rel, *rel.parents))

    return {
        str(path): path.stat().st_mtime_ns
        for path in (folder / "results").rglob("summary.json")
        if not unfinished(path)
    }


@pytest.mark.workflow
def test_killed_runs_resume_to_the_same_results(tmp_path, mirror):
    reference = copy_project(tmp_path / "reference")
    duration = finish(reference, mirror)
    expected = fingerprint(reference)
    assert (
        len([k for k in expected if k.endswith("summary.json")]) == 2 + 3 * 2
    )  # 2 pretrainings, 6 runs

    for trial, fraction in enumerate((0.2, 0.45, 0.7)):
        folder = copy_project(tmp_path / f"trial{trial}")
        proc = pipeline(folder, mirror)
        time.sleep(fraction * duration)
        os.killpg(proc.pid, signal.SIGKILL)  # the make, Snakemake and every running job
        proc.wait()
        done_before = finished_jobs(folder)
        finish(folder, mirror)
        after = finished_jobs(folder)
        redone = [path for path, mtime in done_before.items() if after[path] != mtime]
        assert not redone, f"trial {trial}: finished jobs were recomputed: {redone}"
        assert fingerprint(folder) == expected, f"trial {trial} (killed at {fraction:.0%}) differs"
