"""Fig 6a: the per-network tables of `noisefa.cli.meta_loss`, gathered."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from noisefa.analysis.evaluation import EvalInputs
from noisefa.job_files import read_table


def evaluate(inputs: EvalInputs) -> pd.DataFrame:
    return pd.concat([read_table(Path(path)) for path in inputs.extra], ignore_index=True)
