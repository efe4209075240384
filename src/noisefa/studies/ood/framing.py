"""Fig 5c under three framings of the USPS digits: a test of why Fig 5c is contradicted.

The pipeline's USPS set (`usps28`) resizes the 16x16 digits to 28x28, so they fill the
frame; MNIST's digits sit in a 20x20 box, centred by mass, inside 28x28. Evaluating the
same trained networks on each framing separates the paper's claim (noise pretraining
generalises better to USPS) from our preprocessing (docs/methods.md, "Where the record
differs from the paper").
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from noisefa.analysis.comparisons import compare
from noisefa.analysis.evaluation import Job
from noisefa.data.loading import normalisation, read_staged, to_tensors
from noisefa.data.ood import mnist_frame, resize_images
from noisefa.learning.checkpoints import load_network
from noisefa.learning.engine import evaluate
from noisefa.learning.methods import get_method

FRAMINGS = {
    "resized to 28x28 (the pipeline's usps28)": lambda x: resize_images(x, 28),
    "20x20 box in 28x28": lambda x: mnist_frame(x, by_mass=False),
    "20x20 box, centred by mass (MNIST's framing)": mnist_frame,
}


def framing_accuracies(data_dir: Path, runs: list[Path]) -> pd.DataFrame:
    """Accuracy of every network (a run's seed folder) on USPS test under each framing."""
    mean, std = normalisation(data_dir, "mnist")  # the networks learnt MNIST's scale
    images, labels = read_staged(data_dir, "usps", "test")
    sets = {name: to_tensors(frame(images), labels, mean, std) for name, frame in FRAMINGS.items()}
    rows = []
    for job in map(Job, runs):
        method = job.summary["method"]
        net = load_network(job.folder / "model.pt", get_method(method).rule)
        for name, data in sets.items():
            _, acc = evaluate(net, data.x, data.y)
            rows.append({"framing": name, **job.identity(), "acc": float(acc)})
    return pd.DataFrame(rows)


def framing_tests(accuracies: pd.DataFrame) -> pd.DataFrame:
    """Per framing: FA after noise vs FA (Student's t, then paired by seed)."""
    rows = []
    for name, part in accuracies.groupby("framing", sort=False):
        rows += compare("fig5c", "usps_acc", part, "acc", "method", "fa_noise", "fa", framing=name)
    return pd.DataFrame(rows)
