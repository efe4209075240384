"""What the whole paper costs at its full scale, per study, from timings on this machine.

python benchmarks/paper_cost.py [--config config/config.yaml] [--runs results/runs]
    [--offline] [--studies benchmark ...] [--threads 1] [--out cost.json]

Every job of the paper-scale DAG (`snakemake -n --forceall`, counted per rule) is priced
from samples timed here at full size, with the same functions the jobs call:
  - a training job: one data epoch (the training steps over the study's split plus the
    per-epoch evaluation) on random inputs of the dataset's shape, times its epochs
    (fixed-length studies: their epoch count; early-stopping studies: the median epochs
    to convergence of runs finished under --runs, else the epoch cap, marked "cap");
  - a noise pretraining: a slice of its samples, scaled to the configured samples;
  - a noise-conditions job: its trials, each one pretraining;
  - a meta-loss job: one pretraining plus the few-shot adaptations it measures;
  - a network trained on noise after data: one pretraining;
  - every job: the process start-up (`python -m noisefa.cli.train --help`, timed);
  - the other rules (staging, evaluation, statistics, figures): the median of their
    Snakemake benchmark files under results/benchmarks where a run left them (their
    cost hardly grows with the paper's sizes), else start-up only, marked "start-up".
--offline also prices what this machine can run (config/presets/offline.yaml: datasets
the mirror lacks left out).
Cost = CPU-seconds on --threads threads per job, as the workflow schedules them.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd
import torch
import yaml
from bench_noise import time_pretraining
from snakemake.utils import update_config

from noisefa import plan
from noisefa.data.loading import Tensors
from noisefa.data.registry import get_dataset
from noisefa.data.splits import SplitRequest
from noisefa.learning.ensemble import EnsembleEngine, train_ensemble_on_data
from noisefa.learning.network import build_network
from noisefa.seeding import generator
from noisefa.studies import get_study

CPU = torch.device("cpu")
REPO = Path(__file__).resolve().parents[1]
OFFLINE_PRESET = REPO / "config/presets/offline.yaml"


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
    every_epoch: tuple[str, ...] | None = None,
    networks: int = 1,
) -> float:
    """Seconds per network and training epoch (Adam, batch 64) with the evaluation a
    training job does after it (`every_epoch`: the splits it measures, None: all), for
    `networks` networks trained as one stack, as the train_networks jobs do, on random
    data of the dataset's shape (after `warmup_epochs` untimed epochs)."""
    gen = generator(0, "shuffle", device)

    def split(n: int) -> Tensors:
        return Tensors(
            torch.randn(n, dims[0], generator=gen, device=device),
            torch.randint(dims[-1], (n,), device=device),
        )

    splits = {"train": split(n_train), "val": split(n_val), "test": split(n_test)}
    if not n_val:
        del splits["val"]
    nets = [build_network(list(dims), "fa", s).to(device) for s in range(networks)]
    engine = EnsembleEngine(nets, 1e-4)
    gens = [generator(s, "shuffle", device) for s in range(networks)]

    def train(n_epochs: int) -> None:
        train_ensemble_on_data(
            engine, splits, n_epochs, 64, gens, lambda i, e, m: None, every_epoch=every_epoch
        )

    if warmup_epochs:
        train(warmup_epochs)
    sync(device)
    start = time.perf_counter()
    train(epochs)
    sync(device)
    # the epoch-0 and final measurements are amortised over a run's tens of epochs
    return (time.perf_counter() - start) / epochs / networks


def split_sizes(dataset: str, tag: str) -> tuple[int, int, int]:
    """(train, val, test) images of a split tag at the dataset's full size."""
    info, request = get_dataset(dataset), SplitRequest.parse(tag)
    val = round(info.n_train * request.val) if isinstance(request.val, float) else request.val
    train = info.n_train - val if request.train is None else request.train
    test = info.n_test if request.test is None else request.test
    return train, val, test


def finished_epochs(runs: Path) -> dict[tuple[str, str, int], list[int]]:
    """Epochs run by every finished network, keyed by (study, dataset, depth)."""
    epochs: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    for summary in sorted(runs.glob("*/*/depth*/*/*/seed*/summary.json")):
        study, dataset, depth = summary.parts[-7], summary.parts[-6], summary.parts[-5]
        run = json.loads(summary.read_text())["metrics"].get("epochs_run")
        if run is not None:
            epochs[(study, dataset, int(depth.removeprefix("depth")))].append(int(run))
    return epochs


def _dataset_depth(path: str) -> tuple[str, int]:
    """(dataset, depth) of a run path, results/runs/<study>/<dataset>/depth<d>/..."""
    parts = Path(path).parts
    i = parts.index("runs")
    return parts[i + 2], int(parts[i + 3].removeprefix("depth"))


def rule_counts(configs: list[Path]) -> Counter:
    """Jobs per rule of the DAG these configs make, from Snakemake's own dry run."""
    args = [sys.executable, "-m", "snakemake", "-n", "--forceall", "--quiet", "rules"]
    # one flag for all: a second --configfile would replace the first
    args += ["--configfile", *(str(c.resolve()) for c in configs)]
    done = subprocess.run(args, cwd=REPO, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"snakemake dry run failed:\n{done.stderr[-2000:]}")
    out = done.stdout
    counts = Counter()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit() and parts[0] not in ("total", "job"):
            counts[parts[0]] = int(parts[1])
    return counts


