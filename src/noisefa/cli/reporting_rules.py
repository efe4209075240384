"""Print Table S5's gap to the paper under three reporting rules, as Markdown.

python -m noisefa.cli.reporting_rules --collected results/collected/benchmark [--cells]
"""

from __future__ import annotations

from pathlib import Path

from ..analysis.reporting_rules import gap_summary, rule_gaps
from ..collected import Collected
from .common import command_parser, run


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("noisefa.cli.reporting_rules", __doc__)
    parser.add_argument("--collected", type=Path, required=True)
    parser.add_argument("--cells", action="store_true", help="every cell, not per dataset")
    args = parser.parse_args(argv)
    gaps = rule_gaps(Collected(args.collected).runs)
    table = gaps.round(2) if args.cells else gap_summary(gaps)
    print(table.to_markdown(index=False))


if __name__ == "__main__":
    run(main)
