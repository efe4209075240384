"""Fig 4b,c and S12: read-out probabilities and singular spectra, untrained vs noise-trained."""

from __future__ import annotations

from noisefa.analysis.evaluation import EvalInputs, Job, frame, rows
from noisefa.analysis.measures import singular_values
from noisefa.analysis.readout import readout_probabilities
from noisefa.learning.checkpoints import load_network
from noisefa.learning.network import build_network


def evaluate(inputs: EvalInputs):
    n = int(inputs.params.get("readout_samples", 1000))
    jobs = sorted((Job(p) for p in inputs.pretrains), key=lambda j: j.summary["seed"])
    records = []
    for job in jobs:
        summary = job.summary
        seed, dims = summary["seed"], summary["dims"]
        nets = {
            "untrained": build_network(dims, "fa", seed, summary["params"]["init"]),
            "noise-trained": load_network(job.folder / "model.pt", "fa", dims),
        }
        ident = {
            "dataset": "",
            "depth": len(dims) - 1,
            "variant": summary["noise"],
            "method": "fa",
            "seed": seed,
        }
        for stage, net in nets.items():
            everything, sampled = readout_probabilities(net, n, seed)
            records += [
                {**ident, "stage": stage, "measure": "readout_prob", "item": i, "value": float(v)}
                for i, v in enumerate(sampled)
            ]
            if job is jobs[0]:  # histograms pool all classes; one network is enough
                records += [
                    {
                        **ident,
                        "stage": stage,
                        "measure": "readout_all",
                        "item": i,
                        "value": float(v),
                    }
                    for i, v in enumerate(everything.flatten())
                ]
            for layer_index, layer in enumerate(net.layers):
                values = singular_values(layer.weight.detach())
                records += [
                    {
                        **ident,
                        "stage": stage,
                        "measure": "singular_value",
                        "item": f"{layer_index}:{k}",
                        "value": float(v),
                    }
                    for k, v in enumerate(values)
                ]
                records += rows(
                    ident, stage, {"top_singular_share": values[0] / values.sum()}, item=layer_index
                )
    return frame(records)
