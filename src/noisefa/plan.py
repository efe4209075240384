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

import math
from dataclasses import asdict, dataclass
from pathlib import Path

from . import paths
from .catalogue import FIGURES
from .data.registry import SPLITS, get_dataset
from .data.sources import mirror_dirs
from .data.splits import SplitRequest
from .learning.methods import get_method
from .naming import dims_tag, format_number, mlp_dims, noise_tag

RESULTS = paths.RESULTS
DATA_DIR = paths.DATA
BASE = "base"


@dataclass(frozen=True)
class PretrainKey:
    dims: tuple[int, ...]
    init: str
    noise: str
    seed: int

    @property
    def fields(self) -> dict:
        """The key as the path templates' fields (`paths.PRETRAIN`, `paths.META_LOSS`)."""
        return {
            "dims": dims_tag(self.dims),
            "init": self.init,
            "noise": self.noise,
            "seed": self.seed,
        }

    @property
    def path(self) -> str:
        return paths.PRETRAIN.format(**self.fields)


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
        return paths.RUN.format(**asdict(self))


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


def network_counts(config: dict) -> dict[str, int]:
    """Networks (noise_conditions: trials) per enabled study that trains its own."""
    counts = {}
    for name in enabled_studies(config):
        cfg = study(config, name)
        for key in ("networks", "trials"):
            if key in cfg:
                counts[name] = int(cfg[key])
    return counts


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


def hyperparameter_variants(cfg: dict) -> list[str]:
    """Fig S9: one variant per batch size, learning rate and initialisation."""
    return (
        [f"batch{b}" for b in cfg["batch_sizes"]]
        + [f"lr{format_number(lr)}" for lr in cfg["lrs"]]
        + [f"init-{scheme}" for scheme in cfg["inits"]]
    )


def run_keys(config: dict, name: str) -> list[RunKey]:
    """Every trained network of a study (empty for studies that train none)."""
    if name not in config["studies"]:
        return []
    cfg = study(config, name)
    s = seeds(config, name) if "networks" in cfg else []
    if name in ("fast_learning", "cifar_fast_learning", "ood", "wbt_init"):
        depths = cfg["depths"] if "depths" in cfg else [cfg["depth"]]
        return _grid(name, [cfg["dataset"]], depths, [BASE], cfg["methods"], s)
    if name == "benchmark":
        datasets = [d for d in cfg["datasets"] if d not in missing_datasets(config)]
        return _grid(name, datasets, cfg["depths"], [BASE], cfg["methods"], s)
    if name == "adaptation":
        return _grid(name, cfg["tasks"], [cfg["depth"]], [BASE], cfg["methods"], s)
    if name == "hyperparams":
        variants = hyperparameter_variants(cfg)
        return _grid(name, [cfg["dataset"]], [cfg["depth"]], variants, cfg["methods"], s)
    if name == "compute_budget":
        # noise0 is FA without pretraining (and BP as the reference); noiseE, E > 0,
        # is FA after E noise epochs.
        keys = _grid(name, [cfg["dataset"]], [cfg["depth"]], ["noise0"], ["bp", "fa"], s)
        durations = [f"noise{e}" for e in cfg["noise_epochs"] if e > 0]
        return keys + _grid(name, [cfg["dataset"]], [cfg["depth"]], durations, ["fa_noise"], s)
    if name == "generalization":
        sizes = [f"train{n}" for n in cfg["train_sizes"]]
        by_size = _grid(name, [cfg["dataset"]], [cfg["depth"]], sizes, cfg["methods"], s)
        largest = [f"train{cfg['depth_train_size']}"]
        by_depth = _grid(name, [cfg["dataset"]], cfg["depths"], largest, cfg["methods"], s)
        return list(dict.fromkeys(by_size + by_depth))
    return []


def _split(train, test, seed, val=0) -> str:
    return SplitRequest(train, val, test, seed).tag


def run_settings(config: dict, key: RunKey) -> RunSettings:
    cfg, train = study(config, key.study), config["training"]
    patience, snapshots = None, False
    batch, lr, init = train["batch_size"], train["lr"], train["init"]
    noise = noise_for(config, key.study)
    if key.study in ("benchmark", "compute_budget"):
        split = _split(cfg.get("train_size"), None, cfg["split_seed"], cfg["val_fraction"])
        epochs, patience = cfg["max_epochs"], cfg["patience"]
        if key.study == "compute_budget":
            pre = config["pretraining"]
            samples = int(key.variant.removeprefix("noise")) * pre["epoch_samples"]
            noise = noise_tag(pre["distribution"], pre["mean"], pre["std"], samples)
    elif key.study == "generalization":
        split = _split(int(key.variant.removeprefix("train")), cfg["test_size"], cfg["split_seed"])
        epochs = cfg["epochs"]
    elif key.study == "wbt_init":
        split = _split(cfg["train_size"], cfg["test_size"], cfg["split_seed"], cfg["val_size"])
        epochs = cfg["epochs"]
    else:  # fast_learning, cifar_fast_learning, ood, adaptation, hyperparams: fixed subset
        split = _split(cfg["train_size"], cfg["test_size"], cfg["split_seed"])
        epochs = cfg["epochs"]
        snapshots = key.study in ("fast_learning", "cifar_fast_learning", "adaptation")
        if key.variant.startswith("batch"):
            batch = int(key.variant.removeprefix("batch"))
        elif key.variant.startswith("lr"):
            lr = float(key.variant.removeprefix("lr"))
        elif key.variant.startswith("init-"):
            init = key.variant.removeprefix("init-")
    pretrain = None
    if get_method(key.method).noise_pretraining:
        pretrain = PretrainKey(dims(config, key.dataset, key.depth), init, noise, key.seed)
    return RunSettings(split, epochs, patience, batch, lr, init, snapshots, pretrain)


