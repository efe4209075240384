"""Fig S10: initialising W = B (as stored) instead of pretraining on noise."""

from ...keys import RunKey, settings, split_tag, study, study_grid
from ..base import SECTIONS, FigureSpec, Study


def _settings(config: dict, key: RunKey):
    cfg = study(config, key.study)
    split = split_tag(cfg["train_size"], cfg["test_size"], cfg["split_seed"], cfg["val_size"])
    return settings(config, key, split, cfg["epochs"])


STUDY = Study(
    "wbt_init",
    figures=(
        FigureSpec(
            "figS10", SECTIONS["B"], "Initialising W = B: alignment and validation accuracy"
        ),
    ),
    runs=lambda config: study_grid(config, "wbt_init"),
    settings=_settings,
    # "gradients similar to those observed in backpropagation": each epoch's update angle
    run_options=lambda config: [
        f"--alignment-probe {study(config, 'wbt_init')['alignment_probe']}"
    ],
)
