"""Fig 4b-d, S12: noise pretraining as pre-regularisation: read-out on noise, singular
value spectra and effective rank of noise-trained networks."""

from ...keys import own_pretrains
from ..base import SECTIONS, FigureSpec, Study

_S = SECTIONS["4.3"]

STUDY = Study(
    "spectrum",
    figures=(
        FigureSpec("fig4b", _S, "Read-out probability on noise inputs"),
        FigureSpec("fig4c", _S, "Singular value spectrum of the first layer"),
        FigureSpec("fig4d", _S, "Effective rank of the first layer during noise training"),
        FigureSpec("figS12", _S, "Spectra and effective rank of every layer"),
    ),
    pretrains=lambda config: own_pretrains(config, "spectrum"),
    evaluated=True,
    evaluation_params=("readout_samples",),
)
