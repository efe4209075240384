"""Build one out-of-distribution test set.

python -m noisefa.cli.make_ood --set mnist_rotate --data-dir results/data --seed 0

Writes <data-dir>/ood/<set>.npz (images uint8, labels int64, params) and <set>.json;
images are normalised with MNIST's training statistics when they are evaluated.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from ..data.loading import read_staged
from ..data.ood import OOD_SETS, TRANSFORMS, resize_images, transform_images
from ..files import write_json, write_npz
from .common import command_parser, log, run


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("noisefa.cli.make_ood", __doc__)
    parser.add_argument("--set", required=True, choices=OOD_SETS)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--translate", type=float, default=0.05, help="max shift, fraction of size")
    parser.add_argument("--scale", type=float, nargs=2, default=(0.8, 1.2))
    parser.add_argument("--rotate", type=float, default=25.0, help="max rotation, degrees")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    ranges = {"translate": args.translate, "scale": tuple(args.scale), "rotate": args.rotate}
    if args.set == "usps28":
        images, labels = read_staged(args.data_dir, "usps", "test")
        images, params = resize_images(images, 28), np.zeros((labels.size, 0))
    else:
        mnist, mnist_labels = read_staged(args.data_dir, "mnist", "test")
        kinds = TRANSFORMS if args.set == "mnist_union" else (args.set.removeprefix("mnist_"),)
        parts = [transform_images(mnist, kind, args.seed, **ranges) for kind in kinds]
        images = np.concatenate([p[0] for p in parts])
        params = np.concatenate([p[1] for p in parts])
        labels = np.tile(mnist_labels, len(kinds))
    out = args.data_dir / "ood"
    write_npz(out / f"{args.set}.npz", images=images, labels=labels, params=params)
    write_json(
        out / f"{args.set}.json",
        {
            "set": args.set,
            "n": int(labels.size),
            "seed": args.seed,
            "ranges": ranges,
            "params_columns": ["angle_deg", "translate_x_px", "translate_y_px", "scale"],
            "normalise_with": "mnist",
            "seconds": round(time.perf_counter() - start, 3),
        },
    )
    log(f"{args.set}: {labels.size} images in {time.perf_counter() - start:.1f}s")


if __name__ == "__main__":
    run(main)
