"""Fig S5, S6: the fast-learning and trajectory tests of Fig 2, on CIFAR-10."""

from __future__ import annotations

import pandas as pd

from noisefa.collected import Collected
from noisefa.studies.fast_learning import statistics as fast_learning
from noisefa.studies.trajectory import statistics as trajectory

RENAME = {"fig2b": "figS5", "fig2c": "figS5", "fig2e": "figS6", "fig2g": "figS6"}


def statistics(c: Collected) -> pd.DataFrame:
    frame = pd.concat([fast_learning.statistics(c), trajectory.statistics(c)], ignore_index=True)
    frame["figure"] = frame["figure"].map(RENAME).fillna(frame["figure"])
    return frame
