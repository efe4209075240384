"""From a validated config to the jobs and files of the workflow (pure Python, no torch).

The Snakefile asks this module which networks a study trains, with which settings,
from which noise pretraining, and where their files live; so the whole mapping can
be unit-tested and read in one place.

A trained network is a `RunKey` (study, dataset, depth, variant, method, seed);
`variant` names a study's condition (`base`, `train1600`, ...). A noise-pretrained
network is a `PretrainKey` (layer sizes, initialisation, noise, seed) and is shared
by every study that needs the same one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .catalogue import FIGURES
from .data.registry import SPLITS, get_dataset
from .data.sources import mirror_dirs
from .data.splits import SplitRequest
from .learning.methods import get_method
from .naming import dims_tag, mlp_dims, noise_tag

RESULTS = "results"
DATA_DIR = f"{RESULTS}/data"
BASE = "base"


@dataclass(frozen=True)
class PretrainKey:
    dims: tuple[int, ...]
    init: str
    noise: str
    seed: int

    @property
    def path(self) -> str:
        return f"{RESULTS}/pretrain/{dims_tag(self.dims)}/{self.init}/{self.noise}/seed{self.seed}"


@dataclass(frozen=True)
class RunKey:
    study: str
    dataset: str
    depth: int
    variant: str
    method: str
    seed: int

    @property
    def path(self) -> str:
        return (
            f"{RESULTS}/runs/{self.study}/{self.dataset}/depth{self.depth}/{self.variant}"
            f"/{self.method}/seed{self.seed}"
        )


@dataclass(frozen=True)
class RunSettings:
    split: str
    epochs: int
    patience: int | None
    batch_size: int
    lr: float
    init: str
    snapshots: bool  # keep the last layer's W at every epoch (trajectory studies)
    pretrain: PretrainKey | None


def study(config: dict, name: str) -> dict:
    return config["studies"][name]


def enabled(config: dict, name: str) -> bool:
    return name in config["studies"] and config["studies"][name].get("enabled", True)


def enabled_studies(config: dict) -> list[str]:
    return [name for name in config["studies"] if enabled(config, name)]


def seeds(config: dict, name: str) -> list[int]:
    return list(range(int(study(config, name)["networks"])))


def dims(config: dict, dataset: str, depth: int) -> tuple[int, ...]:
    info = get_dataset(dataset)
    return tuple(mlp_dims(info.input_dim, info.n_classes, int(depth), config["training"]["hidden"]))


def noise_for(
    config: dict, name: str | None = None, std: float | None = None, distribution: str | None = None
) -> str:
    """Noise tag: the shared pretraining settings, samples overridable per study."""
    pre = config["pretraining"]
    samples = pre["samples"]
    if name and "noise_samples" in config["studies"].get(name, {}):
        samples = study(config, name)["noise_samples"]
    return noise_tag(
        distribution or pre["distribution"],
        pre["mean"],
        pre["std"] if std is None else std,
        samples,
    )


def pretrain_key(
    config: dict,
    dataset: str,
    depth: int,
    seed: int,
    name: str | None = None,
    init: str | None = None,
) -> PretrainKey:
    return PretrainKey(
        dims(config, dataset, depth),
        init or config["training"]["init"],
        noise_for(config, name),
        seed,
    )


# -- data availability ------------------------------------------------------------------


def available_offline(config: dict, dataset: str) -> bool:
    """Whether a dataset is staged already or both splits sit in a mirror (file names
    only; checksums are verified when it is staged)."""
    if all(Path(DATA_DIR, dataset, f"{split}.npz").is_file() for split in SPLITS):
        return True
    info = get_dataset(dataset)

    def in_mirror(mirror: Path, split: str) -> bool:
        files = all((mirror / rel).is_file() for rel, _ in info.torchvision_files(split))
        archive = info.archive() is not None and (mirror / info.archive()[0]).is_file()
        return files or archive or (mirror / info.arrays_file(split)).is_file()

    return any(all(in_mirror(m, s) for s in SPLITS) for m in mirror_dirs(config["data"]["mirrors"]))


def missing_datasets(config: dict) -> list[str]:
    """Benchmark datasets reported as "not run (data unavailable)": only with
    data.allow_missing and downloads off, and only those no mirror holds."""
    data = config["data"]
    if not data.get("allow_missing") or data["download"] or "benchmark" not in config["studies"]:
        return []
    return [d for d in study(config, "benchmark")["datasets"] if not available_offline(config, d)]


# -- the networks each study trains -------------------------------------------------


def _grid(name: str, datasets, depths, variants, methods, seed_list) -> list[RunKey]:
    return [
        RunKey(name, d, int(depth), v, m, s)
        for d in datasets
        for depth in depths
        for v in variants
        for m in methods
        for s in seed_list
    ]


def run_keys(config: dict, name: str) -> list[RunKey]:
    """Every trained network of a study (empty for studies that train none)."""
    if name not in config["studies"]:
        return []
    cfg, s = study(config, name), None
    if "networks" in cfg:
        s = seeds(config, name)
    if name in ("fast_learning", "ood"):
        depths = cfg["depths"] if "depths" in cfg else [cfg["depth"]]
        return _grid(name, [cfg["dataset"]], depths, [BASE], cfg["methods"], s)
    if name == "benchmark":
        datasets = [d for d in cfg["datasets"] if d not in missing_datasets(config)]
        return _grid(name, datasets, cfg["depths"], [BASE], cfg["methods"], s)
    if name == "adaptation":
        return _grid(name, cfg["tasks"], [cfg["depth"]], [BASE], cfg["methods"], s)
    if name == "generalization":
        sizes = _grid(
            name,
            [cfg["dataset"]],
            [cfg["depth"]],
            [f"train{n}" for n in cfg["train_sizes"]],
            cfg["methods"],
            s,
        )
        depths = _grid(
            name,
            [cfg["dataset"]],
            cfg["depths"],
            [f"train{cfg['depth_train_size']}"],
            cfg["methods"],
            s,
        )
        return list(dict.fromkeys(sizes + depths))
    return []


def _split(train, test, seed, val=0) -> str:
    return SplitRequest(train, val, test, seed).tag


def run_settings(config: dict, key: RunKey) -> RunSettings:
    cfg, train = study(config, key.study), config["training"]
    patience, snapshots = None, False
    if key.study == "benchmark":
        split = _split(cfg.get("train_size"), None, cfg["split_seed"], cfg["val_fraction"])
        epochs, patience = cfg["max_epochs"], cfg["patience"]
    elif key.study == "generalization":
        split = _split(int(key.variant.removeprefix("train")), cfg["test_size"], cfg["split_seed"])
        epochs = cfg["epochs"]
    else:  # fast_learning, ood, adaptation: fixed subset, fixed epochs
        split = _split(cfg["train_size"], cfg["test_size"], cfg["split_seed"])
        epochs = cfg["epochs"]
        snapshots = key.study in ("fast_learning", "adaptation")
    pretrain = None
    if get_method(key.method).noise_pretraining:
        pretrain = pretrain_key(config, key.dataset, key.depth, key.seed, key.study)
    return RunSettings(
        split,
        epochs,
        patience,
        train["batch_size"],
        train["lr"],
        train["init"],
        snapshots,
        pretrain,
    )


# -- what each study reads -------------------------------------------------------------


def study_pretrains(config: dict, name: str) -> list[PretrainKey]:
    """Noise pretrainings a study reads: its own, plus those its networks start from."""
    cfg = study(config, name)
    keys = []
    if name in ("noise_alignment", "spectrum", "meta_loss"):
        keys = [
            pretrain_key(config, cfg["dataset"], cfg["depth"], s, name) for s in seeds(config, name)
        ]
    if name == "trajectory":
        source = trajectory_sources(config)
        keys = [
            settings.pretrain for key in source if (settings := run_settings(config, key)).pretrain
        ]
    keys += [p for key in run_keys(config, name) if (p := run_settings(config, key).pretrain)]
    return list(dict.fromkeys(keys))


def trajectory_sources(config: dict) -> list[RunKey]:
    """The fast_learning networks (FA, FA w/ noise) whose weight trajectories Fig 2d-g show."""
    cfg = study(config, "trajectory")
    return [
        k
        for k in run_keys(config, "fast_learning")
        if k.depth == cfg["depth"] and k.method in ("fa", "fa_noise")
    ]


def noise_after_data_keys(config: dict) -> list[RunKey]:
    """Fig 2f,g: FA networks trained on data, then on noise."""
    return [
        RunKey("trajectory", k.dataset, k.depth, BASE, "fa_then_noise", k.seed)
        for k in trajectory_sources(config)
        if k.method == "fa"
    ]


def noise_condition_tags(config: dict) -> list[str]:
    """Fig 1f: one job per (distribution, std), each running every trial."""
    cfg = study(config, "noise_conditions")
    return [
        noise_for(config, "noise_conditions", std=std, distribution=dist)
        for dist in cfg["distributions"]
        for std in cfg["stds"]
    ]


def meta_loss_key(config: dict, seed: int) -> PretrainKey:
    cfg = study(config, "meta_loss")
    return pretrain_key(config, cfg["dataset"], cfg["depth"], seed, "meta_loss")


def study_runs(config: dict, name: str) -> list[RunKey]:
    """Trained networks a study reads: its own, or another study's."""
    if name == "trajectory":
        return trajectory_sources(config)
    if name == "gram_rank":
        size = f"train{study(config, 'generalization')['depth_train_size']}"
        return [k for k in run_keys(config, "generalization") if k.variant == size]
    return run_keys(config, name)


