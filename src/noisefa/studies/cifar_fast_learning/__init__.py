"""Fig S5, S6: Fig 2's fast learning and weight trajectories on CIFAR-10 (its own networks;
trajectories at the smallest depth)."""

from ...keys import RunKey, fixed_subset_settings, study, study_grid
from ..base import SECTIONS, FigureSpec, Study
from ..trajectory import noise_after_data, source_pretrains, source_problems, sources

NAME = "cifar_fast_learning"
_B = SECTIONS["B"]


def _runs(config: dict) -> list[RunKey]:
    return study_grid(config, NAME)


def _settings(config: dict, key: RunKey):
    return fixed_subset_settings(config, key, snapshots=True)


def _sources(config: dict) -> list[RunKey]:
    return sources(_runs(config), min(study(config, NAME)["depths"]))


STUDY = Study(
    NAME,
    figures=(
        FigureSpec("figS5", _B, "CIFAR-10: test accuracy, AUC and alignment"),
        FigureSpec("figS6", _B, "CIFAR-10: trajectories and distances to B"),
    ),
    runs=_runs,
    settings=_settings,
    pretrains=lambda config: source_pretrains(config, _settings, _sources(config)),
    evaluated=True,
    extra=lambda config: noise_after_data(_sources(config)),
    extra_are_jobs=True,
    problems=lambda config: source_problems(config, NAME, NAME),
)
