"""What today's engine costs on a GPU, and what stacking networks could gain there.

python benchmarks/gpu_probe.py [--device cuda] [--out probe.json]

One run, one process, in three parts (medians over repeats):
  (a) the training job's engine (learning.ensemble), one network and a stack of ten:
      seconds per network and training epoch (train steps over the split + the
      per-epoch train/val/test evaluation) at the paper's full sizes for MNIST
      [784,100,10] (54k/6k/10k) and CIFAR-10 depth 5 (45k/5k/10k), and one noise
      pretraining of [784,100,10] at 5e5 samples;
  (b) the arithmetic of one FA step (forward, FA backward through fixed B, Adam) for k
      networks stacked as batched matrices, k = 1..256: seconds per network-step. This
      is the ceiling of the vectorised-ensemble design (issue 18), not the engine;
  (c) whether two trainings from one seed end bit-identical (deterministic kernels);
  (d) the device: name, torch/CUDA versions.
Prints a Markdown table and writes everything to --out as JSON. It runs on the CPU too
(--device cpu), which is how the same numbers for this machine are made.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

import torch
from bench_noise import time_pretraining

from noisefa.data.loading import Tensors
from noisefa.learning.engine import Engine, FusedAdam
from noisefa.learning.ensemble import EnsembleEngine, train_ensemble_on_data
from noisefa.learning.loops import train_on_data
from noisefa.learning.network import build_network
from noisefa.seeding import generator

CPU = torch.device("cpu")


def sync(device: torch.device) -> None:
    """Wait for queued GPU work, so a timer measures it."""
    if device.type == "cuda":
        torch.cuda.synchronize()


def epoch_seconds(
    dims: tuple[int, ...] | list[int],
    n_train: int,
    n_val: int,
    n_test: int,
    device: torch.device = CPU,
    epochs: int = 2,
    warmup_epochs: int = 0,
    every_epoch: tuple[str, ...] | None = None,
    networks: int = 1,
) -> float:
    """Seconds per network and training epoch (Adam, batch 64) with the evaluation a
    training job does after it (`every_epoch`: the splits it measures, None: all), for
    `networks` networks trained as one stack, as the train_networks jobs do, on random
    data of the dataset's shape (after `warmup_epochs` untimed epochs)."""
    gen = generator(0, "shuffle", device)

    def split(n: int) -> Tensors:
        return Tensors(
            torch.randn(n, dims[0], generator=gen, device=device),
            torch.randint(dims[-1], (n,), device=device),
        )

    splits = {"train": split(n_train), "val": split(n_val), "test": split(n_test)}
    if not n_val:
        del splits["val"]
    nets = [build_network(list(dims), "fa", s).to(device) for s in range(networks)]
    engine = EnsembleEngine(nets, 1e-4)
    gens = [generator(s, "shuffle", device) for s in range(networks)]

    def train(n_epochs: int) -> None:
        train_ensemble_on_data(
            engine, splits, n_epochs, 64, gens, lambda i, e, m: None, every_epoch=every_epoch
        )

    if warmup_epochs:
        train(warmup_epochs)
    sync(device)
    start = time.perf_counter()
    train(epochs)
    sync(device)
    # the epoch-0 and final measurements are amortised over a run's tens of epochs
    return (time.perf_counter() - start) / epochs / networks


def rerun_identical(device) -> bool:
    """Whether two trainings from the same seed end with bit-identical weights."""
    finals = []
    for _ in range(2):
        gen = generator(0, "shuffle", device)
        data = generator(1, "probe", device)
        x = torch.randn(2048, 784, device=device, generator=data)
        splits = {"train": Tensors(x, torch.randint(10, (2048,), device=device, generator=data))}
        engine = Engine(build_network([784, 100, 100, 10], "fa", 0).to(device), 1e-4)
        train_on_data(engine, splits, 2, 64, gen, lambda e, m: None)
        finals.append([p.detach().clone() for p in engine.net.parameters()])
    return all(torch.equal(a, b) for a, b in zip(*finals, strict=True))


