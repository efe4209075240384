"""Fig 4g,h: effective rank of the Gram matrix of hidden representations, measured on the
per-depth networks of the generalization study."""

from ... import paths
from ...keys import RunKey, enabled
from ..base import SECTIONS, FigureSpec, Study
from ..generalization import STUDY as GENERALIZATION
from ..generalization import depth_variant

_S = SECTIONS["4.3"]


def _reads(config: dict) -> list[RunKey]:
    variant = depth_variant(config)
    return [k for k in GENERALIZATION.runs(config) if k.variant == variant]


def _data(config: dict) -> list[str]:
    keys = _reads(config)
    datasets = sorted({k.dataset for k in keys})
    files = ("train.npz", "train.json", "test.npz")
    staged = [f"{paths.DATA}/{d}/{name}" for d in datasets for name in files]
    splits = {
        f"{paths.DATA}/{k.dataset}/splits/{GENERALIZATION.settings(config, k).split}.npz"
        for k in keys
    }
    return staged + sorted(splits)


def _problems(config: dict) -> list[str]:
    if enabled(config, "generalization"):
        return []
    return [
        "studies.gram_rank needs studies.generalization enabled (it measures those "
        "networks); enable it or disable gram_rank"
    ]


STUDY = Study(
    "gram_rank",
    source="generalization",
    figures=(
        FigureSpec("fig4g", _S, "Gram-matrix effective rank"),
        FigureSpec("fig4h", _S, "Gram-matrix effective rank per depth"),
    ),
    reads=_reads,
    evaluated=True,
    data=_data,
    problems=_problems,
)
