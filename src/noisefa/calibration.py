"""Measure this machine for the cost model (`noisefa.cost`): about 20 s, once per machine.

python -m noisefa.calibration [--force] [--out FILE]

Times, with the training engine the jobs use (one thread, as the jobs run):
- training steps of two networks whose work differs 40-fold ([784, 100, 10] and
  [3072, 1000, 1000, 10], batch 64): the fixed cost per step and the cost per MAC are
  the two unknowns these two timings solve for;
- an evaluation pass, and drawing noise;
- a job's process start-up (`python -m noisefa.cli.train --help`);
- the same training work in one process per core at once, against one alone: what the
  cores give together (two vCPUs sharing one physical core give about 1.1 jobs' worth).
The result is cached in ~/.cache/noisefa/ under this machine's CPU, core count and
torch version, so a different machine or torch is measured afresh.
"""

from __future__ import annotations

import datetime
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch

from .cost import Calibration, calibration_path, load_calibration, machine_id, macs
from .files import write_text
from .learning.ensemble import EnsembleEngine, evaluate_ensemble
from .learning.network import build_network

SMALL, LARGE, BATCH = (784, 100, 10), (3072, 1000, 1000, 10), 64


def _engine(dims) -> EnsembleEngine:
    return EnsembleEngine([build_network(list(dims), "fa", 0)], 1e-4)


def step_seconds(dims, steps: int = 40, repeats: int = 3) -> float:
    """Median seconds per training step of one network."""
    torch.set_num_threads(1)
    engine = _engine(dims)
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(1, BATCH, dims[0], generator=gen)
    y = torch.randint(dims[-1], (1, BATCH), generator=gen)
    for _ in range(5):
        engine.step(x, y)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            engine.step(x, y)
        times.append((time.perf_counter() - start) / steps)
    return statistics.median(times)


def eval_seconds_per_mac(dims=LARGE, n: int = 4096) -> float:
    torch.set_num_threads(1)
    engine = _engine(dims)
    x, y = torch.randn(n, dims[0]), torch.randint(dims[-1], (n,))
    evaluate_ensemble(engine, x, y)
    start = time.perf_counter()
    for _ in range(3):
        evaluate_ensemble(engine, x, y)
    return (time.perf_counter() - start) / 3 / (n * macs(dims))


def draw_seconds_per_value(n: int = 200) -> float:
    torch.set_num_threads(1)
    gen, out = torch.Generator().manual_seed(0), torch.empty(BATCH, 3072)
    start = time.perf_counter()
    for _ in range(n):
        out.normal_(generator=gen)
    return (time.perf_counter() - start) / (n * out.numel())


def startup_seconds(repeats: int = 2) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "noisefa.cli.train", "--help"],
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - start)
    return min(times)


def _timed_work(_: int) -> float:
    return step_seconds(LARGE, steps=30, repeats=1)


def parallel_throughput(cores: int) -> float:
    """Jobs' worth of work `cores` single-thread processes do at once."""
    alone = _timed_work(0)
    if cores <= 1:
        return 1.0
    with multiprocessing.get_context("spawn").Pool(cores) as pool:
        together = pool.map(_timed_work, range(cores))
    return min(float(cores), cores * alone / statistics.median(together))


def measure() -> Calibration:
    small, large = step_seconds(SMALL), step_seconds(LARGE)
    work_small, work_large = BATCH * macs(SMALL), BATCH * macs(LARGE)
    mac_s = max((large - small) / (work_large - work_small), 1e-13)
    step_s = max(small - work_small * mac_s, 0.0)
    cores = os.cpu_count() or 1
    return Calibration(
        step_s=step_s,
        mac_s=mac_s,
        eval_mac_s=eval_seconds_per_mac(),
        draw_s=draw_seconds_per_value(),
        startup_s=startup_seconds(),
        parallel=parallel_throughput(cores),
        cores=cores,
        machine=machine_id(),
        measured=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    )


def calibrated(force: bool = False, path: Path | None = None) -> Calibration:
    """This machine's calibration: cached, or measured now (and cached)."""
    path = path or calibration_path()
    if not force and (found := load_calibration(path)) is not None:
        return found
    cal = measure()
    write_text(path, cal.to_json())
    return cal


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser("noisefa.calibration", description=__doc__)
    parser.add_argument("--force", action="store_true", help="measure again")
    parser.add_argument("--out", type=Path, help="write here instead of the cache")
    args = parser.parse_args(argv)
    cal = calibrated(args.force, args.out)
    print(cal.to_json(), end="")


if __name__ == "__main__":
    main()
