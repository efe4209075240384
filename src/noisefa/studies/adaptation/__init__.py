"""Fig 6b,c: adapting to each task after noise pretraining (weight trajectories)."""

from ...keys import fixed_subset_settings, study, study_grid
from ..base import SECTIONS, FigureSpec, Study

_S = SECTIONS["4.4"]


def _runs(config: dict):
    cfg = study(config, "adaptation")
    return study_grid(config, "adaptation", datasets=cfg["tasks"], depths=[cfg["depth"]])


STUDY = Study(
    "adaptation",
    figures=(
        FigureSpec("fig6b", _S, "Trajectories of W while adapting to each task (PCA)"),
        FigureSpec("fig6c", _S, "Adaptation to each task", conditions=("tasks",)),
    ),
    runs=_runs,
    settings=lambda config, key: fixed_subset_settings(config, key, snapshots=True),
    evaluated=True,
)
