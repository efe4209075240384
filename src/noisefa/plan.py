"""From a validated config to the jobs and files of the workflow (pure Python, no torch).

The Snakefile asks this module which runs a study needs and where their files live,
so the mapping can be unit-tested and read in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import FIGURES, figures_of
from .data.registry import get_dataset
from .data.splits import SplitRequest
from .learning.methods import get_method
from .naming import dims_tag, mlp_dims, noise_tag

RESULTS = "results"
DATA_DIR = f"{RESULTS}/data"


@dataclass(frozen=True)
class RunKey:
    dataset: str
    depth: int
    method: str
    seed: int


def study(config: dict, name: str) -> dict:
    return config["studies"][name]


def enabled_studies(config: dict) -> list[str]:
    return [name for name, cfg in config["studies"].items() if cfg.get("enabled", True)]


def seeds(config: dict, name: str) -> list[int]:
    return list(range(int(study(config, name)["networks"])))


def dims(config: dict, dataset: str, depth: int) -> list[int]:
    info = get_dataset(dataset)
    return mlp_dims(info.input_dim, info.n_classes, int(depth), config["training"]["hidden"])


def noise_for(config: dict, name: str | None = None) -> str:
    """Noise tag of a study's pretraining (the shared settings, samples overridable per study)."""
    pre = config["pretraining"]
    samples = study(config, name).get("noise_samples", pre["samples"]) if name else pre["samples"]
    return noise_tag(pre["distribution"], pre["mean"], pre["std"], samples)


def split_tag(config: dict, name: str) -> str:
    cfg = study(config, name)
    return SplitRequest(cfg["train_size"], 0, cfg["test_size"], cfg["split_seed"]).tag


def pretrain_dir(config: dict, dataset: str, depth: int, seed: int, noise: str) -> str:
    return f"{RESULTS}/pretrain/{dims_tag(dims(config, dataset, depth))}/{noise}/seed{seed}"


def run_keys(config: dict, name: str) -> list[RunKey]:
    cfg = study(config, name)
    if "methods" not in cfg:
        return []
    return [
        RunKey(cfg["dataset"], depth, method, seed)
        for depth in cfg["depths"]
        for method in cfg["methods"]
        for seed in seeds(config, name)
    ]


def run_dir(name: str, key: RunKey) -> str:
    return f"{RESULTS}/runs/{name}/{key.dataset}/depth{key.depth}/{key.method}/seed{key.seed}"


def run_pretrain_dir(config: dict, name: str, key: RunKey) -> str | None:
    """The noise-pretraining a run starts from, or None for methods without one."""
    if not get_method(key.method).noise_pretraining:
        return None
    return pretrain_dir(config, key.dataset, key.depth, key.seed, noise_for(config, name))


def study_pretrain_dirs(config: dict, name: str) -> list[str]:
    """Pretrainings a study reads directly (its own, plus those its runs start from)."""
    cfg = study(config, name)
    dirs = []
    if name == "noise_alignment":
        dirs = [
            pretrain_dir(config, cfg["dataset"], cfg["depth"], s, noise_for(config, name))
            for s in seeds(config, name)
        ]
    dirs += [d for key in run_keys(config, name) if (d := run_pretrain_dir(config, name, key))]
    return list(dict.fromkeys(dirs))


def figure_targets(config: dict) -> list[str]:
    return [
        f"{RESULTS}/figures/{fig}.{ext}"
        for name in enabled_studies(config)
        for fig in figures_of(name)
        for ext in ("png", "pdf")
    ]


def stats_targets(config: dict) -> list[str]:
    """Statistics for every enabled study that trains networks (has run-based figures)."""
    with_runs = {f.study for f in FIGURES.values() if f.uses_runs}
    return [f"{RESULTS}/stats/{name}.csv" for name in enabled_studies(config) if name in with_runs]


def figure_study(figure: str) -> str:
    return FIGURES[figure].study
