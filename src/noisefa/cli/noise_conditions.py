"""Fig 1f: last-layer alignment after noise pretraining with one noise condition.

python -m noisefa.cli.noise_conditions --dims 784,100,10 --noise uniform-mean0-std0.5-n500000 \\
    --trials 10 --out FILE.csv

Runs every trial (network seeds 0..trials-1) in one process, as one stack of networks
(`learning.ensemble`): a condition is one job.
Writes one row per (seed, layer): mean alignment angle before and after.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from ..files import write_csv
from ..learning.ensemble import pretrain_ensemble
from ..learning.network import build_network
from ..learning.recording import weight_metrics
from .common import command_parser, log, parse_on_device, run
from .noise_arguments import add_noise_arguments, noise_schedule


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("noisefa.cli.noise_conditions", __doc__)
    add_noise_arguments(parser)
    parser.add_argument("--trials", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args, device = parse_on_device(parser, argv)
    schedule = noise_schedule(args)
    spec = schedule.spec
    records = []
    start = time.perf_counter()
    seeds = list(range(args.trials))
    nets = [build_network(args.dims, "fa", seed, args.init).to(device) for seed in seeds]
    before = [weight_metrics(net, with_rank=False) for net in nets]
    # every trial from its own seed's streams, all trials as one stack
    pretrain_ensemble(nets, schedule, seeds, device, lambda i, e, m: None)
    for seed, net, start_angles in zip(seeds, nets, before, strict=True):
        after = weight_metrics(net, with_rank=False)
        for key in start_angles:
            records.append(
                {
                    "distribution": spec.distribution,
                    "mean": spec.mean,
                    "std": spec.std,
                    "seed": seed,
                    "layer": int(key.split("_")[1]),
                    "angle_start": start_angles[key],
                    "angle_end": after[key],
                }
            )
        log(
            f"{args.noise} trial {seed}: last-layer angle {start_angles[key]:.2f} -> "
            f"{after[key]:.2f}"
        )
    log(f"{args.trials} trials in {time.perf_counter() - start:.1f}s")
    write_csv(args.out, pd.DataFrame(records))


if __name__ == "__main__":
    run(main)
