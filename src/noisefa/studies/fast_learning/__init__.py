"""Fig 2b,c, S2-S4: learning MNIST after noise pretraining, and the alignment on the way."""

from ...keys import fixed_subset_settings, study, study_grid
from ..base import SECTIONS, FigureSpec, Study

_S, _B = SECTIONS["4.2"], SECTIONS["B"]


def _has_depth_3(config: dict) -> bool:
    return 3 in study(config, "fast_learning")["depths"]


STUDY = Study(
    "fast_learning",
    figures=(
        FigureSpec(
            "fig2b", _S, "MNIST test accuracy and learning speed (AUC)", conditions=("depths",)
        ),
        FigureSpec("fig2c", _S, "Alignment angle across noise and data training"),
        FigureSpec("figS2", _S, "MNIST training images", uses_runs=False, samples_of=("mnist",)),
        FigureSpec("figS3", _B, "Training and test loss and accuracy (MNIST)"),
        FigureSpec(
            "figS4",
            _B,
            "Three-layer network: accuracy and alignment per layer",
            applies=_has_depth_3,
        ),
    ),
    runs=lambda config: study_grid(config, "fast_learning"),
    settings=lambda config, key: fixed_subset_settings(config, key, snapshots=True),
)
