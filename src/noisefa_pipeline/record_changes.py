"""CHANGES.md of a record made from a new run: what changed since the record it replaces.

The record it replaces is the one committed at `--since` (default HEAD), read from git,
or the folder on disk where nothing is committed yet; so remaking an uncommitted record
still compares with the last committed one. CHANGES.md lists the verdict counts then
and now; every claim whose verdict changed, with what changed in its test and its
numbers; the claims added and removed; and the cost, then and now: wall time, job
hours, and job hours per study (read from the old record's PROVENANCE.md, whose tables
this package writes under the captions below).
"""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from noisefa.analysis.claims import summary_line

STAGE_CAPTION = "Per stage, from Snakemake's benchmark files"
STUDY_CAPTION = "Training jobs per study"
NOT_RUN = "not run"


def escape(text: str) -> str:
    """A Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


@dataclass(frozen=True)
class Previous:
    """The record being replaced: its verdicts, provenance text and sessions."""

    claims: pd.DataFrame
    provenance: str
    sessions: pd.DataFrame
    where: str  # "committed at <ref>" or "on disk"

    @property
    def commit(self) -> str:
        found = re.search(r"\*\*Commit:\*\* `([0-9a-f]+)`", self.provenance)
        return found.group(1) if found else "unknown"


def committed(folder: Path, name: str, ref: str) -> str | None:
    """A record file's text as committed at git ref `ref`; None if it is not."""
    if not folder.parent.is_dir():
        return None
    shown = subprocess.run(
        ["git", "-C", str(folder.parent), "show", f"{ref}:./{folder.name}/{name}"],
        capture_output=True, text=True,
    )  # fmt: skip
    return shown.stdout if shown.returncode == 0 else None


def previous_record(folder: Path, since: str | None = "HEAD") -> Previous | None:
    """The record at `folder` as committed at `since`, else as on disk; None if none.
    Every file comes from the same place, so a record is never mixed with another."""
    if since and committed(folder, "claims.csv", since) is not None:
        where = f"committed at {since}"

        def text(name: str) -> str | None:
            return committed(folder, name, since)

    elif (folder / "claims.csv").is_file():
        where = "on disk"

        def text(name: str) -> str | None:
            path = folder / name
            return path.read_text() if path.is_file() else None

    else:
        return None
    sessions = text("sessions.csv")
    logged = _frame(sessions) if sessions else pd.DataFrame(columns=["seconds"])
    return Previous(_frame(text("claims.csv")), text("PROVENANCE.md") or "", logged, where)


def _frame(csv: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(csv), keep_default_na=False)


