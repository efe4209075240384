"""Random-noise pretraining (Algorithm 1) of one network.

python -m noisefa.cli.pretrain --dims 784,100,10 --seed 0 \
    --noise gaussian-mean0-std1-n500000 --out-dir DIR

Writes DIR/model.pt (tensor-only checkpoint), history.csv (per noise epoch: probe loss
and accuracy, mean alignment angle per layer, effective rank per layer), angles.csv
(per-neuron angles before and after), snapshots.pt (W of the chosen layers per epoch)
and summary.json (parameters, final metrics, provenance).
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from ..analysis.measures import per_neuron_angles
from ..files import md5sum, save_tensors, write_csv, write_json
from ..learning.checkpoints import load_network, save_network
from ..learning.loops import pretrain_network
from ..learning.network import build_network
from ..learning.recording import Recorder
from ..learning.rules import RULES
from .common import (
    command_parser,
    config_hash,
    log,
    parse_on_device,
    provenance,
    run,
)
from .noise_arguments import add_noise_arguments, noise_schedule


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("noisefa.cli.pretrain", __doc__)
    add_noise_arguments(parser)
    parser.add_argument(
        "--seed", type=int, required=True, help="network seed (initial W and B, noise)"
    )
    parser.add_argument("--rule", default="fa", choices=sorted(RULES))
    parser.add_argument(
        "--probe-size", type=int, default=1024, help="fixed noise samples for the loss curve"
    )
    parser.add_argument("--snapshot-layers", type=int, nargs="*", default=[-1])
    parser.add_argument(
        "--start-from", type=Path, help="continue from this checkpoint instead of a fresh network"
    )
    parser.add_argument("--out-dir", type=Path, required=True)
    started = time.perf_counter()
    args, device = parse_on_device(parser, argv)
    schedule = noise_schedule(args, args.probe_size)
    n_epochs = schedule.epochs
    if args.start_from:
        net = load_network(args.start_from, args.rule, args.dims)
    else:
        net = build_network(args.dims, args.rule, args.seed, args.init)
    net.to(device)
    before = per_neuron_angles(net, "untrained" if not args.start_from else "start")
    recorder = Recorder(
        net,
        "noise",
        n_epochs,
        label=f"seed={args.seed}",
        with_rank=True,
        snapshot_layers=args.snapshot_layers,
    )
    log(
        f"pretraining {args.dims} ({args.rule}) seed {args.seed} on {args.noise}:"
        f" {n_epochs} epochs on {device}"
    )
    steps = pretrain_network(net, schedule, args.seed, device, recorder)

    history = recorder.history()
    after = per_neuron_angles(net, "trained")
    last = history.iloc[-1]
    params = {
        k: (str(v) if isinstance(v, Path) else v)
        for k, v in vars(args).items()
        if k not in ("out_dir", "gpus", "threads")
    }
    if args.start_from:
        params["start_from_md5"] = md5sum(args.start_from)
    metrics = {
        "steps": steps,
        "epochs": n_epochs,
        "probe_loss_start": float(history["loss"].iloc[0]),
        "probe_loss_end": float(last["loss"]),
        **{
            f"{k}_start": float(history[k].iloc[0])
            for k in history
            if k.startswith(("angle_", "erank_"))
        },
        **{f"{k}_end": float(last[k]) for k in history if k.startswith(("angle_", "erank_"))},
    }
    out = args.out_dir
    save_network(out / "model.pt", net)
    save_tensors(out / "snapshots.pt", recorder.snapshot_tensors())
    write_csv(out / "history.csv", history)
    write_csv(out / "angles.csv", pd.concat([before, after], ignore_index=True))
    # summary.json last: its presence marks a complete job.
    write_json(
        out / "summary.json",
        {
            "kind": "pretrain",
            "seed": args.seed,
            "dims": args.dims,
            "init": args.init,
            "noise": args.noise,
            "params": params,
            "config_hash": config_hash(params),
            "metrics": metrics,
            "provenance": provenance(device, started),
        },
    )
    last_layer = len(args.dims) - 2
    start, end = (metrics.get(f"angle_{last_layer}_{w}", float("nan")) for w in ("start", "end"))
    log(
        f"done: last-layer angle {start:.2f} -> {end:.2f} degrees,"
        f" {steps} steps in {time.perf_counter() - started:.1f}s"
    )


if __name__ == "__main__":
    run(main)
