"""Beyond the paper (issue 34): Table 1's cells (2 layers; MNIST, Fashion-MNIST,
CIFAR-10) under every choice the paper leaves unstated, one factor at a time at the
paper's n, then chosen combinations. Its answer: how far each cell sits from the paper
under each setting, which setting brings it within the margin, and whether noise still
helps (docs/methods.md, "Where the record differs from the paper").

Varied (the base is the record's protocol): hidden width (Table S5 states none), input
scaling (not stated), validation share (not stated), the validation subset, and the
initialisation (He normal is stated for section 4.1 only), and, for colour images, grey
input and augmentation (the paper mentions neither). The reporting rule needs no
training: every network measures its test accuracy every epoch, so each setting is also
read under four rules. Batch size (64) and learning rate (1e-4) are stated for every
table, so they stay; Fig S9 varies them on CIFAR-10.
"""

from ... import paths
from ...data.availability import missing_in_grid
from ...data.registry import get_dataset
from ...keys import BASE, RunKey, early_stopping_settings, grid, seeds, study
from ...naming import format_number
from ..base import SECTIONS, FigureSpec, Study

NAME = "sensitivity"
VERDICT_TABLE = f"{NAME}_verdicts"
VERDICT_TITLE = "Table 1's cells under what the paper leaves unstated"
# factor -> (variant prefix, the settings keyword it sets)
FACTORS = {
    "width": ("width", "hidden"),
    "scaling": ("scale-", "scaling"),
    "val_fraction": ("val", "val_fraction"),
    "split_seed": ("split", "split_seed"),
    "init": ("init-", "init"),
    "colour": ("colour-", "colour"),
    "augment": ("aug-", "augment"),
}
COLOUR_ONLY = {"colour", "augment"}  # factors that exist for colour images only
CONFIG_LISTS = {  # config list -> factor
    "widths": "width",
    "scalings": "scaling",
    "val_fractions": "val_fraction",
    "split_seeds": "split_seed",
    "inits": "init",
    "colours": "colour",
    "augmentations": "augment",
}


def _value_text(value) -> str:
    return format_number(value) if isinstance(value, float) else str(value)


def variant_name(setting: dict) -> str:
    """'base', one factor ('width500', 'scale-raw'), or several joined by '+'."""
    if not setting:
        return BASE
    return "+".join(f"{FACTORS[f][0]}{_value_text(v)}" for f, v in sorted(setting.items()))


def variants(config: dict) -> dict[str, dict]:
    """Every setting the study trains: variant name -> {factor: value}."""
    cfg = study(config, NAME)
    found = {BASE: {}}
    for key, factor in CONFIG_LISTS.items():
        for value in cfg[key]:
            found[variant_name({factor: value})] = {factor: value}
    for combination in cfg["combinations"]:
        found[variant_name(combination)] = dict(combination)
    return found


def factor_of(variant: str) -> str:
    """'base', the one factor a variant changes, or 'combined'."""
    if variant == BASE:
        return BASE
    if "+" in variant:
        return "combined"
    return next(f for f, (prefix, _) in FACTORS.items() if variant.startswith(prefix))


PARSE = {
    "width": int,
    "split_seed": int,
    "val_fraction": float,
    **dict.fromkeys(("scaling", "init", "colour", "augment"), str),
}


def setting_of(variant: str) -> dict:
    """The inverse of `variant_name` ({factor: value}), read from the name alone: a
    run's settings are asked for once per job, so they must not rebuild every variant."""
    if variant == BASE:
        return {}
    found = {}
    for part in variant.split("+"):
        factor = next(f for f, (prefix, _) in FACTORS.items() if part.startswith(prefix))
        found[factor] = PARSE[factor](part.removeprefix(FACTORS[factor][0]))
    return found


def _settings(config: dict, key: RunKey):
    overrides = {FACTORS[f][1]: v for f, v in setting_of(key.variant).items()}
    return early_stopping_settings(config, key, **overrides)


def applies(variant: str, dataset: str) -> bool:
    """Whether a setting exists for a dataset: grey input and augmentation need colour."""
    colour_only = COLOUR_ONLY & set(setting_of(variant))
    return not colour_only or get_dataset(dataset).channels == 3


def _runs(config: dict) -> list[RunKey]:
    cfg = study(config, NAME)
    datasets = [d for d in cfg["datasets"] if d not in missing_in_grid(config, NAME)]
    names = list(variants(config))
    return [
        key
        for dataset in datasets
        for key in grid(
            NAME,
            [dataset],
            [cfg["depth"]],
            [v for v in names if applies(v, dataset)],
            cfg["methods"],
            seeds(config, NAME),
        )
    ]


def _tables(config: dict) -> list[str]:
    return [f"{paths.RESULTS}/tables/{VERDICT_TABLE}.{ext}" for ext in ("csv", "md", "tex")]


def _figure_params(config: dict) -> dict:
    cfg = study(config, NAME)
    return {
        "margin_pp": cfg["margin_pp"],
        "variants": list(variants(config)),
        "subset": cfg.get("train_size") is not None,  # no cell can be beyond the paper
    }


def _problems(config: dict) -> list[str]:
    cfg = study(config, NAME)
    problems = []
    if config["training"]["hidden"] in cfg["widths"]:
        problems.append(
            f"studies.{NAME}.widths lists training.hidden ({config['training']['hidden']}), "
            "which is the base setting already"
        )
    if cfg["val_fraction"] in cfg["val_fractions"]:
        problems.append(f"studies.{NAME}.val_fractions lists its own val_fraction")
    if config["training"]["init"] in cfg["inits"]:
        problems.append(
            f"studies.{NAME}.inits lists training.init ({config['training']['init']}), "
            "which is the base setting already"
        )
    if cfg["split_seed"] in cfg["split_seeds"]:
        problems.append(f"studies.{NAME}.split_seeds lists its own split_seed")
    return problems


STUDY = Study(
    NAME,
    figures=(
        FigureSpec(
            "sensitivity_gaps",
            SECTIONS["X"],
            "Table 1's cells under each unstated choice: gap to the paper",
            conditions=("datasets",),
        ),
    ),
    runs=_runs,
    settings=_settings,
    every_epoch=("val", "test"),  # test every epoch: the maximum-over-epochs rule
    figure_params=_figure_params,
    tables=_tables,
    problems=_problems,
)
