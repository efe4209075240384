"""Command-line settings of Algorithm 1, shared by every command that pretrains on noise."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..learning.loops import NoiseSchedule
from ..learning.network import INIT_SCHEMES
from ..learning.noise import NoiseSpec


def parse_dims(text: str) -> list[int]:
    try:
        dims = [int(d) for d in text.replace("x", ",").split(",")]
    except ValueError:
        raise ValueError(f"--dims must be sizes like 784,100,10; got {text!r}") from None
    if len(dims) < 2 or min(dims) < 1:
        raise ValueError(f"--dims needs at least two positive sizes; got {text!r}")
    return dims


def add_noise_arguments(parser: argparse.ArgumentParser) -> None:
    """The settings of Algorithm 1, shared by every command that pretrains on noise."""
    parser.add_argument(
        "--dims", type=parse_dims, required=True, help="layer sizes, e.g. 784,100,10"
    )
    parser.add_argument(
        "--noise", required=True, help="noise tag, e.g. gaussian-mean0-std1-n500000"
    )
    parser.add_argument("--init", default="he_normal", choices=INIT_SCHEMES)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--epoch-samples", type=int, default=5000, help="noise samples per epoch")


def add_weight_decay_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--weight-decay",
        type=float,
        default=0.0,
        help="decay of W (and of a learnt B) per step, decoupled from Adam: "
        "Kolen-Pollack's (config training.kp_decay)",
    )


def recorded_params(args: argparse.Namespace, skip: tuple[str, ...]) -> dict:
    """A command's arguments as summary.json records and hashes them. A zero weight decay
    is left out, so runs without one keep the hash they had before the option existed."""
    params = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    if not params.get("weight_decay"):
        params.pop("weight_decay", None)
    return {k: v for k, v in params.items() if k not in skip}


def noise_schedule(args: argparse.Namespace, probe_size: int = 1024) -> NoiseSchedule:
    spec, samples = NoiseSpec.parse_tag(args.noise)
    if args.batch_size < 1 or probe_size < 1:
        raise ValueError("--batch-size and --probe-size must be >= 1")
    decay = getattr(args, "weight_decay", 0.0)  # only commands that take --weight-decay
    return NoiseSchedule(
        spec, samples, args.batch_size, args.lr, args.epoch_samples, probe_size, decay
    )
