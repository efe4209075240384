"""Fig 6a: meta-loss of a network during noise pretraining (MAML's definition, measured only).

python -m noisefa.cli.meta_loss --dims 784,100,100,10 --seed 0 \\
    --noise gaussian-mean0-std1-n500000 --data-dir results/data \\
    --tasks mnist fashion_mnist kmnist --out FILE.csv

At each listed noise epoch, for each task draw: copy the network, adapt the copy to
each task with `inner-steps` Adam steps (lr `inner-lr`, the network's own learning
rule) on a K-shot support set, and take its loss on a disjoint query set; the
meta-loss is the sum over tasks. The same task draws are used at every epoch, so the
curve follows the network, not the sampling. Noise pretraining is re-run here
(deterministically, from the seed); `--check` compares the result with the shared
pretraining job's checkpoint. That job trains all seeds as one stack, which sums in
another order than one network does: after 7,812 steps the two differ by float32
drift (measured: at most 1.4% of the largest weight for [784,100,100,10]), so they
must agree within CHECK_TOLERANCE of it; other settings give other weights entirely.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import ConfigError
from ..files import load_tensors, write_csv
from ..learning.few_shot import adapted_query_loss, task_draws
from ..learning.loops import pretrain_network
from ..learning.network import build_network
from .common import command_parser, log, parse_on_device, run
from .noise_arguments import add_noise_arguments, noise_schedule

CHECK_TOLERANCE = 0.05  # of the largest weight: float32 drift, not other settings


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("noisefa.cli.meta_loss", __doc__)
    add_noise_arguments(parser)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--tasks", nargs="+", required=True)
    parser.add_argument("--shots", type=int, default=10)
    parser.add_argument("--query", type=int, default=10)
    parser.add_argument("--inner-steps", type=int, default=10)
    parser.add_argument("--inner-lr", type=float, default=1e-3)
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument(
        "--epochs", type=int, nargs="+", required=True, help="noise epochs to measure at"
    )
    parser.add_argument(
        "--check", type=Path, help="the shared pretraining's model.pt, to compare with"
    )
    parser.add_argument("--out", type=Path, required=True)
    args, device = parse_on_device(parser, argv)
    schedule = noise_schedule(args)
    n_epochs = schedule.epochs
    if max(args.epochs) > n_epochs:
        raise ConfigError(
            f"meta-loss epochs go up to {max(args.epochs)}, but the noise lasts {n_epochs} epochs"
        )
    draws = task_draws(
        args.data_dir, args.tasks, args.shots, args.query, args.draws, args.seed, device
    )
    net = build_network(args.dims, "fa", args.seed, args.init).to(device)
    records = []

    def measure(epoch: int, metrics) -> None:
        if epoch not in args.epochs:
            return
        for d, draw in enumerate(draws):
            for task, (support, query) in draw.items():
                loss = adapted_query_loss(net, support, query, args.inner_steps, args.inner_lr)
                records.append(
                    {"seed": args.seed, "epoch": epoch, "draw": d, "task": task, "query_loss": loss}
                )
        epoch_rows = pd.DataFrame([r for r in records if r["epoch"] == epoch])
        meta = epoch_rows.groupby("draw")["query_loss"].sum().mean()
        log(f"seed {args.seed} noise epoch {epoch}: meta-loss {meta:.4f}")

    pretrain_network(net, schedule, args.seed, device, measure)
    if args.check:
        shared = load_tensors(args.check)
        gap = max(float((v.cpu() - shared[k]).abs().max()) for k, v in net.state_dict().items())
        scale = max(float(v.abs().max()) for v in shared.values())
        log(
            f"re-run pretraining vs shared checkpoint: max |difference| = {gap:.3g} "
            f"({gap / scale:.2%} of the largest weight)"
        )
        if gap > CHECK_TOLERANCE * scale:
            raise ConfigError(
                f"noise pretraining re-run for the meta-loss differs from {args.check}"
                f" by {gap:.3g} ({gap / scale:.1%} of its largest weight, more than "
                f"{CHECK_TOLERANCE:.0%}); the pretraining settings of the two jobs are not the same"
            )
    write_csv(args.out, pd.DataFrame(records))


if __name__ == "__main__":
    run(main)
