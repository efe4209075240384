"""Disk that `results/` will take for a configuration, from the plan (no run needed).

python benchmarks/disk_footprint.py [--config config/config.yaml] [--overlay PRESET.yaml ...]

Per job: `model.pt` holds W, B and the bias of every layer in float32; `snapshots.pt`
one copy of the last layer per recorded epoch (pretrainings, and the studies that draw
trajectories); histories, angles and summaries are a few tens of kB (measured: 15-45 kB
per job). Staged splits are uint8 arrays of the full official splits. Data-training
epochs use the cap (`epochs`, or `max_epochs` for runs to convergence), so the estimate
is an upper bound for the snapshots of those runs.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import yaml

from noisefa import plan
from noisefa.data.registry import get_dataset

SMALL_FILES = 40_000  # bytes of CSV and JSON per job (measured on finished jobs)


def merge(base: dict, overlay: dict) -> dict:
    out = dict(base)
    for key, value in overlay.items():
        out[key] = merge(base[key], value) if isinstance(value, dict) and key in base else value
    return out


def model_bytes(dims: tuple[int, ...]) -> int:
    return sum(4 * (2 * a * b + b) for a, b in zip(dims, dims[1:], strict=False))


def footprint(config: dict) -> dict[str, float]:
    runs, pretrains, datasets = {}, {}, set()
    for name in plan.enabled_studies(config):
        for key in plan.study_runs(config, name):
            runs[key] = plan.run_settings(config, key)
            datasets.add(key.dataset)
        for key in plan.study_pretrains(config, name):
            pretrains[key] = key
    sizes = {"runs": 0.0, "pretrainings": 0.0, "staged data": 0.0}
    for key, settings in runs.items():
        dims = plan.dims(config, key.dataset, key.depth)
        last = dims[-2] * dims[-1] * 4
        snaps = last * (settings.epochs + 1) if settings.snapshots else 0
        sizes["runs"] += model_bytes(dims) + snaps + SMALL_FILES
    pre = config["pretraining"]
    epochs = math.ceil(pre["samples"] / pre["epoch_samples"])
    for key in pretrains:
        sizes["pretrainings"] += (
            model_bytes(key.dims) + key.dims[-2] * key.dims[-1] * 4 * (epochs + 1) + SMALL_FILES
        )
    for name in datasets:
        info = get_dataset(name)
        sizes["staged data"] += math.prod(info.image_shape) * (info.n_train + info.n_test)
    sizes["jobs"] = len(runs) + len(pretrains)
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=Path("config/config.yaml"))
    parser.add_argument("--overlay", type=Path, nargs="*", default=[])
    args = parser.parse_args()
    config = yaml.safe_load(args.config.read_text())
    for overlay in args.overlay:
        config = merge(config, yaml.safe_load(overlay.read_text()))
    sizes = footprint(config)
    for part in ("runs", "pretrainings", "staged data"):
        print(f"{part:>14}: {sizes[part] / 1e9:6.2f} GB")
    total = sum(sizes[p] for p in ("runs", "pretrainings", "staged data"))
    print(f"{'total':>14}: {total / 1e9:6.2f} GB ({int(sizes['jobs'])} training jobs)")


if __name__ == "__main__":
    main()
