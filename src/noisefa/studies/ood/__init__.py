"""Fig 5, S17, S18: robustness out of distribution (transformed MNIST, USPS)."""

from ... import paths
from ...data.ood import OOD_SETS
from ...keys import study, study_grid
from ..base import SECTIONS, FigureSpec, Study

_S = SECTIONS["4.3"]
_TRANSFORMED = ("mnist_translate", "mnist_scale", "mnist_rotate")


def _data(config: dict) -> list[str]:
    dataset = study(config, "ood")["dataset"]
    staged = [f"{paths.DATA}/{dataset}/{name}" for name in ("train.npz", "train.json", "test.npz")]
    usps = f"{paths.DATA}/usps/test.npz"  # the 16x16 digits, framed as MNIST's (framing.py)
    return [*staged, usps] + [f"{paths.DATA}/ood/{name}.npz" for name in OOD_SETS]


STUDY = Study(
    "ood",
    figures=(
        FigureSpec("fig5a", _S, "In-distribution accuracy of the OOD networks"),
        FigureSpec("fig5b", _S, "Accuracy on transformed MNIST"),
        FigureSpec("fig5c", _S, "Accuracy on USPS"),
        FigureSpec(
            "figS17",
            _S,
            "Transformed MNIST test sets",
            uses_runs=False,
            samples_of=("mnist",),
            samples_split="test",
            ood_sets=_TRANSFORMED,
        ),
        FigureSpec(
            "figS18",
            _S,
            "USPS resized to 28x28, beside MNIST",
            uses_runs=False,
            samples_of=("mnist",),
            samples_split="test",
            ood_sets=("usps28",),
        ),
    ),
    runs=lambda config: study_grid(config, "ood"),
    evaluated=True,
    data=_data,
)
