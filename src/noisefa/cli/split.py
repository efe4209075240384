"""Draw a split's indices.

python -m noisefa.cli.split --dataset mnist --tag train5000-val0-test5000-seed0 --data-dir DIR
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..data.loading import read_staged
from ..data.registry import DATASETS, get_dataset
from ..data.splits import SplitRequest, make_split
from ..files import write_json, write_npz
from .common import command_parser, log, run


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("noisefa.cli.split", __doc__)
    parser.add_argument("--dataset", required=True, choices=sorted(DATASETS))
    parser.add_argument("--tag", required=True, help="e.g. train5000-val0-test5000-seed0")
    parser.add_argument("--data-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    info = get_dataset(args.dataset)
    request = SplitRequest.parse(args.tag)
    _, train_labels = read_staged(args.data_dir, args.dataset, "train")
    _, test_labels = read_staged(args.data_dir, args.dataset, "test")
    indices = make_split(train_labels, test_labels, info.n_classes, request, info.title)
    out = args.data_dir / args.dataset / "splits"
    counts = {
        part: np.bincount(
            (train_labels if part != "test" else test_labels)[idx], minlength=info.n_classes
        ).tolist()
        for part, idx in indices.items()
    }
    write_npz(out / f"{args.tag}.npz", **indices)
    write_json(
        out / f"{args.tag}.json", {"dataset": args.dataset, "tag": args.tag, "class_counts": counts}
    )
    log(f"{args.dataset} {args.tag}: " + ", ".join(f"{k}={v.size}" for k, v in indices.items()))


if __name__ == "__main__":
    run(main)
