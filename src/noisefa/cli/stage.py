"""Stage dataset splits (several share one torchvision cache: an archive holding both
splits is downloaded and extracted once).

python -m noisefa.cli.stage --dataset mnist --split train [test] --out-dir results/data \
    --cache-root DIR
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..data.registry import DATASETS, SPLITS
from ..data.sources import mirror_dirs
from ..data.staging import stage_splits
from .common import command_parser, log, run


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("noisefa.cli.stage", __doc__)
    parser.add_argument("--dataset", required=True, choices=sorted(DATASETS))
    parser.add_argument("--split", required=True, nargs="+", choices=SPLITS)
    parser.add_argument(
        "--out-dir",
        type=Path,
        required=True,
        help="data folder; writes <out-dir>/<dataset>/<split>.npz and .json",
    )
    parser.add_argument(
        "--cache-root",
        type=Path,
        required=True,
        help="torchvision root that verified files are linked or downloaded into",
    )
    parser.add_argument(
        "--mirror",
        action="append",
        default=[],
        help="mirror directory searched before downloading (repeatable)",
    )
    parser.add_argument("--download", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args(argv)
    out = args.out_dir / args.dataset
    records = stage_splits(
        args.dataset,
        {s: (out / f"{s}.npz", out / f"{s}.json") for s in dict.fromkeys(args.split)},
        mirror_dirs(args.mirror),
        args.cache_root.resolve(),
        args.download,
    )
    for split, record in records.items():
        log(
            f"staged {args.dataset} {split}: {record['n']} images from {record['source']} "
            f"{record['location']} in {record['seconds']}s"
        )


if __name__ == "__main__":
    run(main)
