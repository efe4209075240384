"""Fig S9: FA after noise beats FA without, whatever the batch size, learning rate or init."""

from __future__ import annotations

import pandas as pd

from noisefa.analysis.comparisons import compare
from noisefa.collected import Collected


def statistics(c: Collected) -> pd.DataFrame:
    rows = []
    for variant, runs in c.runs.groupby("variant", sort=False):
        for a, b in (("fa_noise", "fa"), ("fa_noise", "bp")):
            rows += compare(
                "figS9",
                "final test accuracy",
                runs,
                "final_test_acc",
                "method",
                a,
                b,
                "fa_noise > fa for every setting" if b == "fa" else "",
                variant=variant,
            )
    return pd.DataFrame(rows)