def startup_seconds(repeats: int = 3) -> float:
    """Wall seconds for a job's process to start and import the training CLI."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "noisefa.cli.train", "--help"],
            cwd=REPO,
            capture_output=True,
            check=True,
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measured_rule_seconds(benchmarks: Path) -> dict[str, float]:
    """Median seconds per job of each rule, from a finished run's Snakemake benchmarks."""
    found: dict[str, list[float]] = defaultdict(list)
    for tsv in benchmarks.rglob("*.tsv"):
        rule = tsv.relative_to(benchmarks).parts[0]
        try:
            found[rule].append(float(pd.read_csv(tsv, sep="\t")["s"].iloc[0]))
        except (KeyError, IndexError, ValueError, pd.errors.ParserError):
            continue
    return {rule: statistics.median(v) for rule, v in found.items()}


class Pricer:
    """Timed samples, each taken once and reused by every job of the same shape."""

    def __init__(self, config: dict, noise_slice: int):
        self.config, self.noise_slice = config, noise_slice
        self._epochs: dict[tuple, float] = {}
        self._noise: dict[tuple, float] = {}

    def epoch(self, dims: tuple[int, ...], sizes: tuple[int, int, int], every_epoch) -> float:
        shape = (dims, sizes, every_epoch)
        if shape not in self._epochs:
            self._epochs[shape] = epoch_seconds(dims, *sizes, every_epoch=every_epoch)
        return self._epochs[shape]

    def pretraining(self, dims: tuple[int, ...], samples: int | None = None) -> float:
        samples = samples or self.config["pretraining"]["samples"]
        if dims not in self._noise:
            self._noise[dims] = time_pretraining(list(dims), self.noise_slice, 0, CPU)
        return self._noise[dims] * samples / self.noise_slice


