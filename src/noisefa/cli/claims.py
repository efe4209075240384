"""Set each claim of the paper beside our measurement.

python -m noisefa.cli.claims --results results --studies fast_learning ... \\
    --networks fast_learning=3 ... --out-dir results

Writes claims.md (the report, with a summary line counting each verdict), claims.csv
(one row per claim), claims.rst (the HTML report's front page) and claims.html (the
report's claims page, readable at a laptop's width).
"""

from __future__ import annotations

from pathlib import Path

from ..analysis.claims import (
    evaluate_claims,
    summary_line,
    to_html,
    to_markdown,
    to_rst_summary,
)
from ..files import write_csv, write_text
from .common import command_parser, log, run


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("noisefa.cli.claims", __doc__)
    parser.add_argument("--results", type=Path, required=True, help="the results folder")
    parser.add_argument(
        "--studies", nargs="*", default=[], help="studies enabled in this configuration"
    )
    parser.add_argument(
        "--networks",
        nargs="*",
        default=[],
        metavar="STUDY=N",
        help="networks (or trials) per study in this configuration, to say when it has "
        "fewer than the paper",
    )
    parser.add_argument(
        "--left-out",
        nargs="*",
        default=[],
        metavar="STUDY=DATASET[,DATASET]",
        help="studies this run could not run for want of data, and the datasets missing",
    )
    parser.add_argument("--out-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    networks = {}
    for item in args.networks:
        study, _, count = item.partition("=")
        if not count.isdigit():
            parser.error(f"--networks takes STUDY=N, got {item!r}")
        networks[study] = int(count)
    left_out = {}
    for item in args.left_out:
        study, _, datasets = item.partition("=")
        if not datasets:
            parser.error(f"--left-out takes STUDY=DATASET[,DATASET], got {item!r}")
        left_out[study] = datasets.split(",")
    frame = evaluate_claims(args.results, args.studies, left_out)
    write_csv(args.out_dir / "claims.csv", frame)
    write_text(args.out_dir / "claims.md", to_markdown(frame, networks))
    write_text(args.out_dir / "claims.rst", to_rst_summary(frame, networks))
    write_text(args.out_dir / "claims.html", to_html(frame, networks))
    log(summary_line(frame))


if __name__ == "__main__":
    run(main)
