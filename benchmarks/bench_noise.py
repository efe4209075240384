"""Time noisefa's noise pretraining of one network (the paper's 5e5 samples by default).

python benchmarks/bench_noise.py [--samples 500000] [--dims 784,100,10] [--repeats 3] [--gpus 0]

Prints one line per repetition and, last, `seconds=<median>`: the number to put beside
another implementation's time for the same work.
"""

from __future__ import annotations

import statistics
import time

from noisefa.cli.common import command_parser, configure_torch, log, run, select_device
from noisefa.cli.noise_arguments import parse_dims
from noisefa.learning.loops import NoiseSchedule, pretrain_network
from noisefa.learning.network import build_network
from noisefa.learning.noise import NoiseSpec


def time_pretraining(
    dims: list[int], samples: int, seed: int, device, batch: int = 64, epoch_samples: int = 5000
) -> float:
    """Seconds for one complete noise pretraining (per-epoch probe included, as in the pipeline)."""
    net = build_network(dims, "fa", seed).to(device)
    schedule = NoiseSchedule(NoiseSpec(), samples, batch, 1e-4, epoch_samples)
    start = time.perf_counter()
    pretrain_network(net, schedule, seed, device, lambda e, m: None)
    if device.type == "cuda":
        import torch

        torch.cuda.synchronize()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("bench_noise.py", __doc__)
    parser.add_argument("--samples", type=int, default=500_000)
    parser.add_argument("--dims", type=parse_dims, default=[784, 100, 10])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--gpus", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    device = select_device(args.gpus)
    configure_torch(args.threads, device)
    times = []
    for rep in range(args.repeats):
        times.append(time_pretraining(args.dims, args.samples, rep, device))
        log(f"repeat {rep + 1}: {times[-1]:.3f} s")
    print(f"seconds={statistics.median(times):.3f}", flush=True)


if __name__ == "__main__":
    run(main)