def table_after(text: str, caption: str) -> pd.DataFrame:
    """The Markdown pipe table under the paragraph that starts with `caption`."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(caption)), None)
    rows: list[str] = []
    for line in lines[start + 1 :] if start is not None else []:
        if line.startswith("|"):
            rows.append(line)
        elif rows:
            break
    if len(rows) < 2:
        return pd.DataFrame()
    cells = [[c.strip() for c in row.strip().strip("|").split("|")] for row in rows]
    frame = pd.DataFrame(cells[2:], columns=cells[0])  # the second row aligns the columns
    for column in ("jobs", "job hours"):
        if column in frame:
            frame[column] = pd.to_numeric(frame[column])
    return frame


def _what_changed(old: pd.Series, new: pd.Series) -> str:
    if old["verdict"].startswith(NOT_RUN):
        return f"measured now (then: {old['reason'] or old['verdict']})"
    if new["verdict"].startswith(NOT_RUN):
        return f"not measured now: {new['reason'] or new['verdict']}"
    if old["test"] != new["test"]:
        return f"tested by {new['test']} (then {old['test']})"
    return "the same test on the new run's networks"


def _numbers(row: pd.Series) -> str:
    """What was measured: ours, the difference [CI] and the deciding p, where given."""
    parts = [str(row["ours"]), str(row["difference"])]
    parts += [f"p {row['p_holm']}"] if str(row["p_holm"]) else []
    return escape("; ".join(p for p in parts if p))


def changed_verdicts(
    old: pd.DataFrame, new: pd.DataFrame
) -> tuple[pd.DataFrame, list[tuple[pd.Series, pd.Series]]]:
    """The claims both tables judge (columns suffixed _old, _new), and (then, now) rows
    of each claim whose verdict changed (this module's changelog and a re-derived
    record's)."""
    merged = old.merge(new, on="id", suffixes=("_old", "_new"))
    changed = merged[merged["verdict_old"] != merged["verdict_new"]]
    pairs = [
        (row.rename(lambda c: c.removesuffix("_old")), row.rename(lambda c: c.removesuffix("_new")))
        for _, row in changed.iterrows()
    ]
    return merged, pairs


def verdict_lines(old: pd.DataFrame, new: pd.DataFrame) -> list[str]:
    both, changed = changed_verdicts(old, new)
    lines = [
        f"- then: {summary_line(old)}",
        f"- now: {summary_line(new)}",
        "",
        f"### {len(changed)} of the {len(both)} claims in both changed their verdict",
        "",
    ]
    if changed:
        lines += [
            "| claim | figure | then | now | what changed | then, in numbers | now, in numbers |",
            "|---|---|---|---|---|---|---|",
        ]
    lines += [
        f"| `{now['id']}` | {now['figure']} | {then['verdict']} | {now['verdict']} | "
        f"{escape(_what_changed(then, now))} | {_numbers(then)} | {_numbers(now)} |"
        for then, now in changed
    ]
    for title, rows in (
        ("added (new claims)", new[~new["id"].isin(old["id"])]),
        ("removed", old[~old["id"].isin(new["id"])]),
    ):
        if len(rows):
            lines += ["", f"### {len(rows)} claims {title}", "", "| claim | figure | verdict |"]
            lines += ["|---|---|---|"]
            lines += [
                f"| `{r['id']}` | {r['figure']} | {r['verdict']} |" for _, r in rows.iterrows()
            ]
    return lines


def _hours(frame: pd.DataFrame, column: str, scale: float = 1.0) -> str:
    return f"{frame[column].astype(float).sum() / scale:.2f} h" if len(frame) else "not logged"


def cost_lines(
    previous: Previous, sessions: pd.DataFrame, stages: pd.DataFrame, studies: pd.DataFrame
) -> list[str]:
    old_stages = table_after(previous.provenance, STAGE_CAPTION)
    old_studies = table_after(previous.provenance, STUDY_CAPTION)
    lines = [
        "| | then | now |",
        "|---|---|---|",
        f"| wall time (sessions of `make record`) | {_hours(previous.sessions, 'seconds', 3600)}"
        f" | {_hours(sessions, 'seconds', 3600)} |",
        f"| job hours (every job) | {_hours(old_stages, 'job hours')} | "
        f"{_hours(stages, 'job hours')} |",
        f"| jobs | {int(old_stages['jobs'].sum()) if len(old_stages) else '?'} | "
        f"{int(stages['jobs'].sum()) if len(stages) else '?'} |",
        "",
        "Training jobs per study (job hours):",
        "",
    ]
    columns = ["study", "jobs", "job hours"]
    both = pd.merge(
        old_studies.reindex(columns=columns),
        studies.reindex(columns=columns),
        on="study",
        how="outer",
        suffixes=(" then", " now"),
    ).sort_values("job hours now", ascending=False, na_position="last")
    for when in ("then", "now"):  # a study one run did not have shows '-'
        jobs, hours = both[f"jobs {when}"], both[f"job hours {when}"]
        both[f"jobs {when}"] = jobs.map(lambda n: "-" if pd.isna(n) else f"{int(n)}")
        both[f"job hours {when}"] = hours.map(lambda h: "-" if pd.isna(h) else f"{h:.2f}")
    table = both.to_markdown(index=False, disable_numparse=True)  # keep "2.00" and "-"
    return lines + [table if len(both) else "(none)"]


def changes_since(
    previous: Previous,
    claims: pd.DataFrame,
    commit: str,
    sessions: pd.DataFrame,
    stages: pd.DataFrame,
    studies: pd.DataFrame,
) -> str:
    """CHANGES.md of a new record, against the record it replaces."""
    lines = [
        "# Changes since the previous record",
        "",
        f"This record (commit `{commit}`) comes from a new run; the record it replaces "
        f"(commit `{previous.commit}`, {previous.where}) came from an earlier one. Its "
        "CHANGES.md, in git, says how that record changed before.",
        "",
        "## Verdicts",
        "",
        *verdict_lines(previous.claims, claims),
        "",
        "## Cost",
        "",
        *cost_lines(previous, sessions, stages, studies),
    ]
    return "\n".join(lines) + "\n"
