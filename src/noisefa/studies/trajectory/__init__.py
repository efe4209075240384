"""Fig 2d-g: the last layer's W moving toward B, and whether the order of noise and data
matters. Measures the FA networks of another study (fast_learning; for CIFAR-10, see
cifar_fast_learning), plus FA networks trained on noise after data (`fa_then_noise`)."""

from ...keys import BASE, PretrainKey, RunKey, enabled, study
from ..base import SECTIONS, FigureSpec, Study
from ..fast_learning import STUDY as FAST_LEARNING

_S = SECTIONS["4.2"]
METHODS = {"fa", "fa_noise"}


def sources(trained: list[RunKey], depth: int) -> list[RunKey]:
    """The FA and FA-after-noise networks whose weight trajectories are measured."""
    return [k for k in trained if k.depth == depth and k.method in METHODS]


def noise_after_data(source_keys: list[RunKey]) -> list[str]:
    """Summaries of the FA networks trained on data, then on noise (beside their source)."""
    keys = [
        RunKey(k.study, k.dataset, k.depth, BASE, "fa_then_noise", k.seed)
        for k in source_keys
        if k.method == "fa"
    ]
    return [f"{k.path}/summary.json" for k in keys]


def source_pretrains(config: dict, settings, source_keys: list[RunKey]) -> list[PretrainKey]:
    """The noise pretrainings the measured networks started from."""
    found = (settings(config, key) for key in source_keys)
    return [s.pretrain for s in found if s.pretrain]


def source_problems(config: dict, name: str, source: str) -> list[str]:
    if not enabled(config, source) or not set(study(config, source)["methods"]) >= METHODS:
        return [
            f"studies.{name} needs studies.{source} enabled, with methods "
            f"{sorted(METHODS)} (it measures those networks); enable it or disable {name}"
        ]
    return []


def _sources(config: dict) -> list[RunKey]:
    return sources(FAST_LEARNING.runs(config), study(config, "trajectory")["depth"])


def _problems(config: dict) -> list[str]:
    problems = source_problems(config, "trajectory", "fast_learning")
    if (
        not problems
        and study(config, "trajectory")["depth"] not in study(config, "fast_learning")["depths"]
    ):
        problems.append("studies.trajectory.depth must be one of studies.fast_learning.depths")
    return problems


STUDY = Study(
    "trajectory",
    source="fast_learning",
    figures=(
        FigureSpec("fig2d", _S, "Trajectory of the last layer's W toward B (PCA)"),
        FigureSpec("fig2e", _S, "Distance of W to B after noise and after data training"),
        FigureSpec("fig2f", _S, "Order dependence of the trajectory (PCA)"),
        FigureSpec("fig2g", _S, "Distance of W to B for both training orders"),
    ),
    reads=_sources,
    pretrains=lambda config: source_pretrains(config, FAST_LEARNING.settings, _sources(config)),
    evaluated=True,
    extra=lambda config: noise_after_data(_sources(config)),
    extra_are_jobs=True,
    problems=_problems,
)