def price(
    config: dict, studies: list[str], runs: Path, pricer: Pricer
) -> tuple[list[dict], dict[str, int]]:
    """One row per (study, job kind, shape): its count, seconds per job and CPU-hours."""
    seen = finished_epochs(runs)
    rows, counted, priced, priced_groups = [], Counter(), set(), set()

    def add(study, kind, shape, count, seconds, note=""):
        if count:
            rows.append(
                {
                    "study": study,
                    "kind": kind,
                    "shape": shape,
                    "jobs": count,
                    "s per job": seconds,
                    "CPU-h": count * seconds / 3600,
                    "note": note,
                }
            )

    for name in studies:
        groups: Counter = Counter()
        keys = plan.run_keys(config, name)
        for key in keys:
            s = plan.run_settings(config, key)
            groups[(key.dataset, key.depth, s.split, s.epochs, s.patience)] += 1
        # one job per method and condition; priced per network, as a stack trains them
        counted["train_networks"] += len({k.group_path for k in keys})
        every_epoch = get_study(name).every_epoch
        for (dataset, depth, split, epochs, patience), count in groups.items():
            dims = plan.dims(config, dataset, depth)
            sizes = split_sizes(dataset, split)
            note = f"{epochs} epochs"
            if patience is not None:
                done = seen.get((name, dataset, depth))
                same_cell = [e for (_, d, n), runs in seen.items() if (d, n) == (dataset, depth)
                             for e in runs]  # fmt: skip
                anywhere = [e for (s, _, _), runs in seen.items() if s == name for e in runs]
                if done:
                    epochs = statistics.median(done)
                    note = f"{epochs:g} epochs (median, n={len(done)})"
                elif same_cell:  # another study trained this dataset and depth to convergence
                    epochs = statistics.median(same_cell)
                    note = f"{epochs:g} epochs assumed (same dataset and depth, n={len(same_cell)})"
                elif anywhere:  # as table S5's other cells converged: an assumption
                    epochs = statistics.median(anywhere)
                    note = f"{epochs:g} epochs assumed (study median, n={len(anywhere)})"
                else:
                    note = f"cap {epochs} (no finished run: an upper bound)"
            per_epoch = pricer.epoch(dims, sizes, every_epoch)
            shape = f"{dataset} d{depth} {'/'.join(map(str, sizes))}"
            if every_epoch is not None:
                note += f"; {'/'.join(every_epoch)} measured every epoch"
            add(name, "network training", shape, count, per_epoch * epochs, note)
        # a pretraining shared by several studies is one job, priced where first needed
        mine = [k for k in plan.study_pretrains(config, name) if k not in priced]
        priced.update(mine)
        pretrains = Counter(k.dims for k in mine)
        # one job per architecture and noise (all seeds); priced per network
        groups_here = {k.group_path for k in mine} - priced_groups
        priced_groups.update(groups_here)
        counted["pretrain_noise"] += len(groups_here)
        for dims, count in pretrains.items():
            shape = "x".join(map(str, dims))
            add(name, "noise pretraining", shape, count, pricer.pretraining(dims))
        extra = plan.study_job_outputs(config, name)
        cfg = plan.study(config, name)
        if name == "noise_conditions":
            dims = plan.dims(config, cfg.get("dataset", "mnist"), cfg.get("depth", 2))
            each = cfg["trials"] * pricer.pretraining(dims)
            counted["noise_condition"] += len(extra)
            add(name, "noise conditions", "x".join(map(str, dims)), len(extra), each, "trials")
        elif name == "meta_loss":
            dims = plan.dims(config, cfg["dataset"], cfg["depth"])
            counted["meta_loss_seed"] += len(extra)
            add(name, "meta-loss", "x".join(map(str, dims)), len(extra), pricer.pretraining(dims),
                "pretraining only; adaptations not priced")  # fmt: skip
        elif extra:  # networks trained on noise after data: one pretraining each
            counted["noise_after_data"] += len(extra)
            for (dataset, depth), count in Counter(_dataset_depth(p) for p in extra).items():
                dims = plan.dims(config, dataset, depth)
                add(name, "noise after data", "x".join(map(str, dims)), count,
                    pricer.pretraining(dims))  # fmt: skip
    return rows, dict(counted)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--config", type=Path, default=REPO / "config/config.yaml")
    parser.add_argument("--overlay", type=Path, nargs="*", default=[], help="extra configfiles")
    parser.add_argument("--runs", type=Path, default=REPO / "results/runs")
    parser.add_argument("--benchmarks", type=Path, default=REPO / "results/benchmarks")
    parser.add_argument("--offline", action="store_true", help="also price the offline subset")
    parser.add_argument("--studies", nargs="+", help="price these studies only")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--noise-slice", type=int, default=50_000)
    parser.add_argument("--out", type=Path, help="also write the rows as JSON")
    args = parser.parse_args()
    for name in ("config", "runs", "benchmarks", "out"):
        if getattr(args, name) is not None:
            setattr(args, name, getattr(args, name).resolve())
    args.overlay = [o.resolve() for o in args.overlay]
    os.chdir(REPO)  # the config's relative paths (data mirrors) are the workflow's
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    config = yaml.safe_load(args.config.read_text())
    for overlay in args.overlay:
        update_config(config, yaml.safe_load(overlay.read_text()))  # as --configfile does
    print(f"# paper cost: torch {torch.__version__}, {args.threads} thread(s), {platform.node()}")
    pricer, startup = Pricer(config, args.noise_slice), startup_seconds()
    per_rule = measured_rule_seconds(args.benchmarks)
    results = {}
    # the offline subset reuses the full scale's timed samples (its shapes are among them)
    for scope in ("paper scale", "offline") if args.offline else ("paper scale",):
        scoped, configs = copy.deepcopy(config), [args.config, *args.overlay]
        if scope == "offline":  # the project's own offline preset, for both counts
            update_config(scoped, yaml.safe_load(OFFLINE_PRESET.read_text()))
            configs.append(OFFLINE_PRESET)
        studies = args.studies or plan.enabled_studies(scoped)
        rows, counted = price(scoped, studies, args.runs, pricer)
        dag = rule_counts(configs) if not args.studies else Counter(counted)
        table, jobs = _finish(rows, counted, dag, per_rule, startup)
        print(f"\n## {scope}\n\n" + table.to_markdown(index=False, floatfmt=".2f"))
        per_study = table.groupby("study", sort=False)["CPU-h"].sum()
        print("\n" + per_study.to_frame().to_markdown(floatfmt=".2f"))
        print(f"\n{scope}: {per_study.sum():.2f} CPU-hours, {jobs} jobs", flush=True)
        results[scope] = {"rows": rows, "total_cpu_h": per_study.sum(), "jobs": jobs}
    if args.out:
        args.out.write_text(json.dumps(results, indent=1))


def _finish(rows, counted, dag, per_rule, startup) -> tuple[pd.DataFrame, int]:
    """The rules priced from benchmark records, and every process's start-up."""
    for rule, count in sorted(dag.items()):
        rest = count - counted.get(rule, 0)
        if rest > 0 and rule not in ("all",):
            seconds = per_rule.get(rule, 0.0)
            rows.append(
                {
                    "study": "(workflow)",
                    "kind": rule,
                    "shape": "",
                    "jobs": rest,
                    "s per job": seconds,
                    "CPU-h": rest * seconds / 3600,
                    "note": "measured (benchmarks)" if rule in per_rule else "start-up",
                }
            )
    jobs = sum(dag.values())
    # a measured rule's benchmark already holds its start-up; the priced samples do not
    unmeasured = jobs - sum(r["jobs"] for r in rows if r["note"] == "measured (benchmarks)")
    rows.append(
        {
            "study": "(jobs timed in-process)",
            "kind": "process start-up",
            "shape": "",
            "jobs": unmeasured,
            "s per job": startup,
            "CPU-h": unmeasured * startup / 3600,
            "note": "python -m noisefa.cli.train --help",
        }
    )
    return pd.DataFrame(rows), jobs


if __name__ == "__main__":
    main()
