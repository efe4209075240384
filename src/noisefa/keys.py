"""The jobs of the workflow as values (pure Python, no torch), and the helpers a study's
declaration uses to list its networks and their settings.

A trained network is a `RunKey` (study, dataset, depth, variant, method, seed);
`variant` names a study's condition (`base`, `train1600`, ...). A noise-pretrained
network is a `PretrainKey` (layer sizes, initialisation, noise, seed) and is shared
by every study that needs the same one. Runs that share study, dataset, depth and
variant form a *condition* (`RunKey.condition`): they differ only in method and seed.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from . import paths
from .data.registry import get_dataset
from .data.splits import SplitRequest
from .learning.methods import get_method
from .naming import dims_tag, mlp_dims, noise_tag, pretraining_tag

BASE = "base"


@dataclass(frozen=True)
class PretrainKey:
    dims: tuple[int, ...]
    init: str
    noise: str
    seed: int
    rule: str = "fa"  # the learning rule of the noise training (Algorithm 1: FA)

    @property
    def fields(self) -> dict:
        """The key as the path templates' fields (`paths.PRETRAIN`, `paths.META_LOSS`);
        a rule other than FA follows the noise in its folder's name."""
        return {
            "dims": dims_tag(self.dims),
            "init": self.init,
            "noise": pretraining_tag(self.noise, self.rule),
            "seed": self.seed,
        }

    @property
    def path(self) -> str:
        return paths.PRETRAIN.format(**self.fields)

    @property
    def group_path(self) -> str:
        """The folder of its architecture's and noise's pretrainings (one job)."""
        return paths.PRETRAIN_GROUP.format(**self.fields)


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

    @property
    def group_path(self) -> str:
        """The folder of its method's networks in its condition (one training job)."""
        return paths.RUN_GROUP.format(**asdict(self))

    @property
    def condition(self) -> tuple[str, str, int, str]:
        """What the runs of one condition share (all but method and seed)."""
        return (self.study, self.dataset, self.depth, self.variant)


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
    weight_decay: float = 0.0  # per step, Kolen-Pollack's (training.kp_decay)
    hidden: int | None = None  # width of every hidden layer (None: training.hidden)
    scaling: str = "channel"  # input scaling (noisefa.data.loading.SCALINGS)
    colour: str = "colour"  # colour or grey input (noisefa.data.registry.COLOURS)
    augment: str = "none"  # training-batch augmentation (noisefa.data.augmentation)


def study(config: dict, name: str) -> dict:
    return config["studies"][name]


def configured(config: dict, name: str) -> bool:
    """Whether the config enables the study (it may still lack its data: `enabled`)."""
    return name in config["studies"] and config["studies"][name].get("enabled", True)


def left_out(config: dict, name: str) -> list[str]:
    """The datasets whose absence stops a whole study this run (filled in by
    noisefa.data.availability as config["data"]["left_out"]; a study with a `datasets`
    grid is stopped only when all of them are missing)."""
    lacking = config.get("data", {}).get("left_out", {}).get(name, [])
    grid = config["studies"].get(name, {}).get("datasets")
    if grid is not None and not set(grid) <= set(lacking):
        return []
    return list(lacking)


def enabled(config: dict, name: str) -> bool:
    """Whether the study runs: enabled in the config, and its data can be had."""
    return configured(config, name) and not left_out(config, name)


def seeds(config: dict, name: str) -> list[int]:
    return list(range(int(study(config, name)["networks"])))


def dims(
    config: dict, dataset: str, depth: int, hidden: int | None = None, colour: str = "colour"
) -> tuple[int, ...]:
    info = get_dataset(dataset)
    width = hidden or config["training"]["hidden"]
    inputs = math.prod(info.input_shape(colour))
    return tuple(mlp_dims(inputs, info.n_classes, int(depth), width))


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


def own_pretrains(config: dict, name: str) -> list[PretrainKey]:
    """One noise pretraining per network of a study that measures noise training itself."""
    cfg = study(config, name)
    dataset, depth = cfg["dataset"], cfg["depth"]
    return [pretrain_key(config, dataset, depth, s, name) for s in seeds(config, name)]


def grid(name: str, datasets, depths, variants, methods, seed_list) -> list[RunKey]:
    return [
        RunKey(name, d, int(depth), v, m, s)
        for d in datasets
        for depth in depths
        for v in variants
        for m in methods
        for s in seed_list
    ]


def study_grid(config: dict, name: str, variants=(BASE,), datasets=None, depths=None):
    """A study's networks: its datasets x depths x variants x methods x seeds."""
    cfg = study(config, name)
    datasets = datasets or [cfg["dataset"]]
    depths = depths or (cfg["depths"] if "depths" in cfg else [cfg["depth"]])
    return grid(name, datasets, depths, variants, cfg["methods"], seeds(config, name))


def split_tag(train, test, seed, val=0) -> str:
    return SplitRequest(train, val, test, seed).tag


def settings(
    config: dict,
    key: RunKey,
    split: str,
    epochs: int,
    patience: int | None = None,
    snapshots: bool = False,
    batch_size: int | None = None,
    lr: float | None = None,
    init: str | None = None,
    noise: str | None = None,
    hidden: int | None = None,
    scaling: str = "channel",
    colour: str = "colour",
    augment: str = "none",
) -> RunSettings:
    """A run's settings: the shared training settings unless given, and the noise
    pretraining its method starts from (`noise`: the study's noise unless given)."""
    train = config["training"]
    init = init or train["init"]
    method = get_method(key.method)
    pretrain = None
    if method.noise_pretraining:
        noise = noise or noise_for(config, key.study)
        pretrain = PretrainKey(
            dims(config, key.dataset, key.depth, hidden, colour), init, noise, key.seed, method.rule
        )
    return RunSettings(
        split,
        epochs,
        patience,
        batch_size or train["batch_size"],
        lr or train["lr"],
        init,
        snapshots,
        pretrain,
        train["kp_decay"] if method.decays else 0.0,
        hidden,
        scaling,
        colour,
        augment,
    )


def fixed_subset_settings(config: dict, key: RunKey, snapshots: bool = False, **overrides):
    """Settings of a study that trains a fixed number of epochs on a fixed subset."""
    cfg = study(config, key.study)
    split = split_tag(cfg["train_size"], cfg["test_size"], cfg["split_seed"])
    return settings(config, key, split, cfg["epochs"], snapshots=snapshots, **overrides)


def early_stopping_settings(
    config: dict,
    key: RunKey,
    noise: str | None = None,
    split_seed: int | None = None,
    val_fraction: float | None = None,
    **overrides,
):
    """Settings of a study that trains to convergence: early stopping on a validation
    share of the (optionally subset) training split, evaluated on the full test split.
    `split_seed`, `val_fraction` and settings' keywords override the study's."""
    cfg = study(config, key.study)
    seed = cfg["split_seed"] if split_seed is None else split_seed
    fraction = cfg["val_fraction"] if val_fraction is None else val_fraction
    split = split_tag(cfg.get("train_size"), None, seed, fraction)
    return settings(
        config, key, split, cfg["max_epochs"], patience=cfg["patience"], noise=noise, **overrides
    )
