"""Which figure belongs to which study, paper section and drawing function.

Pure data (no torch, no matplotlib): the Snakefile reads it to know what to build.
A new figure is one entry here, one function named like it in
`noisefa.figures.<study>`, and one caption in `workflow/report/figures/<id>.rst`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FigureSpec:
    id: str
    study: str
    section: str  # report category
    title: str
    uses_runs: bool = True  # reads the study's collected tables and statistics
    samples_of: str | None = None  # dataset whose staged images the figure shows
    ood_sets: tuple[str, ...] = ()  # out-of-distribution sets the figure shows


SECTIONS = {
    "4.1": "4.1 Weight alignment during random noise training (Fig 1, S1)",
    "4.2": "4.2 Fast learning after noise pretraining (Fig 2, S2-S3)",
    "4.3": "4.3 Pre-regularisation and robust generalisation (Fig 4, 5, S12-S18)",
}

_S41, _S42, _S43 = SECTIONS["4.1"], SECTIONS["4.2"], SECTIONS["4.3"]
_TRANSFORMED = ("mnist_translate", "mnist_scale", "mnist_rotate")

FIGURES: dict[str, FigureSpec] = {
    f.id: f
    for f in (
        FigureSpec("fig1d", "noise_alignment", _S41, "Loss during random noise training"),
        FigureSpec(
            "fig1e", "noise_alignment", _S41, "Last-layer alignment, untrained vs noise-trained"
        ),
        FigureSpec(
            "figS1", "noise_alignment", _S41, "Random noise used for pretraining", uses_runs=False
        ),
        FigureSpec("fig2b", "fast_learning", _S42, "MNIST test accuracy and learning speed (AUC)"),
        FigureSpec(
            "fig2c", "fast_learning", _S42, "Alignment angle across noise and data training"
        ),
        FigureSpec(
            "figS2",
            "fast_learning",
            _S42,
            "MNIST training images",
            uses_runs=False,
            samples_of="mnist",
        ),
        FigureSpec(
            "figS17",
            "ood",
            _S43,
            "Transformed MNIST test sets",
            uses_runs=False,
            samples_of="mnist",
            ood_sets=_TRANSFORMED,
        ),
        FigureSpec(
            "figS18",
            "ood",
            _S43,
            "USPS resized to 28x28, beside MNIST",
            uses_runs=False,
            samples_of="mnist",
            ood_sets=("usps28",),
        ),
    )
}


def figures_of(study: str) -> list[str]:
    return [f.id for f in FIGURES.values() if f.study == study]
