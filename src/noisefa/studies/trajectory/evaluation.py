"""Fig 2d-g: W of the last layer moving toward B under noise, data, and both orders."""

from __future__ import annotations

from noisefa.analysis.evaluation import EvalInputs, Job, by_seed, frame, rows
from noisefa.analysis.trajectories import (
    displacement_cosines,
    distance_parts,
    distances_to_feedback,
    fit_pca,
)


def evaluate(inputs: EvalInputs):
    runs = [Job(p) for p in inputs.runs]
    data = by_seed([j for j in runs if j.summary["method"] == "fa"])
    noise_data = by_seed([j for j in runs if j.summary["method"] == "fa_noise"])
    noise = by_seed([Job(p) for p in inputs.pretrains])
    data_noise = by_seed([Job(p) for p in inputs.extra])
    records = []
    for seed in sorted(data.keys() & noise_data.keys() & noise.keys() & data_noise.keys()):
        layer = data[seed].last_layer
        key = f"layers.{layer}.weight"
        paths = {
            "noise": noise[seed].tensors("snapshots.pt")[key],
            "data": data[seed].tensors("snapshots.pt")[key],
            "noise_data": noise_data[seed].tensors("snapshots.pt")[key],
            "data_noise": data_noise[seed].tensors("snapshots.pt")[key],
        }
        feedback = noise[seed].tensors("model.pt")[f"layers.{layer}.feedback"]
        pca = fit_pca([p.numpy() for p in paths.values()], feedback.numpy())
        ident = {**data[seed].identity(), "method": "fa"}
        ends = {"untrained": paths["data"][0], **{name: p[-1] for name, p in paths.items()}}
        for stage, weight in ends.items():
            records += rows(ident, stage, distances_to_feedback(weight, feedback, pca))
            records += rows(ident, stage, distance_parts(weight, feedback))
        moves = displacement_cosines(paths["noise"], paths["data"], pca)
        records += rows(ident, "noise vs data", moves)
        for name, path in paths.items():
            for epoch, (x, y) in enumerate(pca.project(path.numpy())):
                records += rows(ident, name, {"pc1": x, "pc2": y}, item=epoch)
        ((bx, by),) = pca.project(feedback.numpy())
        records += rows(ident, "feedback", {"pc1": bx, "pc2": by})
        records += rows(
            ident, "pca", {f"explained_{i + 1}": v for i, v in enumerate(pca.explained)}
        )
    return frame(records)