def stacked_step_seconds(k: int, dims: list[int], device, steps: int = 200) -> float:
    """Seconds per step for k stacked FA networks (batch 64 each, Adam, fixed B)."""
    g = torch.Generator(device=device).manual_seed(0)
    shapes = zip(dims[1:], dims[:-1], strict=True)
    ws = [torch.randn(k, o, i, device=device, generator=g) * 0.05 for o, i in shapes]
    bs = [w.clone() for w in ws]
    grads = [torch.zeros_like(w) for w in ws]
    for w, grad in zip(ws, grads, strict=True):
        w.grad = grad
    adam = FusedAdam(ws, 1e-4)
    x = torch.randn(k, 64, dims[0], device=device, generator=g)
    y = torch.randint(dims[-1], (k, 64), device=device, generator=g)
    onehot = torch.nn.functional.one_hot(y, dims[-1]).float()

    def step() -> None:
        acts = [x]
        for i, w in enumerate(ws):
            z = torch.bmm(acts[-1], w.transpose(1, 2))
            acts.append(torch.relu(z) if i < len(ws) - 1 else z)
        delta = (torch.softmax(acts[-1], -1) - onehot) / 64
        for i in reversed(range(len(ws))):
            torch.bmm(delta.transpose(1, 2), acts[i], out=grads[i])
            if i:
                delta = torch.bmm(delta, bs[i]) * (acts[i] > 0)
        adam.step()

    for _ in range(20):
        step()
    sync(device)
    start = time.perf_counter()
    for _ in range(steps):
        step()
    sync(device)
    return (time.perf_counter() - start) / steps


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--out", type=Path, default=Path("gpu_probe.json"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--noise-samples", type=int, default=500_000)
    parser.add_argument("--ks", default="1,10,30,100,256")
    args = parser.parse_args()
    device = torch.device(args.device)
    torch.set_num_threads(1)
    if device.type == "cuda":
        import os

        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(True)
    out: dict = {
        "device": torch.cuda.get_device_name(device)
        if device.type == "cuda"
        else platform.processor(),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "threads": torch.get_num_threads(),
    }
    cases = {
        "mnist d2 epoch (54k/6k/10k)": ([784, 100, 10], (54_000, 6_000, 10_000)),
        "cifar10 d5 epoch (45k/5k/10k)": ([3072, 100, 100, 100, 100, 10], (45_000, 5_000, 10_000)),
    }
    rows = []
    for name, (dims, sizes) in cases.items():
        for k in (1, 10):  # a train_networks job of one network, and of ten seeds
            times = [
                epoch_seconds(dims, *sizes, device, epochs=args.epochs, warmup_epochs=1, networks=k)
                for _ in range(args.repeats)
            ]
            label = f"{name}, per network in a stack of {k}"
            rows.append((label, statistics.median(times), min(times), max(times)))
            print(f"{label}: {rows[-1][1]:.3f} s", flush=True)
    times = [
        time_pretraining([784, 100, 10], args.noise_samples, rep, device)
        for rep in range(args.repeats)
    ]
    rows.append(
        (
            f"noise pretraining 784x100x10, {args.noise_samples} samples",
            statistics.median(times),
            min(times),
            max(times),
        )
    )
    print(f"{rows[-1][0]}: {rows[-1][1]:.3f} s", flush=True)
    out["rerun_bit_identical"] = rerun_identical(device)
    print(f"same seed, same weights after 2 epochs: {out['rerun_bit_identical']}", flush=True)
    out["engine"] = [
        dict(zip(("case", "median_s", "min_s", "max_s"), r, strict=True)) for r in rows
    ]
    stacked = []
    for dims in ([784, 100, 10], [3072, 100, 100, 100, 100, 10]):
        for k in map(int, args.ks.split(",")):
            per = [stacked_step_seconds(k, dims, device) for _ in range(args.repeats)]
            stacked.append(
                {
                    "dims": dims,
                    "k": k,
                    "step_s": statistics.median(per),
                    "per_network_step_s": statistics.median(per) / k,
                }
            )
            print(
                f"stacked {dims} k={k}: {stacked[-1]['per_network_step_s'] * 1e6:.1f} us/net",
                flush=True,
            )
    out["stacked"] = stacked
    args.out.write_text(json.dumps(out, indent=1))
    print("\n| case | median s | range |\n|---|---|---|")
    for name, med, lo, hi in rows:
        print(f"| {name} | {med:.3f} | {lo:.3f}-{hi:.3f} |")
    print("\n| dims | k | us per network-step |\n|---|---|---|")
    for s in stacked:
        print(
            f"| {'x'.join(map(str, s['dims']))} | {s['k']} | {s['per_network_step_s'] * 1e6:.1f} |"
        )


if __name__ == "__main__":
    main()
