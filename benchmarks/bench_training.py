"""Training-core benchmark: noisefa vs a typical baseline vs the machine's limit.

python benchmarks/bench_training.py [--repeats 3] [--data-dir results/data] [--skip-baseline]

Times, on this machine and in one run:
  (a) noise pretraining of [784, 100, 10], 5e5 samples, batch 64, Adam (noisefa)
  (b) the same work as a typical research codebase writes it (baseline_fa.py)
  (c) MNIST data training, 5000 images x 100 epochs, evaluating train and test each epoch
  (d) the limit for (a) and (c): the same arithmetic as isolated primitives - the GEMMs of
      these shapes, drawing the noise, the fused Adam update, the per-epoch evaluation -
      each timed in a tight loop (median) and summed over the steps of the run.
Reports medians over the repetitions and the ratios ours/baseline and ours/limit.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).parent))
from baseline_fa import pretrain_baseline  # noqa: E402
from bench_noise import time_pretraining  # noqa: E402

from noisefa.data.loading import load_split_tensors  # noqa: E402
from noisefa.learning.engine import Engine, FusedAdam  # noqa: E402
from noisefa.learning.loops import noise_steps, train_on_data  # noqa: E402
from noisefa.learning.network import build_network  # noqa: E402
from noisefa.seeding import generator  # noqa: E402

DIMS = [784, 100, 10]


def per_call(fn, reps: int = 400, blocks: int = 7) -> float:
    """Seconds per call of `fn`: the fastest of `blocks` timed blocks of `reps` calls
    (a limit is what the machine can do, so interference only ever slows it)."""
    for _ in range(20):
        fn()
    times = []
    for _ in range(blocks):
        start = time.perf_counter()
        for _ in range(reps):
            fn()
        times.append((time.perf_counter() - start) / reps)
    return min(times)


def step_arithmetic(batch: int, with_noise: bool) -> dict[str, float]:
    """Seconds per optimiser step of each primitive the step needs, timed in isolation."""
    net = build_network(DIMS, "fa", 0)
    w0, w1, b1 = (
        net.layers[0].weight.detach(),
        net.layers[1].weight.detach(),
        net.layers[1].feedback,
    )
    x, h = torch.randn(batch, 784), torch.randn(batch, 100)
    d2, d1 = torch.randn(batch, 10), torch.randn(batch, 100)
    out_h, g0, g1 = torch.empty(batch, 100), torch.empty(100, 784), torch.empty(10, 100)
    params = [p.detach().clone() for p in net.parameters()]
    for p in params:
        p.grad = torch.randn_like(p)
    adam = FusedAdam(params, lr=1e-4)
    gen = generator(0, "noise")
    parts = {
        "forward GEMM 64x784x100": per_call(lambda: torch.mm(x, w0.t(), out=out_h)),
        "weight-gradient GEMM 100x64x784": per_call(lambda: torch.mm(d1.t(), x, out=g0)),
        "small GEMMs (layer 2, error to layer 1)": per_call(
            lambda: (torch.mm(h, w1.t()), torch.mm(d2.t(), h, out=g1), torch.mm(d2, b1))
        ),
        "Adam update (fused kernel)": per_call(adam.step),
    }
    if with_noise:
        buffer = torch.empty(batch, 784)
        parts["noise: normal_ 64x784 + labels"] = per_call(
            lambda: (buffer.normal_(generator=gen), torch.randint(10, (batch,), generator=gen))
        )
    return parts


def forward_seconds(n: int) -> float:
    """One evaluation pass (forward GEMMs) over n images."""
    net = build_network(DIMS, "fa", 0)
    x = torch.randn(n, 784)
    with torch.no_grad():
        return per_call(lambda: net(x), reps=20, blocks=5)


def median_of(fn, repeats: int) -> tuple[float, list[float]]:
    times = [fn(rep) for rep in range(repeats)]
    return statistics.median(times), times


def time_data_training(splits, rep: int) -> float:
    net = build_network(DIMS, "fa", rep)
    engine = Engine(net, 1e-4)
    start = time.perf_counter()
    train_on_data(engine, splits, 100, 64, generator(rep, "shuffle"), lambda e, m: None)
    return time.perf_counter() - start


def stage_mnist(data_dir: Path) -> Path:
    """Use staged MNIST if present, else stage it from the mirror into a temporary folder."""
    tag = "train5000-val0-test5000-seed0"
    if not (data_dir / "mnist" / "splits" / f"{tag}.npz").is_file():
        import tempfile

        from noisefa.cli.split import main as make_split
        from noisefa.data.sources import mirror_dirs
        from noisefa.data.staging import stage_split

        data_dir = Path(tempfile.mkdtemp())
        for split in ("train", "test"):
            stage_split(
                "mnist",
                split,
                data_dir / "mnist" / f"{split}.npz",
                data_dir / "mnist" / f"{split}.json",
                mirror_dirs(["../shared/data"]),
                data_dir / ".tv" / split,
                download=False,
            )
        make_split(["--dataset", "mnist", "--tag", tag, "--data-dir", str(data_dir)])
    return data_dir


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, default=Path("results/data"))
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    device = torch.device("cpu")
    samples, batch = 500_000, 64
    steps = noise_steps(samples, batch, 5000)[-1]
    threads = torch.get_num_threads()
    print(f"torch {torch.__version__}, {threads} thread(s), {args.repeats} repetitions", flush=True)

    noise_parts = step_arithmetic(batch, with_noise=True)
    probe = 100 * forward_seconds(1024)
    noise_limit = steps * sum(noise_parts.values()) + probe
    ours_noise, ours_noise_all = median_of(
        lambda r: time_pretraining(DIMS, samples, r, device), args.repeats
    )
    print(f"(a) ours, noise 5e5: {ours_noise_all}", flush=True)
    baseline = float("nan")
    if not args.skip_baseline:
        baseline, baseline_all = median_of(lambda r: _timed(pretrain_baseline), args.repeats)
        print(f"(b) baseline, noise 5e5: {baseline_all}", flush=True)

    splits = load_split_tensors(
        stage_mnist(args.data_dir), "mnist", "train5000-val0-test5000-seed0"
    )
    data_parts = step_arithmetic(batch, with_noise=False)
    data_steps = 100 * -(-len(splits["train"]) // batch)
    gather = per_call(lambda: splits["train"].x[torch.randperm(5000)], reps=20, blocks=5)
    evaluation = 100 * (
        forward_seconds(len(splits["train"])) + forward_seconds(len(splits["test"]))
    )
    data_limit = data_steps * sum(data_parts.values()) + 100 * gather + evaluation
    ours_data, ours_data_all = median_of(lambda r: time_data_training(splits, r), args.repeats)
    print(f"(c) ours, MNIST 5000 x 100 epochs: {ours_data_all}", flush=True)

    print("\nLimit, per optimiser step (isolated primitives, median):")
    for name, seconds in noise_parts.items():
        print(f"  {name:45s} {1e6 * seconds:8.1f} us")
    print(f"  {'per-epoch noise-probe evaluation (100 x)':45s} {probe:8.3f} s in all")
    header = f"{'median s':>9s} {'limit s':>8s} {'ours/limit':>10s} {'baseline/ours':>13s}"
    print(f"\n{'work':40s} {header}")
    print(
        f"{'(a) noise pretraining, 5e5 samples':40s} {ours_noise:9.2f} {noise_limit:8.2f} "
        f"{ours_noise / noise_limit:10.2f} {baseline / ours_noise:13.2f}"
    )
    print(f"{'(b) baseline, same work':40s} {baseline:9.2f}")
    print(
        f"{'(c) MNIST 5000 x 100 epochs + eval':40s} {ours_data:9.2f} {data_limit:8.2f} "
        f"{ours_data / data_limit:10.2f}"
    )


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
