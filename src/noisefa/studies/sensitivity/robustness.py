"""Does a claim's verdict survive what the paper leaves unstated? The claims table's
*robustness* column, from the sensitivity study.

The study retrains Table 1's 2-layer cells under each unstated choice (width, input
scaling, validation share and subset, initialisation, and combinations). Two kinds of
claim read those cells:

- each Table S5 number of a cell (BP, FA w/o, FA w/): within the margin of the paper's
  mean, beyond it, or inconclusive, judged as the claims table judges a number;
- "ΔACC > 0 in every cell" (tableS5-delta-positive), and Fig 2b's "higher final test
  accuracy": FA after noise beats FA (paired), Holm over the study's cells, in every
  dataset;
- the core claims of Fig 1e (noise training lowers the last-layer angle), Fig 2b (FA
  after noise learns faster: the AUC of test accuracy) and Fig 2c (the angle stays
  lower at the end of data training), each on the same networks, FA after noise
  against FA (paired), Holm over the claim's datasets and settings, in every dataset.

A claim is *robust* when its verdict over the study's cells under the record's protocol
(the study's `base` setting) is the same under every other setting, and *fragile* when
some setting gives another: the column names them and the verdict each gives. Fig 5c's
entry comes from the ood study, which tests its networks on USPS in the paper's framing
and in MNIST's (studies/ood/framing.py). Claims that no setting re-measures get no
entry. Settings are compared with the
study's own base (the same scope: its datasets, 2 layers), so a flip is the setting's
doing, not a change of scope.
"""

from __future__ import annotations

import pandas as pd

from noisefa.analysis.claims import CONTRADICTED, INCONCLUSIVE, REPRODUCED, Judgement, combine
from noisefa.keys import BASE

from .statistics import STATED
from .verdicts import BEYOND, HELPS, HURTS, WITHIN, cell_verdicts, core_verdicts, noise_verdicts

DELTA_CLAIM = "tableS5-delta-positive"
SAME_TEST_AS_DELTA = "fig2b-higher-accuracy"  # FA after noise vs FA, final accuracy
AS_CLAIM = {
    WITHIN: REPRODUCED,
    BEYOND: CONTRADICTED,
    HELPS: REPRODUCED,
    HURTS: CONTRADICTED,
    **{v: v for v in (REPRODUCED, CONTRADICTED, INCONCLUSIVE)},  # core claims' verdicts
}


def _verdict(word: str) -> str:
    return AS_CLAIM.get(word, INCONCLUSIVE)


def column_entry(by_setting: dict[str, str]) -> str:
    """'robust (12 settings)' or 'fragile: flips under width500 (reproduced), ...'."""
    if BASE not in by_setting or len(by_setting) < 2:
        return ""
    base = by_setting[BASE]
    flips = [f"{s} ({v})" for s, v in by_setting.items() if s != BASE and v != base]
    if not flips:
        return f"robust ({base} under all {len(by_setting)} settings)"
    return f"fragile ({base} at base): flips under " + ", ".join(flips)


def _number_entries(cells: pd.DataFrame, depth: int) -> dict[str, str]:
    entries = {}
    stated = cells[cells["rule"] == STATED]
    for (dataset, method), cell in stated.groupby(["dataset", "method"]):
        by_setting = {r["setting"]: _verdict(r["verdict"]) for _, r in cell.iterrows()}
        entries[f"tableS5-{dataset}-d{depth}-{method}"] = column_entry(by_setting)
    return entries


def _every_dataset_entry(verdicts: pd.DataFrame) -> str:
    """A claim that must hold in every dataset of the study, under each setting."""
    if verdicts.empty:
        return ""
    by_setting = {}
    for setting, part in verdicts.groupby("setting", sort=False):
        judged = [Judgement(_verdict(v)) for v in part["verdict"]]
        by_setting[setting] = combine(judged, "all").verdict
    return column_entry(by_setting)


def robustness(
    claim_ids: pd.Series, stats: pd.DataFrame, margin_pp: float, subset: bool = False
) -> pd.Series:
    """The robustness entry of each claim ('' where the study re-measures nothing).
    `subset`: networks trained on fewer images than the paper's, whose numbers are never
    called beyond it (as in the claims table)."""
    cells = cell_verdicts(stats, margin_pp, subset)
    entries = {}
    if not cells.empty:
        depth = int(pd.to_numeric(stats["depth"], errors="coerce").dropna().iloc[0])
        entries = _number_entries(cells, depth)
    entries[DELTA_CLAIM] = entries[SAME_TEST_AS_DELTA] = _every_dataset_entry(noise_verdicts(stats))
    core = core_verdicts(stats)
    if not core.empty:
        for claim, part in core.groupby("claim"):
            entries[claim] = _every_dataset_entry(part)
    return claim_ids.map(lambda i: entries.get(i, ""))
