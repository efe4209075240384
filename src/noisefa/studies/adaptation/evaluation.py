"""Fig 6b: last-layer trajectories toward B while adapting to each task, from an
untrained (fa) and a noise-pretrained (fa_noise) network."""

from __future__ import annotations

from noisefa.analysis.evaluation import EvalInputs, Job, by_seed, frame, rows
from noisefa.analysis.trajectories import distances_to_feedback, fit_pca


def evaluate(inputs: EvalInputs):
    runs = [Job(p) for p in inputs.runs]
    noise = by_seed([Job(p) for p in inputs.pretrains])
    records = []
    for seed, pretrain in sorted(noise.items()):
        mine = [j for j in runs if j.summary["seed"] == seed]
        if not mine:
            continue
        layer = mine[0].last_layer
        key = f"layers.{layer}.weight"
        feedback = pretrain.tensors("model.pt")[f"layers.{layer}.feedback"]
        paths = {
            (j.summary["dataset"], j.summary["method"]): j.tensors("snapshots.pt")[key]
            for j in mine
        }
        noise_path = pretrain.tensors("snapshots.pt")[key]
        pca = fit_pca([noise_path.numpy(), *(p.numpy() for p in paths.values())], feedback.numpy())
        base = {**mine[0].identity(), "dataset": "", "method": "fa_noise"}
        for epoch, (x, y) in enumerate(pca.project(noise_path.numpy())):
            records += rows(base, "noise", {"pc1": x, "pc2": y}, item=epoch)
        ((bx, by),) = pca.project(feedback.numpy())
        records += rows(base, "feedback", {"pc1": bx, "pc2": by})
        for (task, method), path in paths.items():
            ident = {**mine[0].identity(), "dataset": task, "method": method}
            for epoch, (x, y) in enumerate(pca.project(path.numpy())):
                records += rows(ident, "data", {"pc1": x, "pc2": y}, item=epoch)
            records += rows(ident, "start", distances_to_feedback(path[0], feedback, pca))
            records += rows(ident, "end", distances_to_feedback(path[-1], feedback, pca))
    return frame(records)
