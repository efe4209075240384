"""What the paper-scale Table S5 (`benchmark` study) costs, from timings on this machine.

python benchmarks/table_s5_cost.py [--config config/config.yaml] [--runs results/runs/benchmark]

Every dataset's training epoch is timed at its full size (the split the study trains
on, random images of the dataset's shape, so no data files are needed) and every
noise pretraining for a slice of its samples; runs finished under `--runs` give the
epochs to convergence per dataset and depth (where none finished, the median over
all finished runs stands in, marked "assumed"). Cost = per-job time x the study's job
count, one thread per job, as the workflow schedules them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import torch
import yaml
from bench_noise import time_pretraining

from noisefa import plan
from noisefa.data.loading import Tensors
from noisefa.data.registry import get_dataset
from noisefa.learning.engine import Engine
from noisefa.learning.loops import train_on_data
from noisefa.learning.network import build_network
from noisefa.seeding import generator

CPU = torch.device("cpu")


def finished_epochs(runs: Path) -> dict[tuple[str, int], list[int]]:
    """Epochs run by every finished benchmark network, keyed by (dataset, depth)."""
    epochs: dict[tuple[str, int], list[int]] = {}
    for summary in sorted(runs.glob("*/depth*/*/*/seed*/summary.json")):
        dataset, depth = summary.parts[-6], int(summary.parts[-5].removeprefix("depth"))
        run = json.loads(summary.read_text())["metrics"]["epochs_run"]
        epochs.setdefault((dataset, depth), []).append(int(run))
    return epochs


def sync(device: torch.device) -> None:
    """Wait for queued GPU work, so a timer measures it."""
    if device.type == "cuda":
        torch.cuda.synchronize()


def epoch_seconds(
    dims: tuple[int, ...] | list[int],
    n_train: int,
    n_val: int,
    n_test: int,
    device: torch.device = CPU,
    epochs: int = 2,
    warmup_epochs: int = 0,
) -> float:
    """Seconds per training epoch (Adam, batch 64) plus its train/val/test evaluation,
    on random data of the dataset's shape (after `warmup_epochs` untimed epochs)."""
    gen = generator(0, "shuffle", device)

    def split(n: int) -> Tensors:
        return Tensors(
            torch.randn(n, dims[0], generator=gen, device=device),
            torch.randint(dims[-1], (n,), device=device),
        )

    splits = {"train": split(n_train), "val": split(n_val), "test": split(n_test)}
    engine = Engine(build_network(list(dims), "fa", 0).to(device), 1e-4)
    if warmup_epochs:
        train_on_data(engine, splits, warmup_epochs, 64, gen, lambda e, m: None)
    sync(device)
    start = time.perf_counter()
    train_on_data(engine, splits, epochs, 64, gen, lambda e, m: None)
    sync(device)
    return (time.perf_counter() - start) / epochs


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--config", type=Path, default=Path("config/config.yaml"))
    parser.add_argument("--runs", type=Path, default=Path("results/runs/benchmark"))
    parser.add_argument(
        "--noise-slice", type=int, default=50_000, help="noise samples timed per pretraining"
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    config = yaml.safe_load(args.config.read_text())
    cfg = plan.study(config, "benchmark")
    keys = plan.run_keys(config | {"data": {**config["data"], "allow_missing": False}}, "benchmark")
    pretrains = plan.study_pretrains(config, "benchmark")
    samples = config["pretraining"]["samples"]
    seen = finished_epochs(args.runs)
    fallback = statistics.median([e for runs in seen.values() for e in runs] or [cfg["max_epochs"]])
    print(
        f"torch {torch.__version__}, 1 thread; {len(keys)} trainings, {len(pretrains)} pretrainings"
    )

    columns = ["dataset", "depth", "train/val/test", "s per epoch", "epochs (median)"]
    columns += ["s per run", "runs", "CPU-h"]
    print("\n| " + " | ".join(columns) + " |\n|" + "---|" * len(columns))
    total = 0.0
    for dataset in dict.fromkeys(k.dataset for k in keys):
        info = get_dataset(dataset)
        n_val = round(info.n_train * cfg["val_fraction"])
        for depth in cfg["depths"]:
            count = sum(k.dataset == dataset and k.depth == depth for k in keys)
            per_epoch = epoch_seconds(
                plan.dims(config, dataset, depth), info.n_train - n_val, n_val, info.n_test
            )
            runs = seen.get((dataset, depth))
            epochs = statistics.median(runs) if runs else fallback
            label = f"{epochs:g} (n={len(runs)})" if runs else f"{epochs:g} assumed"
            hours = count * per_epoch * epochs / 3600
            total += hours
            print(
                f"| {dataset} | {depth} | {info.n_train - n_val}/{n_val}/{info.n_test} "
                f"| {per_epoch:.2f} | {label} | {per_epoch * epochs:.0f} | {count} | {hours:.2f} |",
                flush=True,
            )

    print("\n| pretraining dims | s per pretraining | pretrainings | CPU-h |\n|---|---|---|---|")
    for dims in dict.fromkeys(k.dims for k in pretrains):
        seconds = time_pretraining(list(dims), args.noise_slice, 0, CPU)
        seconds *= samples / args.noise_slice
        count = sum(k.dims == dims for k in pretrains)
        total += count * seconds / 3600
        label = "x".join(map(str, dims))
        print(f"| {label} | {seconds:.0f} | {count} | {count * seconds / 3600:.2f} |", flush=True)
    print(f"\ntotal: {total:.1f} CPU-hours on one thread of this machine")


if __name__ == "__main__":
    main()
