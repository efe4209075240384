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
    samples_of: tuple[str, ...] = ()  # datasets whose staged images the figure shows
    samples_split: str = "train"  # ... from this split
    ood_sets: tuple[str, ...] = ()  # out-of-distribution sets the figure shows
    needs: tuple[str, ...] = ()  # other studies that must be enabled
    subsets: bool = False  # labels datasets trained on a subset (reads their staging records)


SECTIONS = {
    "4.1": "4.1 Weight alignment during random noise training (Fig 1, S1)",
    "4.2": "4.2 Fast learning after noise pretraining (Fig 2, S2-S3)",
    "4.3": "4.3 Pre-regularisation and robust generalisation (Fig 4, 5, S12-S18)",
    "4.4": "4.4 Task-agnostic fast learning (Fig 6, S19)",
    "B": "Appendix B - supplementary experiments (Table S5, Fig S3-S11)",
}

_S41, _S42, _S43, _S44 = SECTIONS["4.1"], SECTIONS["4.2"], SECTIONS["4.3"], SECTIONS["4.4"]
_SB = SECTIONS["B"]
_TASKS = ("mnist", "fashion_mnist", "kmnist")
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
        FigureSpec(
            "fig1f",
            "noise_conditions",
            _S41,
            "Alignment after noise of other stds and distributions",
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
            samples_of=("mnist",),
        ),
        FigureSpec("fig2d", "trajectory", _S42, "Trajectory of the last layer's W toward B (PCA)"),
        FigureSpec(
            "fig2e", "trajectory", _S42, "Distance of W to B after noise and after data training"
        ),
        FigureSpec("fig2f", "trajectory", _S42, "Order dependence of the trajectory (PCA)"),
        FigureSpec("fig2g", "trajectory", _S42, "Distance of W to B for both training orders"),
        FigureSpec(
            "fig3",
            "benchmark",
            _S42,
            "Accuracy at convergence per dataset and depth",
            subsets=True,
        ),
        FigureSpec("fig4b", "spectrum", _S43, "Read-out probability on noise inputs"),
        FigureSpec("fig4c", "spectrum", _S43, "Singular value spectrum of the first layer"),
        FigureSpec(
            "fig4d", "spectrum", _S43, "Effective rank of the first layer during noise training"
        ),
        FigureSpec("figS12", "spectrum", _S43, "Spectra and effective rank of every layer"),
        FigureSpec("fig4e", "generalization", _S43, "Generalisation error during training"),
        FigureSpec("fig4f", "generalization", _S43, "Generalisation error per training-set size"),
        FigureSpec("fig4g", "gram_rank", _S43, "Gram-matrix effective rank"),
        FigureSpec("fig4h", "gram_rank", _S43, "Gram-matrix effective rank per depth"),
        FigureSpec("fig5a", "ood", _S43, "In-distribution accuracy of the OOD networks"),
        FigureSpec("fig5b", "ood", _S43, "Accuracy on transformed MNIST"),
        FigureSpec("fig5c", "ood", _S43, "Accuracy on USPS"),
        FigureSpec(
            "figS17",
            "ood",
            _S43,
            "Transformed MNIST test sets",
            uses_runs=False,
            samples_of=("mnist",),
            samples_split="test",
            ood_sets=_TRANSFORMED,
        ),
        FigureSpec(
            "figS18",
            "ood",
            _S43,
            "USPS resized to 28x28, beside MNIST",
            uses_runs=False,
            samples_of=("mnist",),
            samples_split="test",
            ood_sets=("usps28",),
        ),
        FigureSpec("fig6a", "meta_loss", _S44, "Meta-loss during noise training"),
        FigureSpec(
            "fig6b", "adaptation", _S44, "Trajectories of W while adapting to each task (PCA)"
        ),
        FigureSpec("fig6c", "adaptation", _S44, "Adaptation to each task"),
        FigureSpec(
            "figS19", "meta_loss", _S44, "The three tasks", uses_runs=False, samples_of=_TASKS
        ),
        FigureSpec("figS3", "fast_learning", _SB, "Training and test loss and accuracy (MNIST)"),
        FigureSpec(
            "figS4", "fast_learning", _SB, "Three-layer network: accuracy and alignment per layer"
        ),
        FigureSpec(
            "figS5", "cifar_fast_learning", _SB, "CIFAR-10: test accuracy, AUC and alignment"
        ),
        FigureSpec(
            "figS6", "cifar_fast_learning", _SB, "CIFAR-10: trajectories and distances to B"
        ),
        FigureSpec("figS7", "benchmark", _SB, "Validation accuracy per depth", subsets=True),
        FigureSpec(
            "figS8", "benchmark", _SB, "Validation accuracy per dataset (2-layer)", subsets=True
        ),
        FigureSpec("figS9", "hyperparams", _SB, "Accuracy across batch size, learning rate, init"),
        FigureSpec(
            "figS10", "wbt_init", _SB, "Initialising W = B: alignment and validation accuracy"
        ),
        FigureSpec("figS11", "compute_budget", _SB, "Noise duration vs epochs to convergence"),
        FigureSpec("figS13", "generalization", _SB, "Losses per training-set size"),
        FigureSpec("figS14", "generalization", _SB, "Accuracies per training-set size"),
        FigureSpec("figS15", "generalization", _SB, "Losses per depth"),
        FigureSpec("figS16", "generalization", _SB, "Accuracies per depth"),
    )
}


# Studies with a post-hoc evaluation (`noisefa.evaluations.<study>`, evaluation.csv).
EVALUATED = (
    "trajectory",
    "cifar_fast_learning",
    "spectrum",
    "gram_rank",
    "ood",
    "adaptation",
    "noise_conditions",
    "meta_loss",
)


def figures_of(study: str) -> list[str]:
    return [f.id for f in FIGURES.values() if f.study == study]