# -- what each study reads -------------------------------------------------------------

TRAJECTORY_SOURCES = {"trajectory": "fast_learning", "cifar_fast_learning": "cifar_fast_learning"}


def trajectory_sources(config: dict, name: str = "trajectory") -> list[RunKey]:
    """The FA and FA-after-noise networks whose weight trajectories Fig 2d-g (S6) show."""
    source = TRAJECTORY_SOURCES[name]
    cfg = study(config, name)
    depth = cfg["depth"] if name == "trajectory" else min(cfg["depths"])
    return [
        k for k in run_keys(config, source) if k.depth == depth and k.method in ("fa", "fa_noise")
    ]


def noise_after_data_keys(config: dict, name: str = "trajectory") -> list[RunKey]:
    """Fig 2f,g (S6c,d): FA networks trained on data, then on noise (beside their source)."""
    return [
        RunKey(k.study, k.dataset, k.depth, BASE, "fa_then_noise", k.seed)
        for k in trajectory_sources(config, name)
        if k.method == "fa"
    ]


def study_pretrains(config: dict, name: str) -> list[PretrainKey]:
    """Noise pretrainings a study reads: its own, plus those its networks start from."""
    cfg = study(config, name)
    keys = []
    if name in ("noise_alignment", "spectrum", "meta_loss"):
        keys = [
            pretrain_key(config, cfg["dataset"], cfg["depth"], s, name) for s in seeds(config, name)
        ]
    sources = trajectory_sources(config, name) if name in TRAJECTORY_SOURCES else []
    for key in sources + run_keys(config, name):
        if pretrain := run_settings(config, key).pretrain:
            keys.append(pretrain)
    return list(dict.fromkeys(keys))


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
        return trajectory_sources(config, name)
    if name == "gram_rank":
        size = f"train{study(config, 'generalization')['depth_train_size']}"
        return [k for k in run_keys(config, "generalization") if k.variant == size]
    return run_keys(config, name)


def study_job_outputs(config: dict, name: str) -> list[str]:
    """Other per-job files a study's evaluation gathers."""
    if name in TRAJECTORY_SOURCES:
        return [f"{k.path}/summary.json" for k in noise_after_data_keys(config, name)]
    if name == "noise_conditions":
        cfg = study(config, name)
        return [
            paths.NOISE_CONDITION.format(dataset=cfg["dataset"], depth=cfg["depth"], noise=tag)
            for tag in noise_condition_tags(config)
        ]
    if name == "meta_loss":
        return [
            paths.META_LOSS.format(**meta_loss_key(config, s).fields) for s in seeds(config, name)
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
            "train_size": cfg.get("train_size"),
        }
    if spec.study == "compute_budget":
        return {"epoch_samples": config["pretraining"]["epoch_samples"]}
    return {}


# -- final targets ----------------------------------------------------------------------


def figure_targets(config: dict) -> list[str]:
    return [
        f"{RESULTS}/figures/{fig}.{ext}"
        for fig, spec in FIGURES.items()
        if enabled(config, spec.study)
        and all(enabled(config, s) for s in spec.needs)
        and (fig != "figS4" or 3 in study(config, "fast_learning")["depths"])
        for ext in ("png", "pdf")
    ]


def stats_targets(config: dict) -> list[str]:
    """Statistics for every enabled study that has run-based figures."""
    with_runs = {f.study for f in FIGURES.values() if f.uses_runs}
    return [f"{RESULTS}/stats/{name}.csv" for name in enabled_studies(config) if name in with_runs]


def table_targets(config: dict) -> list[str]:
    if not enabled(config, "benchmark"):
        return []
    depths = study(config, "benchmark")["depths"]
    tables = (["table1"] if 2 in depths else []) + (["tableS5"] if len(depths) > 1 else [])
    return [f"{RESULTS}/tables/{t}.{ext}" for t in tables for ext in ("csv", "md", "tex")]


# -- checks the schema cannot express ---------------------------------------------------