def study_job_outputs(config: dict, name: str) -> list[str]:
    """Other per-job files a study's evaluation gathers."""
    if name == "trajectory":
        return [f"{k.path}/summary.json" for k in noise_after_data_keys(config)]
    if name == "noise_conditions":
        cfg = study(config, name)
        folder = f"{RESULTS}/runs/noise_conditions/{cfg['dataset']}/depth{cfg['depth']}"
        return [f"{folder}/{tag}.csv" for tag in noise_condition_tags(config)]
    if name == "meta_loss":
        return [
            f"{RESULTS}/runs/meta_loss/{meta_loss_key(config, s).path.split('/pretrain/')[1]}.csv"
            for s in seeds(config, name)
        ]
    return []


def figure_params(config: dict, figure: str) -> dict:
    """Study settings a figure needs beyond the collected tables."""
    spec = FIGURES[figure]
    if spec.study == "benchmark":
        cfg = study(config, "benchmark")
        return {
            "datasets": cfg["datasets"],
            "depths": cfg["depths"],
            "missing": missing_datasets(config),
        }
    return {}


# -- final targets ----------------------------------------------------------------------


def figure_targets(config: dict) -> list[str]:
    return [
        f"{RESULTS}/figures/{fig}.{ext}"
        for fig, spec in FIGURES.items()
        if enabled(config, spec.study)
        for ext in ("png", "pdf")
    ]


def stats_targets(config: dict) -> list[str]:
    """Statistics for every enabled study that has run-based figures."""
    with_runs = {f.study for f in FIGURES.values() if f.uses_runs}
    return [f"{RESULTS}/stats/{name}.csv" for name in enabled_studies(config) if name in with_runs]


def table_targets(config: dict) -> list[str]:
    if not enabled(config, "benchmark"):
        return []
    tables = ["table1"] if 2 in study(config, "benchmark")["depths"] else []
    return [f"{RESULTS}/tables/{t}.{ext}" for t in tables for ext in ("csv", "md", "tex")]
