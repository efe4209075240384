"""Post-hoc measurements of a study's networks (PCA trajectories, spectra, Gram ranks,
out-of-distribution accuracy).

python -m noisefa.cli.evaluate --study ood --runs DIR... --data-dir results/data --out FILE.csv
"""

from __future__ import annotations

from pathlib import Path

from ..analysis.evaluation import EvalInputs
from ..catalogue import EVALUATED
from ..files import write_csv
from ..studies import part
from .common import command_parser, json_argument, log, run


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("noisefa.cli.evaluate", __doc__)
    parser.add_argument("--study", required=True, choices=EVALUATED)
    parser.add_argument(
        "--runs", type=Path, nargs="*", default=[], help="data-training run folders"
    )
    parser.add_argument(
        "--pretrains", type=Path, nargs="*", default=[], help="noise-pretraining folders"
    )
    parser.add_argument("--extra", type=Path, nargs="*", default=[], help="other job folders")
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--params", type=json_argument, default={}, help="study parameters as JSON")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    inputs = EvalInputs(args.runs, args.pretrains, args.extra, args.data_dir, args.params)
    table = part(args.study, "evaluation").evaluate(inputs)
    write_csv(args.out, table)
    log(f"{args.study}: {len(table)} measurements -> {args.out}")


if __name__ == "__main__":
    run(main)
