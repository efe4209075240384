"""What each job of the workflow costs on this machine, before it runs (pure Python: the
Snakefile sizes cluster runtimes with it; the measurements are in `noisefa.calibration`).

A job's cost is CPU-seconds on one thread, from its work and four numbers measured on
this machine (`Calibration`): a fixed cost per optimiser step, the seconds per
multiply-accumulate (MAC) of a training step and of an evaluation pass, the seconds per
noise value drawn, and a process start-up. The work comes from the configuration, as the
jobs themselves get it (`noisefa.plan`): networks x epochs x steps for a training job,
samples for a noise pretraining. Early-stopping studies stop at an epoch nobody knows in
advance: they are priced at EXPECTED_EPOCHS, the medians measured in the record v1.
Light jobs (staging, statistics, figures) cost a few start-ups each.

Nothing here reads earlier results: the same configuration on the same machine always
gets the same price, whatever `results/` holds.
"""

from __future__ import annotations

import json
import math
import os
import platform
from dataclasses import asdict, dataclass
from pathlib import Path

from .data.registry import get_dataset
from .data.splits import SplitRequest
from .naming import parse_noise_tag, split_pretraining_tag

CALIBRATION_ENV = "NOISEFA_CALIBRATION"  # a calibration file to use instead of the cache
# Epochs to the early stop (patience 10) measured in the record v1 (docs/record,
# README "CIFAR-10 at paper scale"): medians over depths and methods.
EXPECTED_EPOCHS = {
    "mnist": 58,
    "fashion_mnist": 60,
    "kmnist": 55,
    "cifar10": 48,
    "cifar100": 50,
    "stl10": 50,
}
# Light rules: their cost in process start-ups (measured medians of their Snakemake
# benchmark files in the record v1, divided by the start-up measured then, 4.6 s).
LIGHT_RULES = {
    "stage_split": 1.5,
    "stage_archive": 4.0,
    "make_split": 1.2,
    "make_ood_set": 1.5,
    "collect_study": 1.5,
    "study_statistics": 1.5,
    "evaluate_study": 6.0,
    "figure": 2.0,
    "table": 1.2,
    "claims": 1.5,
    "results_index": 1.0,
    "study_verdicts": 1.2,
    "all": 0.0,
}


@dataclass(frozen=True)
class Calibration:
    step_s: float  # fixed seconds per optimiser step of one network
    mac_s: float  # seconds per MAC of a training step (forward, backward and update)
    eval_mac_s: float  # seconds per MAC of an evaluation forward pass
    draw_s: float  # seconds per noise value drawn
    startup_s: float  # a job's process start-up
    parallel: float  # throughput of `cores` jobs at once, in one-job units
    cores: int
    machine: str
    measured: str  # when

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


def machine_id() -> str:
    """What makes timings comparable: CPU model, cores, Python and the torch version
    installed (read without importing torch)."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    try:
        torch = version("torch")
    except PackageNotFoundError:
        torch = "none"
    return f"{platform.node()} | {cpu} | {os.cpu_count()} cores | torch {torch}"


def calibration_path() -> Path:
    if os.environ.get(CALIBRATION_ENV):
        return Path(os.environ[CALIBRATION_ENV])
    import hashlib

    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "noisefa"
    key = hashlib.sha256(machine_id().encode()).hexdigest()[:12]
    return cache / f"calibration-{key}.json"


def load_calibration(path: Path | None = None) -> Calibration | None:
    """This machine's calibration, or None if it was never measured (or is damaged)."""
    path = path or calibration_path()
    try:
        data = json.loads(path.read_text())
        return Calibration(**data)
    except (OSError, ValueError, TypeError):
        return None


# Measured on this project's 2-core machine (python -m noisefa.calibration, idle,
# 2026-12-06): used where a machine was never measured (a cluster's submit host).
REFERENCE = Calibration(
    step_s=2.89e-4,
    mac_s=4.66e-11,
    eval_mac_s=1.36e-11,
    draw_s=3.4e-9,
    startup_s=1.98,
    parallel=1.52,
    cores=2,
    machine="reference: the project's 2-core development machine (Xeon, torch 2.14.1)",
    measured="2026-12-06",
)


# -- the work of one job ----------------------------------------------------------------


def macs(dims: tuple[int, ...] | list[int]) -> int:
    """Multiply-accumulates of one sample's forward pass through the MLP."""
    return sum(a * b for a, b in zip(dims[:-1], dims[1:], strict=False))


def training_seconds(
    cal: Calibration,
    dims,
    networks: int,
    epochs: float,
    n_train: int,
    n_eval: int,
    batch_size: int,
) -> float:
    """Networks x epochs of data training with an evaluation pass over n_eval images."""
    steps = math.ceil(n_train / batch_size)
    per_epoch = steps * (cal.step_s + batch_size * macs(dims) * cal.mac_s)
    per_epoch += n_eval * macs(dims) * cal.eval_mac_s
    return networks * epochs * per_epoch


def pretraining_seconds(cal: Calibration, dims, networks: int, samples: int, batch: int) -> float:
    """Networks x samples of noise training (each sample drawn, then trained on)."""
    steps = math.ceil(samples / batch)
    per_net = steps * cal.step_s + samples * (macs(dims) * cal.mac_s + dims[0] * cal.draw_s)
    return networks * per_net


