"""Gather a study's per-run files into tidy tables (one row per run / epoch / neuron).

python -m noisefa.cli.collect --runs .../summary.json ... --pretrains .../summary.json ... \\
    --out-dir DIR

Writes DIR/runs.csv, histories.csv, angles.csv (data training) and pretrain_runs.csv,
pretrain_histories.csv, pretrain_angles.csv (noise pretraining). Each table carries the
identifying columns of its run, so figures and statistics never parse paths.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..collected import PRETRAIN_KEYS, RUN_KEYS
from ..errors import ResultError
from ..files import read_json, write_csv
from ..job_files import last_epoch, read_angles, read_history
from .common import command_parser, log, run


def _flatten(prefix: str, value, out: dict) -> None:
    if isinstance(value, dict):
        for key, sub in value.items():
            _flatten(f"{prefix}_{key}" if prefix else key, sub, out)
    else:
        out[prefix] = value


def summary_row(summary: dict, keys: list[str]) -> dict:
    row = {
        k: ("x".join(map(str, summary[k])) if isinstance(summary[k], list) else summary[k])
        for k in keys
    }
    _flatten("", summary["metrics"], row)
    row["config_hash"] = summary["config_hash"]
    row["device"] = summary["provenance"]["device"]
    row["wall_seconds"] = summary["provenance"]["wall_seconds"]
    return row


def gather(
    summaries: list[Path], keys: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    runs, histories, angles = [], [], []
    for path in summaries:
        summary = read_json(path)
        try:
            row = summary_row(summary, keys)
        except (KeyError, TypeError) as exc:
            raise ResultError(f"{path} lacks {exc} (a partial or foreign summary)") from None
        runs.append(row)
        ident = {k: row[k] for k in keys}
        history = read_history(path.parent / "history.csv", last_epoch(summary))
        for table, bucket in (
            (history, histories),
            (read_angles(path.parent / "angles.csv"), angles),
        ):
            bucket.append(table.assign(**ident)[keys + list(table.columns)])

    def frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=keys)

    return frame([pd.DataFrame(runs)] if runs else []), frame(histories), frame(angles)


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("noisefa.cli.collect", __doc__)
    parser.add_argument(
        "--runs", type=Path, nargs="*", default=[], help="summary.json of data runs"
    )
    parser.add_argument(
        "--pretrains", type=Path, nargs="*", default=[], help="summary.json of pretrainings"
    )
    parser.add_argument("--out-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    # everything is read and checked before anything is written
    tables = {
        prefix: gather(paths, keys)
        for prefix, paths, keys in (
            ("", args.runs, RUN_KEYS),
            ("pretrain_", args.pretrains, PRETRAIN_KEYS),
        )
    }
    for prefix, (runs, histories, angles) in tables.items():
        write_csv(args.out_dir / f"{prefix}runs.csv", runs)
        write_csv(args.out_dir / f"{prefix}histories.csv", histories)
        write_csv(args.out_dir / f"{prefix}angles.csv", angles)
    log(
        f"collected {len(args.runs)} data runs and {len(args.pretrains)} pretrainings"
        f" into {args.out_dir}"
    )


if __name__ == "__main__":
    run(main)
