"""Fig 1d,e, S1: weights align with the feedback matrices during random-noise training."""

from ...keys import own_pretrains
from ..base import SECTIONS, FigureSpec, Study

_S = SECTIONS["4.1"]

STUDY = Study(
    "noise_alignment",
    figures=(
        FigureSpec("fig1d", _S, "Loss during random noise training"),
        FigureSpec("fig1e", _S, "Last-layer alignment, untrained vs noise-trained"),
        FigureSpec("figS1", _S, "Random noise used for pretraining", uses_runs=False),
    ),
    pretrains=lambda config: own_pretrains(config, "noise_alignment"),
)
