"""Tests of candidate reasons where the record differs from the paper (docs/methods.md).

python -m noisefa.cli.differences reporting-rules --collected results/collected/benchmark
    Table S5's gap to the paper under three reporting rules, per dataset (--cells: per cell)
python -m noisefa.cli.differences usps-framing --data-dir results/data \\
    --runs results/runs/ood/mnist/depth3/base/*/seed*
    Fig 5c's networks on USPS under three framings of the digits, FA after noise vs FA

Each prints a Markdown table; neither writes into results/.
"""

from __future__ import annotations

from pathlib import Path

from ..collected import Collected
from ..studies.benchmark.reporting_rules import gap_summary, rule_gaps
from ..studies.ood.framing import framing_accuracies, framing_tests
from .common import command_parser, run

USPS_COLUMNS = [
    "framing",
    "comparison",
    "test",
    "n_a",
    "mean_a",
    "mean_b",
    "diff",
    "ci_low",
    "ci_high",
    "p",
]


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("noisefa.cli.differences", __doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    rules = commands.add_parser("reporting-rules")
    rules.add_argument("--collected", type=Path, required=True)
    rules.add_argument("--cells", action="store_true", help="every cell, not per dataset")
    usps = commands.add_parser("usps-framing")
    usps.add_argument("--data-dir", type=Path, required=True)
    usps.add_argument("--runs", type=Path, nargs="+", required=True, help="seed folders")
    args = parser.parse_args(argv)
    if args.command == "reporting-rules":
        gaps = rule_gaps(Collected(args.collected).runs)
        table = gaps.round(2) if args.cells else gap_summary(gaps)
    else:
        tests = framing_tests(framing_accuracies(args.data_dir, args.runs))
        table = tests[USPS_COLUMNS].round(4)
        table["p"] = tests["p"].map(lambda p: f"{p:.2g}")
    print(table.to_markdown(index=False))


if __name__ == "__main__":
    run(main)
