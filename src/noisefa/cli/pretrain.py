"""Random-noise pretraining (Algorithm 1) of networks of one architecture, one per seed.

python -m noisefa.cli.pretrain --dims 784,100,10 --seeds 0 1 2 \
    --noise gaussian-mean0-std1-n500000 --out-dir DIR

The networks train together as one stack of tensors (`learning.ensemble`), each on its
own seed's noise stream. Writes, for every seed k, DIR/seed<k>/: model.pt (tensor-only
checkpoint), history.csv (per noise epoch: probe loss and accuracy, mean alignment angle
per layer, effective rank per layer), angles.csv (per-neuron angles before and after),
snapshots.pt (W of the chosen layers per epoch) and summary.json (parameters, final
metrics, provenance).
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from ..analysis.measures import per_neuron_angles
from ..files import md5sum, save_tensors, write_csv, write_json
from ..learning.checkpoints import load_network, save_network
from ..learning.ensemble import pretrain_ensemble
from ..learning.network import build_network
from ..learning.noise import NoiseSampler, NoiseSpec
from ..learning.recording import Recorder
from ..learning.rules import RULES
from ..naming import pretraining_tag
from ..paths import seed_folder
from ..seeding import generator
from .common import (
    allocating,
    command_parser,
    config_hash,
    log,
    parse_on_device,
    per_seed,
    provenance,
    run,
)
from .noise_arguments import (
    add_noise_arguments,
    add_weight_decay_argument,
    noise_schedule,
    recorded_params,
)


def parse(argv: list[str] | None):
    parser = command_parser("noisefa.cli.pretrain", __doc__)
    add_noise_arguments(parser)
    parser.add_argument(
        "--seeds",
        "--seed",
        type=int,
        nargs="+",
        required=True,
        help="one network per seed (its initial W and B, its noise)",
    )
    parser.add_argument("--rule", default="fa", choices=sorted(RULES))
    add_weight_decay_argument(parser)
    parser.add_argument(
        "--probe-size", type=int, default=1024, help="fixed noise samples for the loss curve"
    )
    parser.add_argument(
        "--alignment-probe",
        type=int,
        default=256,
        help="noise samples (own stream per seed) on which every epoch records the angle "
        "between the rule's and BP's weight updates; 0: off",
    )
    parser.add_argument("--snapshot-layers", type=int, nargs="*", default=[-1])
    parser.add_argument(
        "--start-from",
        type=Path,
        nargs="+",
        help="continue from these checkpoints (one per seed, in order), not fresh networks",
    )
    parser.add_argument(
        "--out-dir", type=Path, required=True, help="the networks go to OUT_DIR/seed<k>"
    )
    args, device = parse_on_device(parser, argv)
    args.start_from = per_seed(args.seeds, args.start_from, "--start-from")
    return args, device


# history columns whose first and last values summary.json reports
ALIGNMENT_COLUMNS = ("angle_", "erank_", "matrix_angle_", "grad_angle_")


def noise_probe(args, seed: int, device):
    """A fixed noise batch for the update angles, from the seed's own `alignment` stream
    (so the noise, probe and shuffling streams are what they were without it)."""
    if args.alignment_probe < 1:
        return None
    spec, _ = NoiseSpec.parse_tag(args.noise)
    gen = generator(seed, "alignment", device)
    sampler = NoiseSampler(spec, args.alignment_probe, args.dims[0], args.dims[-1], gen, device)
    return sampler.draw()


def write_network(out: Path, args, seed: int, start_from, net, before, recorder, steps, info):
    """One network's folder; summary.json last (its presence marks a complete job)."""
    history = recorder.history()
    after = per_neuron_angles(net, "trained")
    last = history.iloc[-1]
    params = recorded_params(args, ("out_dir", "gpus", "threads", "seeds", "start_from"))
    params["seed"] = seed
    if start_from is not None:
        params["start_from"] = str(start_from)
        params["start_from_md5"] = md5sum(start_from)
    metrics = {
        "steps": steps,
        "epochs": recorder.total_epochs,
        "probe_loss_start": float(history["loss"].iloc[0]),
        "probe_loss_end": float(last["loss"]),
        **{
            f"{k}_start": float(history[k].iloc[0])
            for k in history
            if k.startswith(ALIGNMENT_COLUMNS)
        },
        **{f"{k}_end": float(last[k]) for k in history if k.startswith(ALIGNMENT_COLUMNS)},
    }
    save_network(out / "model.pt", net)
    save_tensors(out / "snapshots.pt", recorder.snapshot_tensors())
    write_csv(out / "history.csv", history)
    write_csv(out / "angles.csv", pd.concat([before, after], ignore_index=True))
    write_json(
        out / "summary.json",
        {
            "kind": "pretrain",
            "seed": seed,
            "dims": args.dims,
            "init": args.init,
            # the pretraining's tag (the noise, and the rule unless FA): what tells the
            # pretrainings of one architecture and seed under different rules apart
            "noise": pretraining_tag(args.noise, args.rule),
            "rule": args.rule,
            "params": params,
            "config_hash": config_hash(params),
            "metrics": metrics,
            "provenance": info,
        },
    )
    return metrics


def main(argv: list[str] | None = None) -> None:
    started = time.perf_counter()
    args, device = parse(argv)
    schedule = noise_schedule(args, args.probe_size)
    n_epochs = schedule.epochs
    starts = args.start_from
    with allocating(args.dims, len(args.seeds)):
        nets = [
            (
                load_network(start, args.rule, args.dims)
                if start is not None
                else build_network(args.dims, args.rule, seed, args.init)
            ).to(device)
            for seed, start in zip(args.seeds, starts, strict=True)
        ]
    before = [
        per_neuron_angles(net, "untrained" if start is None else "start")
        for net, start in zip(nets, starts, strict=True)
    ]
    recorders = [
        Recorder(
            net,
            "noise",
            n_epochs,
            label=f"seed={seed}",
            with_rank=True,
            snapshot_layers=args.snapshot_layers,
            alignment_probe=noise_probe(args, seed, device),
        )
        for seed, net in zip(args.seeds, nets, strict=True)
    ]
    log(
        f"pretraining {args.dims} ({args.rule}) seeds {args.seeds} together on {args.noise}:"
        f" {n_epochs} epochs on {device}"
    )
    steps = pretrain_ensemble(
        nets, schedule, args.seeds, device, lambda i, e, m: recorders[i](e, m)
    )
    # the job's wall time, shared by its networks (`networks_in_job` of them)
    job = {**provenance(device, started), "networks_in_job": len(nets)}
    last_layer = len(args.dims) - 2
    for seed, start, net, angles, recorder in zip(
        args.seeds, starts, nets, before, recorders, strict=True
    ):
        out = args.out_dir / seed_folder(seed)
        metrics = write_network(out, args, seed, start, net, angles, recorder, steps, job)
        first, end = (
            metrics.get(f"angle_{last_layer}_{w}", float("nan")) for w in ("start", "end")
        )
        log(f"done seed {seed}: last-layer angle {first:.2f} -> {end:.2f} degrees")
    log(f"done: {len(nets)} networks, {steps} steps each, in {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    run(main)
