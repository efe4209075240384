"""Build an accuracy table (Table 1: 2-layer; Table S5: every depth) as CSV, Markdown and LaTeX.

python -m noisefa.cli.tables --table table1 --collected results/collected/benchmark \\
    --data-dir results/data --out-prefix results/tables/table1 \\
    --params '{"datasets": [...], "depths": [2], "missing": [], "train_size": null}'
"""

from __future__ import annotations

from pathlib import Path

from ..analysis.tables import accuracy_table, to_latex, to_markdown
from ..collected import Collected
from ..data.loading import subset_note
from ..files import write_csv, write_text
from ..studies.benchmark import TABLES
from .common import command_parser, json_argument, log, run


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("noisefa.cli.tables", __doc__)
    parser.add_argument("--table", required=True, choices=sorted(TABLES))
    parser.add_argument("--collected", type=Path, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument(
        "--params",
        type=json_argument,
        required=True,
        help="JSON: datasets, depths, missing, train_size",
    )
    parser.add_argument("--out-prefix", type=Path, required=True)
    args = parser.parse_args(argv)
    params = args.params
    if absent := {"datasets", "depths", "missing"} - set(params):
        parser.error(f"--params lacks {sorted(absent)}")
    depths = [2] if args.table == "table1" else params["depths"]
    runs = Collected(args.collected).runs
    table = accuracy_table(
        runs,
        params["datasets"],
        depths,
        params["missing"],
        {d: subset_note(args.data_dir, d, params.get("train_size")) for d in params["datasets"]},
    )
    prefix = args.out_prefix
    write_csv(prefix.with_suffix(".csv"), table)
    write_text(prefix.with_suffix(".md"), to_markdown(table, depths, TABLES[args.table]))
    write_text(prefix.with_suffix(".tex"), to_latex(table, depths, TABLES[args.table]))
    log(f"{args.table}: {len(table)} cells -> {prefix}.{{csv,md,tex}}")


if __name__ == "__main__":
    run(main)
