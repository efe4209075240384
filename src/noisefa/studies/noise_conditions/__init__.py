"""Fig 1f: alignment after noise of other standard deviations and distributions.

One job per (distribution, std) runs every trial (`paths.NOISE_CONDITION`).
"""

from ... import paths
from ...keys import noise_for, study
from ..base import SECTIONS, FigureSpec, Study


def condition_tags(config: dict) -> list[str]:
    cfg = study(config, "noise_conditions")
    return [
        noise_for(config, "noise_conditions", std=std, distribution=dist)
        for dist in cfg["distributions"]
        for std in cfg["stds"]
    ]


def condition_files(config: dict) -> list[str]:
    cfg = study(config, "noise_conditions")
    return [
        paths.NOISE_CONDITION.format(dataset=cfg["dataset"], depth=cfg["depth"], noise=tag)
        for tag in condition_tags(config)
    ]


STUDY = Study(
    "noise_conditions",
    figures=(
        FigureSpec(
            "fig1f",
            SECTIONS["4.1"],
            "Alignment after noise of other stds and distributions",
            conditions=("stds", "distributions"),
        ),
    ),
    evaluated=True,
    extra=condition_files,
)
