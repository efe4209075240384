"""Fig 4e,f, S13-S16: generalisation error per training-set size and per depth."""

from ...keys import RunKey, settings, split_tag, study, study_grid
from ..base import SECTIONS, FigureSpec, Study

_S, _B = SECTIONS["4.3"], SECTIONS["B"]
_SIZES, _DEPTHS = ("train_sizes",), ("depths",)


def depth_variant(config: dict) -> str:
    """The training-set size of the per-depth comparison (and of gram_rank's networks)."""
    return f"train{study(config, 'generalization')['depth_train_size']}"


def _runs(config: dict) -> list[RunKey]:
    cfg = study(config, "generalization")
    sizes = [f"train{n}" for n in cfg["train_sizes"]]
    by_size = study_grid(config, "generalization", variants=sizes, depths=[cfg["depth"]])
    by_depth = study_grid(config, "generalization", variants=[depth_variant(config)])
    return list(dict.fromkeys(by_size + by_depth))


def _settings(config: dict, key: RunKey):
    cfg = study(config, key.study)
    split = split_tag(int(key.variant.removeprefix("train")), cfg["test_size"], cfg["split_seed"])
    return settings(config, key, split, cfg["epochs"])


STUDY = Study(
    "generalization",
    figures=(
        FigureSpec("fig4e", _S, "Generalisation error during training"),
        FigureSpec("fig4f", _S, "Generalisation error per training-set size", conditions=_SIZES),
        FigureSpec("figS13", _B, "Losses per training-set size", conditions=_SIZES),
        FigureSpec("figS14", _B, "Accuracies per training-set size", conditions=_SIZES),
        FigureSpec("figS15", _B, "Losses per depth", conditions=_DEPTHS),
        FigureSpec("figS16", _B, "Accuracies per depth", conditions=_DEPTHS),
    ),
    runs=_runs,
    settings=_settings,
)
