"""Fig S9: FA with and without noise across batch sizes, learning rates and
initialisations (one variant per setting, the others at their defaults)."""

from ...keys import RunKey, fixed_subset_settings, study, study_grid
from ...naming import format_number
from ..base import SECTIONS, FigureSpec, Study


def variants(cfg: dict) -> list[str]:
    return (
        [f"batch{b}" for b in cfg["batch_sizes"]]
        + [f"lr{format_number(lr)}" for lr in cfg["lrs"]]
        + [f"init-{scheme}" for scheme in cfg["inits"]]
    )


def _settings(config: dict, key: RunKey):
    variant = key.variant
    if variant.startswith("batch"):
        return fixed_subset_settings(config, key, batch_size=int(variant.removeprefix("batch")))
    if variant.startswith("lr"):
        return fixed_subset_settings(config, key, lr=float(variant.removeprefix("lr")))
    return fixed_subset_settings(config, key, init=variant.removeprefix("init-"))


STUDY = Study(
    "hyperparams",
    figures=(
        FigureSpec(
            "figS9",
            SECTIONS["B"],
            "Accuracy across batch size, learning rate, init",
            conditions=("batch_sizes", "lrs", "inits"),
        ),
    ),
    runs=lambda config: study_grid(
        config, "hyperparams", variants=variants(study(config, "hyperparams"))
    ),
    settings=_settings,
)
