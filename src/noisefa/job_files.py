"""Reading a finished job's tables, validated: a truncated, partial or foreign file is an
error naming it, never a figure silently drawn from less than the job recorded."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ResultError
from .files import redo_advice

HISTORY_COLUMNS = ("epoch", "split", "loss", "acc")
ANGLE_COLUMNS = ("layer", "neuron", "stage", "angle")


def read_table(path: Path, columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """A CSV the workflow wrote; missing, unreadable or lacking columns is an error naming it."""
    if not path.is_file():
        raise ResultError(f"{path} is missing; the job that writes it must run again")
    try:
        table = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ResultError(f"{path} is damaged ({exc}); {redo_advice(path)}") from None
    missing = [c for c in columns if c not in table]
    if missing:
        raise ResultError(f"{path} lacks the columns {missing}; it has {list(table.columns)}")
    return table


def read_history(path: Path, last_epoch: int) -> pd.DataFrame:
    """A job's per-epoch history: every split and phase holds epochs 0, 1, ... without
    gaps or repeats, finite losses, and the job's last epoch (from its summary)."""
    table = read_table(path, HISTORY_COLUMNS)
    check_epochs(table, last_epoch, str(path))
    return table


def check_epochs(table: pd.DataFrame, last_epoch: int, where: str) -> None:
    """Complete rows, finite losses, and epochs 0..last_epoch once per split and phase
    (or, for a split not measured every epoch, epoch 0, the best and last_epoch)."""
    if table.empty:
        raise ResultError(f"{where} has no rows")
    if table.isna().any().any():
        raise ResultError(f"{where} has empty cells (cut short?); delete it and rerun")
    if not np.isfinite(table[["loss", "acc"]].to_numpy(dtype=float)).all():
        raise ResultError(f"{where} holds non-finite losses or accuracies")
    groups = ["phase", "split"] if "phase" in table else ["split"]
    for name, part in table.groupby(groups):
        epochs = part["epoch"].to_numpy()
        every = np.array_equal(epochs, np.arange(epochs.size))
        # a split measured only at epoch 0, the best and the last epoch (Study.every_epoch)
        ends = epochs.size <= 3 and epochs[0] == 0 and epochs[-1] == last_epoch
        if not (every or ends and np.all(np.diff(epochs) > 0)):
            raise ResultError(
                f"{where}: {'/'.join(map(str, np.atleast_1d(name)))} holds neither epochs "
                f"0..{epochs.size - 1} in order nor only epoch 0, the best and the last "
                "(truncated or edited?); delete it and rerun"
            )
    if int(table["epoch"].max()) != last_epoch:
        raise ResultError(
            f"{where} ends at epoch {int(table['epoch'].max())}, but its summary says the "
            f"job ran to epoch {last_epoch} (truncated?); delete it and rerun"
        )


def read_angles(path: Path) -> pd.DataFrame:
    """Per-neuron alignment angles: finite, in [0, 180] degrees."""
    table = read_table(path, ANGLE_COLUMNS)
    angles = table["angle"].to_numpy(dtype=float)
    if not np.all(np.isfinite(angles) & (angles >= 0) & (angles <= 180)):
        raise ResultError(f"{path} holds angles that are missing or outside 0..180 degrees")
    return table


def last_epoch(summary: dict) -> int:
    """The last epoch a job recorded: data runs report `epochs_run`, pretrainings `epochs`."""
    metrics = summary.get("metrics", {})
    for key in ("epochs_run", "epochs"):
        if key in metrics:
            return int(metrics[key])
    raise ResultError("summary.json records neither epochs_run nor epochs")
