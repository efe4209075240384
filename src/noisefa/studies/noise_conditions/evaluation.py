"""Fig 1f: the per-condition tables of `noisefa.cli.noise_conditions`, gathered."""

from __future__ import annotations

import pandas as pd

from noisefa.analysis.evaluation import EvalInputs


def evaluate(inputs: EvalInputs) -> pd.DataFrame:
    return pd.concat([pd.read_csv(path) for path in inputs.extra], ignore_index=True)
