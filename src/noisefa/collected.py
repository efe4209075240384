"""Read a study's collected tables (written by `noisefa.cli.collect`), checked: a history
table must still hold every epoch of every run that runs.csv lists."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pandas as pd

from .errors import ResultError
from .job_files import check_epochs, read_table

RUN_KEYS = ["dataset", "depth", "variant", "method", "seed"]
PRETRAIN_KEYS = ["dims", "init", "noise", "seed"]
TEXT_COLUMNS = {"dataset", "variant", "method", "stage", "measure", "item"}


class Collected:
    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def _read(self, name: str) -> pd.DataFrame:
        return read_table(self.folder / f"{name}.csv")

    def _histories(self, name: str, runs: pd.DataFrame, keys: list[str], last: str):
        table, path = self._read(name), self.folder / f"{name}.csv"
        if runs.empty:
            return table
        groups = dict(iter(table.groupby(keys))) if not table.empty else {}
        for ident, run in runs.set_index(keys).iterrows():
            part = groups.get(ident)
            if part is None:
                raise ResultError(f"{path} has no rows for the run {ident} of runs.csv")
            # columns of deeper networks (angle_3, ...) are empty for shallower ones
            part = part.dropna(axis=1, how="all")
            check_epochs(part, int(run[last]), f"{path} (run {ident})")
        return table

    @cached_property
    def runs(self) -> pd.DataFrame:
        return self._read("runs")

    @cached_property
    def histories(self) -> pd.DataFrame:
        return self._histories("histories", self.runs, RUN_KEYS, "epochs_run")

    @cached_property
    def angles(self) -> pd.DataFrame:
        return self._read("angles")

    @cached_property
    def pretrain_runs(self) -> pd.DataFrame:
        return self._read("pretrain_runs")

    @cached_property
    def pretrain_histories(self) -> pd.DataFrame:
        return self._histories("pretrain_histories", self.pretrain_runs, PRETRAIN_KEYS, "epochs")

    @cached_property
    def pretrain_angles(self) -> pd.DataFrame:
        return self._read("pretrain_angles")

    @cached_property
    def evaluation(self) -> pd.DataFrame:
        """The study's post-hoc measurements (`noisefa.cli.evaluate`), for studies that have them.

        Text columns stay text: an empty dataset or item is "", not NaN."""
        table = self._read("evaluation")
        for column in TEXT_COLUMNS & set(table.columns):
            table[column] = table[column].fillna("").astype(str)
        return table
