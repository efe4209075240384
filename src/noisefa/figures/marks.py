"""What a figure's marks and spreads stand for, so that every figure states it in a
footnote the plot job stamps from what the figure drew: the tests behind its significance
marks with their n, the networks behind its bands and bars, and where a mark runs
opposite to a claim of the paper."""

from __future__ import annotations

import numpy as np
import pandas as pd

_USED: list[pd.DataFrame] = []
_SPREADS: list[tuple[str, int, int, bool]] = []  # (kind, fewest, most networks, cut)

TEST_NAMES = {"independent t (Student)": "Student t"}


def reset() -> None:
    _USED.clear()
    _SPREADS.clear()


def record(rows: pd.DataFrame) -> None:
    """Remember the statistics rows a figure drew marks from."""
    if len(rows):
        _USED.append(rows)


def spread(kind: str, fewest: int, most: int, clipped: bool = False) -> None:
    """Remember a spread the figure drew ("Bands": mean +- sd along a curve; "Bars": mean
    +- sd bars): how many networks each mean averages, and whether it was cut at the
    measure's range."""
    _SPREADS.append((kind, fewest, most, clipped))


def band_note() -> str:
    """'Bands: mean +- 1 sd over n = 10 networks per point. Bars: ...' ('' if none)."""
    notes = []
    for kind, what in (("Bands", "per point"), ("Bars", "per bar, dots = networks")):
        mine = [s for s in _SPREADS if s[0] == kind]
        if not mine:
            continue
        low, high = min(s[1] for s in mine), max(s[2] for s in mine)
        n = f"n = {low}" if low == high else f"n = {low}-{high}"
        cut = "; cut at the measure's range" if any(s[3] for s in mine) else ""
        notes.append(f"{kind}: mean +- 1 sd over {n} networks {what}{cut}.")
    return " ".join(notes)


def _n(row) -> str:
    unit = row["unit"] if isinstance(row.get("unit"), str) else ""
    n_b = row.get("n_b")
    paired_or_one = "paired" in row["test"] or "one-sample" in row["test"]
    if paired_or_one or n_b is None or not np.isfinite(n_b):
        text = f"n = {int(row['n_a'])}"
    else:
        text = f"n = {int(row['n_a'])} + {int(n_b)}"
    return f"{text} {unit}".strip()


CONTEXT = ("dataset", "test_set", "depth", "train_size", "variant", "std", "noise_epochs")


def contradictions(rows: pd.DataFrame, figure: str | None = None) -> dict[str, list[str]]:
    """The marks of this figure whose effect runs opposite to one of the paper's claims,
    judged as the claims table judges them: {"significant": [...], "not significant":
    [...]}. The claims are those that select rows of this figure, or, when they select
    none by figure, that the paper makes about it (its label). A claim's own design's
    test is read where the figure drew it; otherwise the test of the figure's marks."""
    from ..analysis.claims import CONTRADICTED, OPPOSITE, judge, matches, test_of
    from ..catalogue import claim_targets
    from ..paper import paper_claims

    spec = paper_claims()
    found: dict[str, list[str]] = {"significant": [], "not significant": []}
    for claim in spec["claims"]:
        check = claim["check"]
        about_it = figure is not None and figure in claim_targets(claim.get("figure", ""))
        if check["kind"] != "test" or not ("figure" in check.get("where", {}) or about_it):
            continue
        own = rows[rows["test"] == test_of(check)]
        selected = own if len(own) else rows
        for column, condition in check["where"].items():
            selected = selected[matches(selected[column], condition)] if column in selected else []
        for _, row in pd.DataFrame(selected).iterrows():
            judged = judge(row, check["expect"], spec["alpha"], check.get("margin"))
            where = ", ".join(
                f"{c} {row[c]:g}" if isinstance(row[c], float) else f"{c} {row[c]}"
                for c in CONTEXT
                if c in row and pd.notna(row[c])
            )
            text = f"{row['comparison']}" + (f" ({where})" if where else "")
            if judged.verdict == CONTRADICTED:
                found["significant"].append(text)
            elif judged.reason.startswith(OPPOSITE):
                test = TEST_NAMES.get(row["test"], row["test"])
                found["not significant"].append(f"{text}, {test} p = {row['p']:.2g}")
    return {kind: list(dict.fromkeys(items)) for kind, items in found.items()}


def footnote(figure: str | None = None) -> str:
    """'Marks: Student t (two-sided), n = 3 + 3 networks; paired t, n = 3 networks. ***
    P < 0.001, ** < 0.01, * < 0.05, NS >= 0.05' for the tests this figure used ('' if none)."""
    if not _USED:
        return band_note()
    rows = pd.concat(_USED, ignore_index=True)
    seen = dict.fromkeys(
        f"{TEST_NAMES.get(r['test'], r['test'])}, {_n(r)}" for _, r in rows.iterrows()
    )
    tests = "; ".join(list(seen)[:4]) + ("; ..." if len(seen) > 4 else "")
    note = f"Marks: {tests} (two-sided). *** P < 0.001, ** < 0.01, * < 0.05, NS >= 0.05"
    opposite = contradictions(rows, figure)
    for kind, head in (
        ("significant", "Significant in the direction opposite to the paper's claim"),
        ("not significant", "In the direction opposite to the paper's claim, not significant"),
    ):
        if items := opposite[kind]:
            note += f"\n{head}: " + "; ".join(items[:3]) + ("; ..." if len(items) > 3 else "")
    return "\n".join(x for x in (note, band_note()) if x)
