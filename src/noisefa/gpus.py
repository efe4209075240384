"""Which device a training job runs on, and never silently the wrong one.

- A job granted a GPU (`--gpus N`, from Snakemake's `resources.gpu` or a SLURM gres)
  whose torch finds no CUDA stops at once, naming the fix; it falls back to the CPU only
  when the configuration asks for it (`compute.cpu_fallback: true`).
- Jobs running at once on one machine each take their own GPU: a job claims a slot by
  holding an exclusive lock on a file named after the GPU's UUID (so jobs of different
  SLURM allocations, which all see "GPU 0", never collide), slot-major so that jobs
  spread over the GPUs before any GPU takes a second one. `$NOISEFA_JOBS_PER_GPU`
  (make's JOBS_PER_GPU) slots per GPU; a job finding every slot taken waits for one.
  The lock is released when the job's process ends, however it ends.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import IO

from .errors import ConfigError

# The pinned torch (requirements.txt) is a CUDA 13 build: its kernels need this driver.
MIN_DRIVER = 580
SLOTS_ENV = "NOISEFA_JOBS_PER_GPU"
LOCKS_ENV = "NOISEFA_GPU_LOCKS"
_held: list[IO] = []  # the claimed slot's lock file, open for the process's lifetime


LIMIT_ENV = "NOISEFA_GPU_LIMIT"


def set_limit(gpus: int) -> None:
    """Record `--resources gpu=N` of the main Snakemake process for the processes it
    starts: a job Snakemake runs in a subprocess (shadow rules) recomputes its resources
    without that cap, and would otherwise claim a GPU the scheduler never granted."""
    os.environ[LIMIT_ENV] = str(int(gpus))


def granted(gpu: int | str | None, gres: str = "") -> int:
    """GPUs a job was granted: its `gpu` resource (capped by `set_limit`), or the count
    in a SLURM gres string ("gpu:1", "gpu:a100:2")."""
    count = int(gpu or 0)
    if os.environ.get(LIMIT_ENV, "").isdigit():
        count = min(count, int(os.environ[LIMIT_ENV]))
    if gres.startswith("gpu"):
        last = gres.split(":")[-1]
        count = max(count, int(last) if last.isdigit() else 1)
    return count


def lock_dir() -> Path:
    return Path(os.environ.get(LOCKS_ENV, Path(tempfile.gettempdir()) / "noisefa-gpu-locks"))


def driver_version() -> str | None:
    """The NVIDIA driver nvidia-smi reports, or None where there is none."""
    if shutil.which("nvidia-smi") is None:
        return None
    done = subprocess.run(
        ["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[0] if done.returncode == 0 and done.stdout else None


def no_cuda_message(gpus: int) -> str:
    import torch

    built = torch.version.cuda
    if built is None:
        why = f"torch {torch.__version__} is a CPU-only build"
    else:
        driver = driver_version()
        why = f"torch {torch.__version__} (a CUDA {built} build) finds no CUDA device; " + (
            "nvidia-smi is not installed: no NVIDIA driver"
            if driver is None
            else f"the NVIDIA driver is {driver}, and this build needs >= {MIN_DRIVER}"
        )
    return (
        f"this job was granted {gpus} GPU(s), but {why}. Fix: install an NVIDIA driver "
        f">= {MIN_DRIVER} (check with `nvidia-smi`), or run on the CPU "
        "(`make pipeline GPUS=0`, or snakemake --resources gpu=0), or set "
        "compute.cpu_fallback: true to let GPU jobs train on the CPU when CUDA is missing"
    )


def claim_slot(uuids: list[str], slots: int, folder: Path) -> tuple[int, IO] | None:
    """(index of the GPU, its held lock file) for the first free slot, slot-major; None
    when every slot is taken."""
    folder.mkdir(parents=True, exist_ok=True)
    for slot in range(slots):
        for index, uuid in enumerate(uuids):
            handle = open(folder / f"{uuid}-slot{slot}.lock", "a")  # noqa: SIM115
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            return index, handle
    return None


def gpu_uuids() -> list[str]:
    import torch

    return [
        str(getattr(torch.cuda.get_device_properties(i), "uuid", i))
        for i in range(torch.cuda.device_count())
    ]


def select_device(gpus: int, cpu_fallback: bool = False, log=print):
    """The device of a job granted `gpus` GPUs (0: the CPU)."""
    import torch

    if gpus <= 0:
        return torch.device("cpu")
    if not torch.cuda.is_available():
        if not cpu_fallback:
            raise ConfigError(no_cuda_message(gpus))
        log(f"note: {no_cuda_message(gpus)}. compute.cpu_fallback is set: training on the CPU")
        return torch.device("cpu")
    slots = max(1, int(os.environ.get(SLOTS_ENV, "1")))
    uuids, waited = gpu_uuids(), False
    while (claimed := claim_slot(uuids, slots, lock_dir())) is None:
        if not waited:
            log(f"every GPU slot ({len(uuids)} GPUs x {slots}) is taken; waiting for one")
            waited = True
        time.sleep(5)
    index, handle = claimed
    _held.append(handle)
    torch.cuda.set_device(index)
    return torch.device(f"cuda:{index}")
