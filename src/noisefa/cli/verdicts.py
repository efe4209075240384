"""A study's verdict table on its own hypotheses (`studies/<study>/verdicts.py`), as CSV,
Markdown and LaTeX.

python -m noisefa.cli.verdicts --study rules --stats results/stats/rules.csv \\
    --margin 1.0 --out-prefix results/tables/rules_verdicts
"""

from __future__ import annotations

from pathlib import Path

from ..files import write_csv, write_text
from ..job_files import read_table
from ..studies import part
from .common import command_parser, log, run


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("noisefa.cli.verdicts", __doc__)
    parser.add_argument("--study", required=True)
    parser.add_argument("--stats", type=Path, required=True, help="the study's tests")
    parser.add_argument(
        "--margin", type=float, required=True, help="no-effect margin, percentage points"
    )
    parser.add_argument(
        "--subset",
        action="store_true",
        help="the networks trained on a subset of the paper's training images",
    )
    parser.add_argument("--out-prefix", type=Path, required=True)
    args = parser.parse_args(argv)
    verdicts = part(args.study, "verdicts")
    table, markdown, latex = verdicts.report(read_table(args.stats), args.margin, args.subset)
    prefix = args.out_prefix
    write_csv(prefix.with_suffix(".csv"), table)
    write_text(prefix.with_suffix(".md"), markdown)
    write_text(prefix.with_suffix(".tex"), latex)
    log(f"{args.study}: {len(table)} verdict rows -> {prefix}.{{csv,md,tex}}")


if __name__ == "__main__":
    run(main)
