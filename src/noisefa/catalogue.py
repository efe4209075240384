"""Which figure belongs to which study, paper section and drawing function.

Pure data (no torch, no matplotlib): the Snakefile reads it to know what to build.
A new figure is one entry here, one function in `noisefa.figures.<study>` and one
caption in `workflow/report/figures/<id>.rst`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FigureSpec:
    id: str
    study: str
    section: str  # report category
    title: str
    samples_of: str | None = None  # dataset whose images the figure shows, if any


SECTIONS = {
    "4.1": "4.1 Weight alignment during random noise training (Fig 1, S1)",
    "4.2": "4.2 Fast learning after noise pretraining (Fig 2, S2-S3)",
}

FIGURES: dict[str, FigureSpec] = {
    f.id: f
    for f in (
        FigureSpec(
            "fig1d", "noise_alignment", SECTIONS["4.1"], "Loss during random noise training"
        ),
        FigureSpec(
            "fig1e",
            "noise_alignment",
            SECTIONS["4.1"],
            "Last-layer alignment angle, untrained vs noise-trained",
        ),
        FigureSpec(
            "figS1", "noise_alignment", SECTIONS["4.1"], "Random noise samples used for pretraining"
        ),
        FigureSpec(
            "fig2b",
            "fast_learning",
            SECTIONS["4.2"],
            "Test accuracy during MNIST training and learning speed (AUC)",
        ),
        FigureSpec(
            "fig2c",
            "fast_learning",
            SECTIONS["4.2"],
            "Alignment angle across noise and data training",
        ),
        FigureSpec(
            "figS2",
            "fast_learning",
            SECTIONS["4.2"],
            "MNIST samples used for data training",
            samples_of="mnist",
        ),
    )
}


def figures_of(study: str) -> list[str]:
    return [f.id for f in FIGURES.values() if f.study == study]
