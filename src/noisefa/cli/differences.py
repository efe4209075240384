"""Tests of candidate reasons where the record differs from the paper (docs/methods.md).

python -m noisefa.cli.differences reporting-rules --collected results/collected/benchmark
    Table S5's gap to the paper under three reporting rules, per dataset (--cells: per cell)

It prints a Markdown table and writes nothing into results/. (Fig 5c under MNIST's
framing of USPS, once a command here, is part of the ood study: studies/ood/framing.py.)
"""

from __future__ import annotations

from pathlib import Path

from ..collected import Collected
from ..studies.benchmark.reporting_rules import gap_summary, rule_gaps
from .common import command_parser, run


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("noisefa.cli.differences", __doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    rules = commands.add_parser("reporting-rules")
    rules.add_argument("--collected", type=Path, required=True)
    rules.add_argument("--cells", action="store_true", help="every cell, not per dataset")
    args = parser.parse_args(argv)
    gaps = rule_gaps(Collected(args.collected).runs)
    table = gaps.round(2) if args.cells else gap_summary(gaps)
    print(table.to_markdown(index=False))


if __name__ == "__main__":
    run(main)
