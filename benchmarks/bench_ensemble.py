"""Ensemble of k vs k single runs, same work: what stacking networks buys (issue 18).

python benchmarks/bench_ensemble.py [--k 10] [--repeats 3] [--threads 1] [--device cpu]

Times, in one run, on the device given:
  (a) noise pretraining of [784, 100, 10], 5e5 samples, batch 64 (Algorithm 1, the
      per-epoch probe included): k `pretrain_network` calls vs one `pretrain_ensemble`;
  (b) one data epoch of MNIST's full training split (54,000 images, batch 64) with its
      train/val/test evaluation, [784, 100, 10]: k `train_on_data` vs one
      `train_ensemble_on_data`;
  (c) the same for CIFAR-10 at depth 5 (45,000 / 5,000 / 10,000; [3072, 100 x 4, 10]).
Random inputs of the datasets' shapes, so no data files are needed. Prints seconds per
network (median over repeats, with the range) and the ratio single / ensemble.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from noisefa.data.loading import Tensors
from noisefa.learning.engine import Engine
from noisefa.learning.ensemble import EnsembleEngine, pretrain_ensemble, train_ensemble_on_data
from noisefa.learning.loops import NoiseSchedule, pretrain_network, train_on_data
from noisefa.learning.network import build_network
from noisefa.learning.noise import NoiseSpec
from noisefa.seeding import generator


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def timed(fn, device) -> float:
    sync(device)
    start = time.perf_counter()
    fn()
    sync(device)
    return time.perf_counter() - start


def noise_work(k: int, samples: int, device):
    dims, schedule = [784, 100, 10], NoiseSchedule(NoiseSpec(), samples)

    def singles():
        for seed in range(k):
            net = build_network(dims, "fa", seed).to(device)
            pretrain_network(net, schedule, seed, device, lambda e, m: None)

    def ensemble():
        nets = [build_network(dims, "fa", seed).to(device) for seed in range(k)]
        pretrain_ensemble(nets, schedule, list(range(k)), device, lambda i, e, m: None)

    return singles, ensemble


def data_work(k: int, dims: list[int], sizes: tuple[int, int, int], device):
    gen = torch.Generator(device=device).manual_seed(0)

    def split(n: int) -> Tensors:
        x = torch.randn(n, dims[0], generator=gen, device=device)
        return Tensors(x, torch.randint(dims[-1], (n,), generator=gen, device=device))

    splits = dict(zip(("train", "val", "test"), map(split, sizes), strict=True))

    def singles():
        for seed in range(k):
            engine = Engine(build_network(dims, "fa", seed).to(device), 1e-4)
            gen = generator(seed, "shuffle", device)
            train_on_data(engine, splits, 1, 64, gen, lambda e, m: None)

    def ensemble():
        nets = [build_network(dims, "fa", seed).to(device) for seed in range(k)]
        gens = [generator(seed, "shuffle", device) for seed in range(k)]
        train_ensemble_on_data(
            EnsembleEngine(nets, 1e-4), splits, 1, 64, gens, lambda i, e, m: None
        )

    return singles, ensemble


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--samples", type=int, default=500_000)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    work = {
        "noise pretraining [784,100,10], 5e5 samples": noise_work(args.k, args.samples, device),
        "MNIST data epoch, [784,100,10], 54k/6k/10k": data_work(
            args.k, [784, 100, 10], (54_000, 6_000, 10_000), device
        ),
        "CIFAR-10 data epoch, depth 5, 45k/5k/10k": data_work(
            args.k, [3072, 100, 100, 100, 100, 10], (45_000, 5_000, 10_000), device
        ),
    }
    print(f"# torch {torch.__version__}, {device}, {args.threads} thread(s), k = {args.k}\n")
    print("| work | single, s per network | ensemble, s per network | single / ensemble |")
    print("|---|---|---|---|")
    for name, (singles, ensemble) in work.items():
        one, many = [], []
        for _ in range(args.repeats):  # interleaved, so drifting load hits both alike
            one.append(timed(singles, device) / args.k)
            many.append(timed(ensemble, device) / args.k)
        m1, m2 = statistics.median(one), statistics.median(many)
        print(
            f"| {name} | {m1:.3f} ({min(one):.3f}-{max(one):.3f}) "
            f"| {m2:.3f} ({min(many):.3f}-{max(many):.3f}) | {m1 / m2:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
