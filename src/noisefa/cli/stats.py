"""A study's statistical tests.

python -m noisefa.cli.stats --study fast_learning --collected DIR --out FILE.csv
"""

from __future__ import annotations

from pathlib import Path

from ..collected import Collected
from ..files import write_csv
from ..studies import STUDIES, study_statistics
from .common import command_parser, log, run


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("noisefa.cli.stats", __doc__)
    parser.add_argument("--study", required=True, choices=sorted(STUDIES))
    parser.add_argument("--collected", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    frame = study_statistics(args.study, Collected(args.collected))
    write_csv(args.out, frame)
    log(f"{args.study}: {len(frame)} tests -> {args.out}")


if __name__ == "__main__":
    run(main)