def split_sizes(dataset: str, tag: str) -> tuple[int, int, int]:
    """(train, val, test) images of a split tag."""
    info, request = get_dataset(dataset), SplitRequest.parse(tag)
    val = round(info.n_train * request.val) if isinstance(request.val, float) else request.val
    train = info.n_train - val if request.train is None else request.train
    test = info.n_test if request.test is None else request.test
    return train, val, test


def train_job_seconds(cal: Calibration, config: dict, wildcards: dict) -> float:
    from . import plan
    from .studies import get_study

    keys = plan.group_runs(
        config,
        wildcards["study"],
        wildcards["dataset"],
        int(wildcards["depth"]),
        wildcards["variant"],
        wildcards["method"],
    )
    if not keys:
        return cal.startup_s
    settings = plan.group_settings(config, keys)
    train, val, test = split_sizes(keys[0].dataset, settings.split)
    epochs = settings.epochs
    if settings.patience is not None:
        epochs = min(epochs, EXPECTED_EPOCHS.get(keys[0].dataset, 50))
    every = get_study(keys[0].study).every_epoch
    sizes = {"train": train, "val": val, "test": test}
    n_eval = sum(sizes.values()) if every is None else sum(sizes[s] for s in every)
    dims = plan.dims(config, keys[0].dataset, keys[0].depth, settings.hidden, settings.colour)
    return cal.startup_s + training_seconds(
        cal, dims, len(keys), epochs + 1, train, n_eval, settings.batch_size
    )


def _pretrain_dims(tag: str) -> tuple[int, ...]:
    return tuple(int(x) for x in tag.split("x"))


def job_seconds(cal: Calibration, config: dict, rule: str, wildcards: dict) -> float:
    """CPU-seconds of one job on one thread of this machine."""
    pre = config["pretraining"]
    if rule == "train_networks":
        return train_job_seconds(cal, config, wildcards)
    if rule == "pretrain_noise":
        from . import plan

        networks = len(
            plan.pretrain_group(config, wildcards["dims"], wildcards["init"], wildcards["noise"])
        )
        samples = parse_noise_tag(split_pretraining_tag(wildcards["noise"])[0])[3]
        dims = _pretrain_dims(wildcards["dims"])
        return cal.startup_s + pretraining_seconds(
            cal, dims, max(networks, 1), samples, pre["batch_size"]
        )
    if rule == "noise_condition":
        from . import plan

        cfg = config["studies"]["noise_conditions"]
        dims = plan.dims(config, wildcards["dataset"], int(wildcards["depth"]))
        samples = parse_noise_tag(wildcards["noise"])[3]
        return cal.startup_s + pretraining_seconds(
            cal, dims, cfg["trials"], samples, pre["batch_size"]
        )
    if rule == "noise_after_data":
        from . import plan

        dims = plan.dims(config, wildcards["dataset"], int(wildcards["depth"]))
        samples = parse_noise_tag(plan.noise_for(config, wildcards["study"]))[3]
        return cal.startup_s + pretraining_seconds(cal, dims, 1, samples, pre["batch_size"])
    if rule == "meta_loss_seed":
        cfg = config["studies"]["meta_loss"]
        dims = _pretrain_dims(wildcards["dims"])
        noise = max(cfg["epochs"]) * pre["epoch_samples"]
        shots = (cfg["shots"] + cfg["query"]) * dims[-1]
        adapt = len(cfg["epochs"]) * len(cfg["tasks"]) * cfg["draws"] * cfg["inner_steps"]
        return (
            cal.startup_s
            + pretraining_seconds(cal, dims, 1, noise, pre["batch_size"])
            + adapt * (cal.step_s + shots * macs(dims) * cal.mac_s)
        )
    return cal.startup_s * LIGHT_RULES.get(rule, 1.5)


def wall_seconds(cal: Calibration, cpu_seconds: list[float], cores: int | None = None) -> float:
    """Wall time of jobs run `cores` at a time: their work over the machine's measured
    throughput, and never less than the longest job."""
    if not cpu_seconds:
        return 0.0
    cores = cores or cal.cores
    throughput = cal.parallel if cores >= cal.cores else max(1.0, cal.parallel * cores / cal.cores)
    return max(sum(cpu_seconds) / throughput, max(cpu_seconds))


def runtime_minutes(cpu_seconds: float, gpu: bool = False) -> int:
    """A cluster job's time limit from its CPU estimate: three times it plus 15 minutes
    (estimates are within 2x here; see the README), the same on a GPU, which is faster."""
    return int(math.ceil((3 * cpu_seconds + 900) / 60))


def study_of(rule: str, wildcards: dict) -> str:
    """The study a job belongs to, for progress per study."""
    if "study" in wildcards:
        return wildcards["study"]
    if rule == "noise_condition":
        return "noise_conditions"
    if rule == "meta_loss_seed":
        return "meta_loss"
    if rule in ("stage_split", "stage_archive", "make_split", "make_ood_set"):
        return "data"
    if rule == "pretrain_noise":
        return "pretraining"
    if rule == "figure":
        from .catalogue import FIGURES

        figure = wildcards.get("figure")
        return FIGURES[figure].study if figure in FIGURES else "report"
    if rule == "table":
        return "benchmark"
    if rule == "study_verdicts":
        return "rules"
    return "report"
