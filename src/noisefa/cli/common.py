"""Shared plumbing for the pipeline's command-line entry points (`python -m noisefa.<cmd>`)."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..code_version import PACKAGE, code_hash, git_commit, training_code
from ..errors import ConfigError, NoisefaError
from ..gpus import select_device

if TYPE_CHECKING:  # torch is imported where it is used: stages without networks start faster
    import torch


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(main: Callable[[list[str] | None], None], argv: list[str] | None = None) -> None:
    """Run a CLI; errors a user can fix print one clear paragraph and exit 2, no traceback."""
    try:
        main(argv)
    except (NoisefaError, ValueError) as exc:
        _fail(main, str(exc))
    except OSError as exc:  # disk full, permissions, a missing file: name the file
        where = f" ({exc.filename})" if exc.filename else ""
        what = exc.strerror or str(exc) or type(exc).__name__
        _fail(main, f"{what}{where}")
    except MemoryError:
        _fail(main, "out of memory; run fewer jobs at once (--cores) or on a larger machine")


@contextlib.contextmanager
def allocating(dims, networks: int):
    """Networks too large for this machine's memory: one message naming the keys that
    size them, not an allocator's traceback."""
    try:
        yield
    except (RuntimeError, MemoryError) as exc:
        if isinstance(exc, RuntimeError) and "alloc" not in str(exc).lower():
            raise
        weights = sum(a * b for a, b in zip(dims[:-1], dims[1:], strict=False))
        raise ConfigError(
            f"cannot allocate {networks} network(s) of layer sizes {list(dims)} "
            f"({weights:,} weights each, twice with their feedback, plus Adam's state): "
            "lower training.hidden (or the study's widths), or run on a machine with more "
            "memory"
        ) from None


def _fail(main: Callable, message: str) -> None:
    spec = getattr(sys.modules.get(main.__module__), "__spec__", None)  # set by python -m
    prog = spec.name if spec else os.path.basename(sys.argv[0])
    try:
        print(f"{prog}: error: {message}", file=sys.stderr, flush=True)
    except OSError as exc:  # the log is on a full disk: keep the error where it fits
        _set_aside(f"{prog}: error: {message}", exc)
    sys.exit(2)


def aside_path(log_file: str | os.PathLike) -> Path:
    """Where a job's error goes when its log (stderr) cannot be written, e.g. because
    results/ is full: a file named after the log in the system's temporary folder, which
    the run wrapper shows beside a failed job's empty log."""
    name = str(Path(log_file).resolve()).strip("/").replace("/", "__")
    return Path(tempfile.gettempdir()) / "noisefa-job-errors" / name


def _set_aside(text: str, exc: OSError) -> None:
    try:
        target = os.readlink("/proc/self/fd/2")
    except OSError:
        target = "stderr"
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - nothing more is written there
    try:
        path = aside_path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{text}\n(kept here: {target} could not be written: {exc.strerror})\n")
    except OSError:
        pass  # nowhere left to write: the exit status still says the job failed


def json_argument(text: str) -> dict:
    """argparse type for JSON options (--params): a bad one is named, not a decoder message."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise argparse.ArgumentTypeError(f"not JSON ({exc}): {text[:80]!r}") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError(f"expected a JSON object, got {text[:80]!r}")
    return value


def command_parser(prog: str, doc: str | None) -> argparse.ArgumentParser:
    """The argument parser of a stage command; its module docstring is the --help text."""
    return argparse.ArgumentParser(
        prog=prog, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )


def add_compute_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--gpus",
        type=int,
        default=0,
        help="GPUs granted by the scheduler ({resources.gpu}); > 0 uses CUDA if present",
    )
    parser.add_argument("--threads", type=int, default=1, help="CPU threads for torch")
    parser.add_argument(
        "--cpu-fallback",
        action="store_true",
        help="train on the CPU when granted a GPU that CUDA cannot see (compute.cpu_fallback);"
        " without it that is an error",
    )


def parse_on_device(
    parser: argparse.ArgumentParser, argv
) -> tuple[argparse.Namespace, torch.device]:
    """A training command's arguments (with --gpus and --threads), and torch set up for them."""
    add_compute_arguments(parser)
    args = parser.parse_args(argv)
    device = select_device(args.gpus, args.cpu_fallback, log)
    configure_torch(args.threads, device)
    return args, device


def per_seed(seeds: list[int], checkpoints, flag: str) -> list:
    """The checkpoint each seed's network starts from (None for all without `flag`),
    refusing repeated seeds and a count that does not match them."""
    if len(set(seeds)) != len(seeds):
        raise ConfigError(f"--seeds repeats a seed: {seeds}")
    if not checkpoints:
        return [None] * len(seeds)
    if len(checkpoints) != len(seeds):
        raise ConfigError(
            f"{len(seeds)} seeds need {len(seeds)} {flag} checkpoints "
            f"(one per seed, in order), got {len(checkpoints)}"
        )
    return list(checkpoints)


def configure_torch(threads: int, device: torch.device) -> None:
    """Deterministic kernels everywhere; on CUDA cuBLAS needs a fixed workspace for that."""
    import torch

    if threads < 1:
        raise ValueError(f"--threads must be >= 1, got {threads}")
    torch.set_num_threads(threads)
    if device.type == "cuda":
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(True)


def _package_version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def provenance(device: torch.device, started: float) -> dict:
    """What ran, where and how long: recorded beside every result."""
    import torch

    info = {
        "noisefa": __version__,
        "commit": git_commit(PACKAGE),
        "training_code": code_hash(training_code()),  # noisefa.code_version
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": _package_version("numpy"),
        "torchvision": _package_version("torchvision"),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "hostname": socket.gethostname(),
        "device": str(device),
        "torch_threads": torch.get_num_threads(),
        "wall_seconds": round(time.perf_counter() - started, 3),
    }
    if device.type == "cuda":
        info["gpu"] = torch.cuda.get_device_name(device)
        info["cuda"] = torch.version.cuda
    return info


PATH_PARAMS = ("pretrained", "start_from", "data_dir", "out_dir")


def config_hash(params: dict) -> str:
    """A short hash of a job's parameters, the same on any machine: file locations are
    left out (the checksums of input checkpoints are in the parameters instead)."""
    content = {k: v for k, v in params.items() if k not in PATH_PARAMS}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]
