"""Read a study's collected tables (written by `noisefa.collect`)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pandas as pd

TEXT_COLUMNS = {"dataset", "variant", "method", "stage", "measure", "item"}


class Collected:
    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def _read(self, name: str) -> pd.DataFrame:
        return pd.read_csv(self.folder / f"{name}.csv")

    @cached_property
    def runs(self) -> pd.DataFrame:
        return self._read("runs")

    @cached_property
    def histories(self) -> pd.DataFrame:
        return self._read("histories")

    @cached_property
    def angles(self) -> pd.DataFrame:
        return self._read("angles")

    @cached_property
    def pretrain_runs(self) -> pd.DataFrame:
        return self._read("pretrain_runs")

    @cached_property
    def pretrain_histories(self) -> pd.DataFrame:
        return self._read("pretrain_histories")

    @cached_property
    def pretrain_angles(self) -> pd.DataFrame:
        return self._read("pretrain_angles")

    @cached_property
    def evaluation(self) -> pd.DataFrame:
        """The study's post-hoc measurements (`noisefa.evaluate`), for studies that have them.

        Text columns stay text: an empty dataset or item is "", not NaN."""
        table = self._read("evaluation")
        for column in TEXT_COLUMNS & set(table.columns):
            table[column] = table[column].fillna("").astype(str)
        return table
