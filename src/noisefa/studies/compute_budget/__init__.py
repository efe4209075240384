"""Fig S11: noise-training duration against epochs to convergence on data. Variant
`noise0` is FA without pretraining (and BP as the reference); `noiseE`, E > 0, is FA
after E epochs of noise."""

from ...keys import RunKey, early_stopping_settings, grid, seeds, study
from ...naming import noise_tag
from ..base import SECTIONS, FigureSpec, Study


def _runs(config: dict) -> list[RunKey]:
    cfg, s = study(config, "compute_budget"), seeds(config, "compute_budget")
    at = ("compute_budget", [cfg["dataset"]], [cfg["depth"]])
    durations = [f"noise{e}" for e in cfg["noise_epochs"] if e > 0]
    return grid(*at, ["noise0"], ["bp", "fa"], s) + grid(*at, durations, ["fa_noise"], s)


def _settings(config: dict, key: RunKey):
    pre = config["pretraining"]
    samples = int(key.variant.removeprefix("noise")) * pre["epoch_samples"]
    noise = noise_tag(pre["distribution"], pre["mean"], pre["std"], samples)
    return early_stopping_settings(config, key, noise=noise)


def _problems(config: dict) -> list[str]:
    if 0 in study(config, "compute_budget")["noise_epochs"]:
        return []
    return ["studies.compute_budget.noise_epochs must include 0 (the data-only reference)"]


STUDY = Study(
    "compute_budget",
    figures=(
        FigureSpec(
            "figS11",
            SECTIONS["B"],
            "Noise duration vs epochs to convergence",
            conditions=("noise_epochs",),
        ),
    ),
    runs=_runs,
    settings=_settings,
    every_epoch=("val",),  # curves of validation accuracy; test at the best epoch
    figure_params=lambda config: {"epoch_samples": config["pretraining"]["epoch_samples"]},
    problems=_problems,
)
