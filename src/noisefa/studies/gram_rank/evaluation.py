"""Fig 4g,h: effective rank of the Gram matrix of the last hidden layer on the test images."""

from __future__ import annotations

from functools import cache

import torch

from noisefa.analysis.evaluation import EvalInputs, Job, frame, rows
from noisefa.analysis.measures import cosine_gram, effective_rank
from noisefa.data.loading import load_split_tensors
from noisefa.learning.checkpoints import load_network
from noisefa.learning.methods import get_method


def evaluate(inputs: EvalInputs):
    @cache
    def test_images(dataset: str, split: str) -> torch.Tensor:
        return load_split_tensors(inputs.data_dir, dataset, split)["test"].x

    records = []
    for job in map(Job, inputs.runs):
        summary = job.summary
        net = load_network(job.folder / "model.pt", get_method(summary["method"]).rule)
        with torch.no_grad():
            hidden = net.hidden_activations(test_images(summary["dataset"], summary["split"]))[-1]
        gram = cosine_gram(hidden)
        active = int((hidden.abs().sum(0) > 0).sum())
        records += rows(
            job.identity(),
            "trained",
            {"gram_erank": effective_rank(gram), "active_neurons": active},
        )
    return frame(records)
