"""Fig 5: accuracy of MNIST-trained networks on the out-of-distribution sets
(and on USPS in MNIST's framings, framing.py)."""

from __future__ import annotations

import numpy as np

from noisefa.analysis.evaluation import EvalInputs, Job, frame, rows
from noisefa.data.loading import normalisation, to_tensors
from noisefa.data.ood import OOD_SETS
from noisefa.learning.checkpoints import load_network
from noisefa.learning.engine import evaluate as evaluate_split
from noisefa.learning.methods import get_method

from .framing import framed_usps


def evaluate(inputs: EvalInputs):
    mean, std = normalisation(inputs.data_dir, "mnist")

    def ood_set(name: str):
        with np.load(inputs.data_dir / "ood" / f"{name}.npz", allow_pickle=False) as data:
            return to_tensors(data["images"], data["labels"], mean, std)

    # every test set read once, then every network tested on each
    test_sets = {name: ood_set(name) for name in OOD_SETS} | framed_usps(inputs.data_dir, mean, std)
    records = []
    for job in map(Job, inputs.runs):
        summary = job.summary
        net = load_network(job.folder / "model.pt", get_method(summary["method"]).rule)
        ident = job.identity()
        records += rows(
            ident,
            "in_distribution",
            {"ood_acc": summary["metrics"]["final"]["test"]["acc"]},
            item="mnist",
        )
        for name, data in test_sets.items():
            loss, acc = evaluate_split(net, data.x, data.y)
            records += rows(
                ident, "ood", {"ood_acc": float(acc), "ood_loss": float(loss)}, item=name
            )
    return frame(records)