def config_problems(config: dict) -> list[str]:
    """Cross-field inconsistencies, each named by its keys (empty when the config is sound)."""
    problems = []
    studies, pre = config["studies"], config["pretraining"]
    batch = config["training"]["batch_size"]
    for name, cfg in studies.items():
        if not enabled(config, name):
            continue
        train_size = cfg.get("train_size")
        batches = [batch] + list(cfg.get("batch_sizes", []))
        if train_size is not None and max(batches) > train_size:
            problems.append(
                f"studies.{name}: batch size {max(batches)} is larger than train_size {train_size}"
            )
        sizes = cfg.get("train_sizes", [])
        if sizes and batch > min(sizes):
            problems.append(
                f"studies.{name}: batch size {batch} is larger than train size {min(sizes)}"
            )
        samples = cfg.get("noise_samples", pre["samples"])
        if samples < pre["batch_size"]:
            problems.append(
                f"studies.{name}: {samples} noise samples make no batch of {pre['batch_size']}"
            )
    if enabled(config, "meta_loss"):
        cfg = study(config, "meta_loss")
        n_epochs = -(-cfg.get("noise_samples", pre["samples"]) // pre["epoch_samples"])
        if max(cfg["epochs"]) > n_epochs:
            problems.append(
                f"studies.meta_loss.epochs goes up to {max(cfg['epochs'])}, "
                f"but the noise pretraining lasts {n_epochs} epochs"
            )
    for name, source, methods in (
        ("trajectory", "fast_learning", {"fa", "fa_noise"}),
        ("cifar_fast_learning", "cifar_fast_learning", {"fa", "fa_noise"}),
    ):
        if not enabled(config, name):
            continue
        if not enabled(config, source) or not methods <= set(study(config, source)["methods"]):
            problems.append(
                f"studies.{name} needs studies.{source} enabled, with methods "
                f"{sorted(methods)} (it measures those networks); enable it or disable {name}"
            )
        elif (
            name == "trajectory"
            and study(config, name)["depth"] not in study(config, source)["depths"]
        ):
            problems.append("studies.trajectory.depth must be one of studies.fast_learning.depths")
    if enabled(config, "gram_rank") and not enabled(config, "generalization"):
        problems.append(
            "studies.gram_rank needs studies.generalization enabled (it measures those "
            "networks); enable it or disable gram_rank"
        )
    if (
        enabled(config, "compute_budget")
        and 0 not in study(config, "compute_budget")["noise_epochs"]
    ):
        problems.append(
            "studies.compute_budget.noise_epochs must include 0 (the data-only reference)"
        )
    return problems + naming_problems(config)


def _exact_in_names(value: float) -> bool:
    return float(format_number(value)) == float(value)


def naming_problems(config: dict) -> list[str]:
    """Settings that result paths encode must survive the encoding: distinct values get
    distinct names, and the value read back from a name is the value configured."""
    problems, pre = [], config["pretraining"]
    for key in ("mean", "std"):
        if not _exact_in_names(pre[key]):
            problems.append(
                f"pretraining.{key} = {pre[key]!r} has more digits than result names keep "
                f"({format_number(pre[key])}); round it"
            )
    for name, cfg in config["studies"].items():
        if not enabled(config, name):
            continue
        fraction = cfg.get("val_fraction")
        if fraction is not None and not math.isclose(fraction * 100, round(fraction * 100)):
            problems.append(
                f"studies.{name}.val_fraction = {fraction!r} is not a whole percentage; split "
                f"names keep whole percents (it would become {round(fraction * 100)}%)"
            )
        for key in ("lrs", "stds"):
            values = cfg.get(key, [])
            inexact = [v for v in values if not _exact_in_names(v)]
            if inexact:
                problems.append(
                    f"studies.{name}.{key}: {inexact} have more digits than result names keep"
                )
            names = [format_number(v) for v in values]
            if len(set(names)) < len(names):
                problems.append(
                    f"studies.{name}.{key}: distinct values share a result name ({names})"
                )
    return problems


def type_problems(config: dict, schema: dict) -> list[str]:
    """What JSON Schema lets through but the code cannot honour: 3.0 where a count is
    meant (draft 2020-12 calls it an integer), NaN and infinities (they pass bounds)."""
    defs = schema.get("$defs", {})
    problems: list[str] = []

    def resolve(node: dict) -> dict:
        while "$ref" in node:
            ref = node["$ref"].removeprefix("#/$defs/")
            node = {**defs[ref], **{k: v for k, v in node.items() if k != "$ref"}}
        return node

    def walk(value, node: dict, where: str) -> None:
        node = resolve(node)
        types = node.get("type", [])
        types = [types] if isinstance(types, str) else types
        if isinstance(value, float):
            if not math.isfinite(value):
                problems.append(f"{where} = {value} is not a finite number")
            elif "integer" in types and "number" not in types:
                problems.append(
                    f"{where} = {value!r} must be a whole number: write {int(value)}, "
                    "without a decimal point"
                )
        elif isinstance(value, dict):
            for key, sub in value.items():
                if key in node.get("properties", {}):
                    walk(sub, node["properties"][key], f"{where}.{key}" if where else key)
        elif isinstance(value, list) and "items" in node:
            for i, sub in enumerate(value):
                walk(sub, node["items"], f"{where}[{i}]")

    walk(config, schema, "")
    return problems
