"""Copy a finished run into docs/record/: the paper's answer, readable without installing.

python -m noisefa_pipeline.record --results results/paper --out docs/record

The configuration is the one the results tree recorded when its run started
(configuration.json, noisefa.results_tree), never one named on this command line: a
tree made by a smoke run is recorded as a smoke run.

Copies claims (MD, CSV), the tables (CSV, Markdown, LaTeX), every figure as PNG, the
statistics (one CSV per study) and results/README.md (as results-README.md), then writes

- README.md: a gallery, one line of caption per figure beside the paper's claims about
  it and our verdicts, grouped by paper section;
- PROVENANCE.md: commit, dates, machine, package versions, wall time per session and
  per stage, the configuration's hash, and which claims were not run and why;
- CHANGES.md: where a record was there before (committed, or on disk), what changed
  since it: verdicts, claims, and the cost per study (record_changes);
- MANIFEST.sha256: every file's checksum (`sha256sum -c MANIFEST.sha256`), so an edit
  by hand is detectable (tests/test_record.py).

The new record is assembled beside the old one and swapped in only when complete.
"""

from __future__ import annotations

import io
import json
import os
import platform
import re
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd

from noisefa import results_tree
from noisefa.analysis.claims import claim_ids, summary_line
from noisefa.catalogue import FIGURES, TABLES, claim_targets, paper_order
from noisefa.cli.common import command_parser, log, run
from noisefa.cli.results_index import paper_name
from noisefa.errors import ResultError
from noisefa.files import sha256, write_csv

from .record_changes import (
    STAGE_CAPTION,
    STUDY_CAPTION,
    changed_verdicts,
    changes_since,
    committed,
    escape,
    previous_record,
)
from .sessions import git_commit, read_sessions

PACKAGES = (
    "noisefa",
    "torch",
    "torchvision",
    "numpy",
    "scipy",
    "statsmodels",
    "pandas",
    "matplotlib",
    "snakemake",
)
REQUIRED = ("claims.md", "claims.csv", "README.md", "tables", "figures", "stats")
THUMBNAIL_PX = 320
METHODS_DOC = Path(__file__).resolve().parents[2] / "docs" / "methods.md"  # the why of a verdict
MANIFEST = "MANIFEST.sha256"


# --- what to copy ------------------------------------------------------------------------


def record_files(results: Path) -> dict[str, Path]:
    """Record path -> results path of everything copied, refusing an unfinished run."""
    missing = [name for name in REQUIRED if not (results / name).exists()]
    if missing:
        raise ResultError(
            f"{results} is not a finished run (no {', '.join(missing)}); "
            "run the pipeline to the end first"
        )
    files = {
        "claims.md": results / "claims.md",
        "claims.csv": results / "claims.csv",
        "results-README.md": results / "README.md",
    }
    if (results / "claims.html").exists():
        files["claims.html"] = results / "claims.html"
    for folder, pattern in (("tables", "*.*"), ("figures", "*.png"), ("stats", "*.csv")):
        for path in sorted((results / folder).glob(pattern)):
            files[f"{folder}/{path.name}"] = path
    if not any(name.startswith("figures/") for name in files):
        raise ResultError(f"{results}/figures holds no PNG figure")
    return files


# --- the gallery ---------------------------------------------------------------------------


def _numbers(cell: str) -> list[float]:
    """The point estimates of a cell listing one value per row ('a [lo, hi]; b ...')."""
    values = []
    for part in str(cell).split("; "):
        found = re.search(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", part.split("=")[-1])
        if found:
            values.append(float(found.group()))
    return values


def _summary(cell: str, what: str) -> str:
    """A cell of one row as it is; of many rows, their range (a claim over 40 rows
    gives one short cell, claims.md gives each)."""
    parts = [x for x in str(cell).split("; ") if x.strip()]
    if len(parts) <= 1:
        return str(cell)
    values = _numbers(cell)
    if not values:
        return f"{len(parts)} rows"
    if what == "p":
        below = sum(v < 0.05 for v in values)
        return f"{below} of {len(values)} rows < 0.05; {min(values):.1e} to {max(values):.1e}"
    name = parts[0].split("=")[0].strip() + " " if "=" in parts[0] else ""
    return f"{len(values)} rows: {name}{min(values):.3g} to {max(values):.3g}"


def methods_anchors(methods: Path = METHODS_DOC) -> dict[str, str]:
    """{heading: anchor} of the sections under "Where the record differs" in
    docs/methods.md, which explain a verdict other than reproduced."""
    if not methods.is_file():
        return {}
    text = methods.read_text().split("## Where the record differs from the paper", 1)
    headings = re.findall(r"^### (.+)$", text[1], flags=re.M) if len(text) > 1 else []
    return {h: re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def _section_link(label: str, anchors: dict[str, str], fallback: str = "") -> str:
    """A link to the methods section about the figure or table `label` names ('Fig 2g',
    'Table S5'), else to the one whose heading starts with `fallback`."""
    heading = next((h for h in anchors if h.split(":")[0].split(",")[0].strip() in label), None)
    if heading is None and fallback:
        heading = next((h for h in anchors if h.startswith(fallback)), None)
    return f"[methods](../methods.md#{anchors[heading]})" if heading else ""


def _why_link(row: pd.Series, anchors: dict[str, str]) -> str:
    """The methods section that explains a claim's verdict: the one about its figure,
    else (for an inconclusive one) the section on the paper's n."""
    if row["verdict"] in ("reproduced", "not run"):
        return ""
    if row["verdict"] == "inconclusive":  # its figure's section when that one says so
        about = {h: a for h, a in anchors.items() if "inconclusive" in h.lower()}
        return _section_link(str(row["figure"]), about, "Inconclusive")
    return _section_link(str(row["figure"]), anchors)


def _claim_rows(rows: pd.DataFrame, anchors: dict[str, str]) -> list[str]:
    lines = [
        "| claim (the paper) | verdict | effect [95% CI] | p (Holm) | reason | why |",
        "|---|---|---|---|---|---|",
    ]
    for _, row in rows.iterrows():
        p = row["p_holm"] if str(row["p_holm"]).strip() else row["p"]
        cells = [
            f"{row['claim']} ({row['paper']})",
            f"**{row['verdict']}**",
            _summary(row["effect"], "effect") or _summary(row["difference"], "difference"),
            _summary(p, "p"),
            row["reason"],
            _why_link(row, anchors),
        ]
        lines.append("| " + " | ".join(escape(str(c)) for c in cells) + " |")
    return lines


def gallery_markdown(claims: pd.DataFrame, figures: list[str], tables: list[str]) -> str:
    """docs/record/README.md: every figure and table in the paper's order, each with one
    row per claim the paper makes of it (a claim about several figures sits under the
    first); the numbers of a table are summarised (claims.md lists each)."""
    anchors = methods_anchors()
    first_target: dict[int, str] = {}
    for index, label in claims["figure"].items():
        named = sorted(claim_targets(label), key=paper_order)
        if named:
            first_target[index] = named[0]
    lines = [
        "# The record: what the paper-scale run found",
        "",
        "Generated by `make record` (`noisefa_pipeline.record`); nothing here is edited by "
        "hand. [claims.md](claims.md) sets every claim beside our measurement; "
        "[PROVENANCE.md](PROVENANCE.md) says what ran, where and for how long; "
        "[results-README.md](results-README.md) indexes the files.",
        "",
        f"**{summary_line(claims)}**",
        "",
        "Below, each figure and table in the paper's order, with one row per claim the paper "
        "makes of it: the verdict under the written rule ([claims.md](claims.md) states it), "
        "the effect with its 95% CI, the Holm-adjusted p (for a claim over many rows: how "
        "many are significant, and their range), the reason for a verdict other than "
        "*reproduced*, and the section of [docs/methods.md](../methods.md) that explains "
        "where the record differs.",
        "",
    ]
    parts = {0: "Main text", 1: "Supplement", 2: "Beyond the paper"}
    shown = sorted({*figures, *tables}, key=paper_order)
    part = None
    for name in shown:
        if paper_order(name)[0] != part:
            part = paper_order(name)[0]
            lines += [f"## {parts[part]}", ""]
        spec = FIGURES.get(name) or TABLES.get(name)
        title = re.sub(rf"^{re.escape(paper_name(name))} - ", "", spec.title) if spec else ""
        lines += [f"### {paper_name(name)}: {escape(title)}", ""]
        if name in tables:
            lines += [f"[Markdown](tables/{name}.md), [CSV](tables/{name}.csv)", ""]
        else:
            lines += [
                f'<a href="figures/{name}.png"><img src="figures/{name}.png" '
                f'width="{THUMBNAIL_PX}"></a>',
                "",
            ]
        rows = claims.loc[[i for i, target in first_target.items() if target == name]]
        numbers, statements = rows[rows["kind"] == "number"], rows[rows["kind"] != "number"]
        if len(statements):
            lines += [*_claim_rows(statements, anchors), ""]
        if len(numbers):
            counts = numbers["verdict"].value_counts()
            tally = ", ".join(f"{n} {v}" for v, n in counts.items())
            lines += [
                f"{len(numbers)} numbers of the paper, each judged against ours: {tally} "
                f"([claims.md](claims.md) gives each; where they differ: "
                f"{_section_link(paper_name(name), anchors) or 'no methods section'}).",
                "",
            ]
        elsewhere = [
            paper_name(first_target[i])
            for i, label in claims["figure"].items()
            if name in claim_targets(label) and first_target.get(i) != name
        ]
        if elsewhere:
            lines += [f"Claims about it are listed under {', '.join(sorted(set(elsewhere)))}.", ""]
        if not len(rows) and not elsewhere:
            lines += ["The paper states no claim of its own about it.", ""]
    return "\n".join(lines)


# --- provenance ----------------------------------------------------------------------------


def tree_configuration(results: Path) -> dict:
    """The configuration record the results tree was made with (noisefa.results_tree):
    the record describes the run that made the results, whatever a command line says."""
    record = results_tree.read_record(results)
    if record is None:
        raise ResultError(
            f"{results} holds no {results_tree.RECORD}: it was not made by `make pipeline` "
            "or Snakemake with this version of the workflow, so what configuration made it "
            "is unknown"
        )
    return record


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> str:
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return "unknown"
    return f"{kib / 2**20:.0f} GiB"


def _gpus() -> str:
    try:
        listed = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "none"
    names = [line for line in listed.stdout.splitlines() if line.startswith("GPU")]
    return "; ".join(names) if names else "none"


def machine() -> dict[str, str]:
    return {
        "CPU": _cpu_model(),
        "cores (logical, usable)": f"{os.cpu_count()}, {len(os.sched_getaffinity(0))}",
        "memory": _memory_gib(),
        "GPU": _gpus(),
        "system": platform.platform(),
        "python": platform.python_version(),
    }


def versions() -> dict[str, str]:
    found = {}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def job_devices(results: Path) -> pd.DataFrame:
    """Where the networks trained, from the provenance beside every run's summary."""
    rows = []
    for path in (results / "runs").rglob("summary.json"):
        info = json.loads(path.read_text()).get("provenance", {})
        rows.append(
            {
                "device": info.get("device", "?"),
                "host": info.get("hostname", "?"),
                "torch": info.get("torch", "?"),
                "noisefa": info.get("noisefa", "?"),
                # the hash of the code that trained them (noisefa.code_version)
                "training code": str(info.get("training_code", "not recorded"))[:12],
            }
        )
    if not rows:
        columns = ["device", "host", "torch", "noisefa", "training code", "networks"]
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows)
    return frame.groupby(list(frame.columns)).size().reset_index(name="networks")


def stage_times(benchmarks: Path) -> pd.DataFrame:
    """Per rule: jobs, their summed run time and the span from the first job's start to
    the last one's end (a benchmark file is written as its job ends)."""
    rows = []
    for path in benchmarks.rglob("*.tsv"):
        seconds = _seconds(path)
        end = path.stat().st_mtime
        parts = path.relative_to(benchmarks).parts  # <rule>/.../<job>.tsv, or <rule>.tsv
        rows.append({"rule": parts[0] if len(parts) > 1 else path.stem, "s": seconds, "end": end})
    columns = ["stage", "jobs", "job hours", "first start", "last end"]
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows)
    frame["start"] = frame["end"] - frame["s"]
    stamp = lambda t: datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M")  # noqa: E731
    table = frame.groupby("rule").agg(
        jobs=("s", "size"), hours=("s", "sum"), start=("start", "min"), end=("end", "max")
    )
    table = table.sort_values("start").reset_index()
    return pd.DataFrame(
        {
            "stage": table["rule"],
            "jobs": table["jobs"],
            "job hours": (table["hours"] / 3600).round(2),
            "first start": table["start"].map(stamp),
            "last end": table["end"].map(stamp),
        }
    )


# Rules whose benchmark files sit under <rule>/<study>/..., so their time splits by study.
STUDY_RULES = ("train_networks", "noise_after_data")


def study_times(benchmarks: Path) -> pd.DataFrame:
    """Per study: jobs and job hours of its training jobs (STUDY_RULES); pretrainings and
    noise conditions are shared or have their own rule, so stage_times lists them."""
    rows = [
        {"study": path.relative_to(benchmarks / rule).parts[0], "s": _seconds(path)}
        for rule in STUDY_RULES
        for path in (benchmarks / rule).rglob("*.tsv")
    ]
    if not rows:
        return pd.DataFrame(columns=["study", "jobs", "job hours"])
    table = pd.DataFrame(rows).groupby("study")["s"].agg(["size", "sum"]).reset_index()
    table = table.sort_values("sum", ascending=False)
    return pd.DataFrame(
        {
            "study": table["study"],
            "jobs": table["size"],
            "job hours": (table["sum"] / 3600).round(2),
        }
    )


def _seconds(path: Path) -> float:
    return float(pd.read_csv(path, sep="\t")["s"].sum())


def not_run(claims: pd.DataFrame) -> pd.DataFrame:
    rows = claims[claims["verdict"].str.startswith("not run")]
    grouped = rows.groupby("reason", sort=False)["figure"]
    return pd.DataFrame(
        {
            "claims": grouped.size(),
            "figures and tables": grouped.agg(lambda f: ", ".join(dict.fromkeys(f))),
        }
    ).reset_index()


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.2f} h"


def _markdown(frame: pd.DataFrame) -> str:
    return frame.to_markdown(index=False) if len(frame) else "(none)"


def training_code_lines(made_with: dict) -> list[str]:
    """The code the tree was grown under (noisefa.code_version), and every change to it
    that was accepted during the run."""
    code = made_with.get("training_code")
    if code is None:
        return ["- **Training code:** not recorded (the tree predates noisefa.code_version)"]
    since = f", recorded since {code['recorded_since']}" if "recorded_since" in code else ""
    lines = [
        f"- **Training code:** hash `{code['hash'][:16]}` ({len(code['files'])} files that "
        f"train networks or make their data{since}); each network's `summary.json` "
        "records the hash it was trained under (table below)"
    ]
    for change in made_with.get("code_changes", []):
        old, new = change["from"][:12], change["to"][:12]
        lines.append(
            f"  - accepted {change['accepted']} ({results_tree.ACCEPT_CODE}=1): `{old}` -> "
            f"`{new}`, {', '.join(change['files'])}"
        )
    return lines


def provenance_markdown(
    results: Path,
    claims: pd.DataFrame,
    sessions: pd.DataFrame,
    stages: pd.DataFrame,
    studies: pd.DataFrame,
) -> str:
    made_with = tree_configuration(results)
    files = made_with["configfiles"] or ["config/config.yaml"]
    commit = git_commit(results)
    session_commits = sorted(set(sessions["commit"])) if len(sessions) else []
    lines = [
        "# Provenance of the record",
        "",
        "Written by `noisefa_pipeline.record`; nothing in this folder is edited by hand.",
        "",
        f"- **Commit:** `{commit}` (the checkout whose results these are, when the record "
        "was made)",
    ]
    if session_commits and session_commits != [commit]:
        lines.append(
            f"- **Commits the pipeline ran at:** {', '.join(f'`{c}`' for c in session_commits)}"
        )
    lines += [
        f"- **Record made:** {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- **Configuration:** `config/config.yaml` + {' + '.join(f'`{p}`' for p in files)} "
        f"(as recorded in the results tree `{results}` when its run started, "
        f"{made_with['created']}), hash `{made_with['hash'][:16]}` (sha256 of the merged "
        "configuration as sorted JSON, less where data comes from)",
        f"- **Verdicts:** {summary_line(claims)}",
        *training_code_lines(made_with),
        "",
        "## Machine",
        "",
        *(f"- {key}: {value}" for key, value in machine().items()),
        "",
        "Where the networks trained (from each run's `summary.json`):",
        "",
        _markdown(job_devices(results)),
        "",
        "## Package versions",
        "",
        *(f"- {name} {value}" for name, value in versions().items()),
        "",
        "## Wall time",
        "",
    ]
    if len(sessions):
        total = sessions["seconds"].astype(float).sum()
        lines += [
            f"**{_hours(total)}** of wall time in {len(sessions)} session(s) of "
            "`make record` (`sessions.csv`; an interrupted run resumes in the next session):",
            "",
            _markdown(sessions),
        ]
    else:
        lines.append("No sessions were logged (the pipeline was not run through `make record`).")
    restores = results / "restores.csv"
    if restores.exists():
        carried = pd.read_csv(restores, keep_default_na=False)
        lines += [
            "",
            f"The run was carried between sessions by {len(carried)} snapshot(s) "
            "(`noisefa_pipeline.snapshot`); restoring them, which rebuilds the staged data "
            f"and the pretrainings still to be read, took {_hours(carried['seconds'].sum())}, "
            "not counted above (`restores.csv`):",
            "",
            _markdown(carried),
        ]
    lines += [
        "",
        f"{STAGE_CAPTION} (job hours: summed run time of the stage's jobs; two run at a "
        "time on two cores):",
        "",
        _markdown(stages),
        "",
        f"{STUDY_CAPTION} (`train_networks` and `noise_after_data`):",
        "",
        _markdown(studies),
        "",
        "## Claims not run, and why",
        "",
        _markdown(not_run(claims)),
        "",
    ]
    return "\n".join(lines)


# --- assembling the folder -----------------------------------------------------------------


def write_record(results: Path, out: Path, sessions_file: Path, since: str | None = "HEAD") -> int:
    """Assemble the record beside `out` and swap it in; returns its size in bytes. Where
    a record was there before (committed at git ref `since`, or on disk), CHANGES.md
    says what changed since it (record_changes)."""
    tree_configuration(results)  # a tree of unknown configuration is refused first
    files = record_files(results)
    claims = pd.read_csv(results / "claims.csv", keep_default_na=False)
    sessions = read_sessions(sessions_file)
    stages, studies = stage_times(results / "benchmarks"), study_times(results / "benchmarks")
    previous = previous_record(out, since)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for name, source in files.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, staging / name)
        if sessions_file.exists():
            shutil.copyfile(sessions_file, staging / "sessions.csv")
        if (results / "restores.csv").exists():
            shutil.copyfile(results / "restores.csv", staging / "restores.csv")
        figures = sorted(p.stem for p in (staging / "figures").glob("*.png"))
        tables = sorted({p.stem for p in (staging / "tables").glob("*.md")})
        (staging / "README.md").write_text(gallery_markdown(claims, figures, tables))
        provenance = provenance_markdown(results, claims, sessions, stages, studies)
        (staging / "PROVENANCE.md").write_text(provenance)
        if previous is not None:
            changes = changes_since(
                previous, claims, git_commit(results), sessions, stages, studies
            )
            (staging / "CHANGES.md").write_text(changes)
        size = sum(p.stat().st_size for p in staging.rglob("*") if p.is_file())
        swap_in(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return size


def swap_in(staging: Path, out: Path) -> None:
    """Write the manifest of a complete staged record, then put it in `out`'s place (the
    old record goes only once the new one is there)."""
    listed = sorted(p for p in staging.rglob("*") if p.is_file() and p.name != MANIFEST)
    (staging / MANIFEST).write_text(
        "".join(f"{sha256(p)}  {p.relative_to(staging)}\n" for p in listed)
    )
    old = out.with_name(f".{out.name}.old")
    if out.exists():
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)
    out.chmod(0o755)  # mkdtemp makes it owner-only
    pin_of(out).write_text(f"{sha256(out / MANIFEST)}  {out.name}/{MANIFEST}\n")


def pin_of(folder: Path) -> Path:
    """The file beside a record that pins its manifest's own hash (docs/record ->
    docs/record.MANIFEST.sha256): editing a file and its manifest line together is
    caught, as the pin lives outside the folder it checks."""
    return folder.with_name(f"{folder.name}.{MANIFEST}")


# --- re-deriving the verdicts of a record ----------------------------------------------


def _why_changed(old: pd.Series, new: pd.Series) -> str:
    """Which part of the verdict rule moved a claim (issue 33's rule, docs/methods.md)."""
    if new["kind"] == "number":
        if str(new["claim"]).split(",")[-1].strip().startswith("ΔACC"):
            return (
                "ΔACC is judged within ± half the paper's effect (at least 0.25 pp) by Welch "
                "TOST, not within an absolute 1 pp by its point estimate"
            )
        return (
            "Table S5 numbers need Welch TOST within ±1 pp (the point estimate within 1 pp "
            "is not enough), and are contradicted only when the 95% CI lies wholly beyond it"
        )
    reasons = []
    if "from the row's summary" in str(new["test"]):
        reasons.append(
            "redesigned so that its test can pass and fail: one test per network, from the "
            "study's network-level row (docs/methods.md, Margins)"
        )
        return "; ".join(reasons)
    if "one-sided" in str(new["reason"]):
        reasons.append("tested one-sided, as the claim is worded ('no closer')")
    if old["test"] != new["test"]:
        reasons.append(f"the claim's design: {new['test']} (was {old['test']})")
    if ";" in str(new["p_holm"]):
        count = len(str(new["p_holm"]).split(";"))
        reasons.append(f"Holm adjustment over the claim's {count} rows decides")
    elif str(new["p_holm"]) != str(old["p_holm"]):
        reasons.append("Holm within the claim (not over the whole study, both tests)")
    return "; ".join(reasons) or "the verdict rule (docs/methods.md, Verdicts)"


def changes_markdown(old: pd.DataFrame, new: pd.DataFrame, commit: str) -> str:
    merged, changed = changed_verdicts(old, new)
    lines = [
        "# Changes to the record's verdicts",
        "",
        f"Re-derived by `python -m noisefa_pipeline.record --rederive` at commit `{commit}`",
        "from the record's own statistics and tables (no network was trained again), under",
        "the written verdict rule (`docs/methods.md`, Verdicts): each claim's declared",
        "design picks its test (paired where seeds are shared), Holm over the claim's rows",
        "decides, and Table S5 numbers are judged by Welch TOST within their margin.",
        "",
        f"- before: {summary_line(old)}",
        f"- after: {summary_line(new)}",
        f"- {len(changed)} verdicts of the first {len(old)} claims changed:",
        "",
        "| claim | figure | was | now | why | now, in numbers |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| `{now['id']}` | {now['figure']} | {then['verdict']} | {now['verdict']} | "
        f"{escape(_why_changed(then, now))} | {escape(str(now['reason']))} |"
        for then, now in changed
    ]
    added = new[~new["id"].isin(old["id"])]
    if len(added):
        lines += [
            "",
            f"{len(added)} statements of the paper became claims (its words in "
            "`paper_claims.yaml`):",
            "",
            "| claim | figure | verdict | ours | why |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| `{r['id']}` | {r['figure']} | {r['verdict']} | {escape(str(r['ours']))} | "
            f"{escape(str(r['reason']) or '-')} |"
            for _, r in added.iterrows()
        ]
    retested = merged[
        (merged["verdict_old"] == merged["verdict_new"])
        & (merged["kind_new"] == "claim")
        & (merged["test_old"] != merged["test_new"])
    ]
    if len(retested):
        lines += [
            "",
            f"{len(retested)} claims are tested differently with the same verdict:",
            "",
            "| claim | verdict | test then | test now | now, in numbers |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| `{r['id']}` | {r['verdict_new']} | {r['test_old']} | {r['test_new']} | "
            f"{escape(str(r['reason_new']))} |"
            for _, r in retested.iterrows()
        ]
    return "\n".join(lines) + "\n"


def first_verdicts(folder: Path) -> str:
    """claims.csv as this record's run first committed it: CHANGES.md of a re-derived
    record lists what changed since then, however often the verdicts are re-derived. The
    run is the one PROVENANCE.md names; a record from an earlier run at the same path
    (an older version in git) is not this record's start."""
    found = subprocess.run(
        ["git", "-C", str(folder), "log", "--reverse", "--format=%H", "--", "claims.csv"],
        capture_output=True, text=True,
    )  # fmt: skip
    run_line = re.search(r"- \*\*Commit:\*\* .*", (folder / "PROVENANCE.md").read_text())
    for commit in found.stdout.split() if found.returncode == 0 else []:
        provenance = committed(folder, "PROVENANCE.md", commit) or ""
        if run_line and run_line.group(0) in provenance:
            return committed(folder, "claims.csv", commit) or ""
    return (folder / "claims.csv").read_text()  # not committed yet: the file is the first


def rederive(folder: Path) -> pd.DataFrame:
    """The record's verdicts again, from its own statistics and tables, under today's
    rule: claims.*, the gallery, PROVENANCE's verdict line, CHANGES.md and the manifest
    are rewritten together (staged, then swapped in)."""
    from noisefa.analysis.claims import evaluate_claims, to_html, to_markdown

    problems = [p for p in record_problems(folder) if "ids differ" not in p]
    if problems:
        raise ResultError(f"{folder} is not a clean record:\n- " + "\n- ".join(problems))
    old = pd.read_csv(io.StringIO(first_verdicts(folder)), keep_default_na=False)
    studies = sorted(p.stem for p in (folder / "stats").glob("*.csv"))
    new = evaluate_claims(folder, studies)
    new = pd.read_csv(io.StringIO(new.to_csv(index=False)), keep_default_na=False)
    unmeasured = (
        ~new["id"].isin(old["id"])
        & (new["verdict"] == "not run")
        & (new["reason"] == "no matching result in this configuration")
    )
    new.loc[unmeasured, "reason"] = (
        "not in this record's statistics: the measure was added after its run"
    )
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        shutil.copytree(folder, staging, dirs_exist_ok=True)
        write_csv(staging / "claims.csv", new)
        (staging / "claims.md").write_text(to_markdown(new))
        (staging / "claims.html").write_text(to_html(new))
        figures = sorted(p.stem for p in (staging / "figures").glob("*.png"))
        tables = sorted({p.stem for p in (staging / "tables").glob("*.md")})
        (staging / "README.md").write_text(gallery_markdown(new, figures, tables))
        provenance = (staging / "PROVENANCE.md").read_text()
        provenance = re.sub(
            r"- \*\*Verdicts:\*\* .*",
            f"- **Verdicts:** {summary_line(new)} (re-derived from this record's statistics "
            "under the written verdict rule; CHANGES.md lists every change)",
            provenance,
        )
        (staging / "PROVENANCE.md").write_text(provenance)
        commit = git_commit(folder)
        (staging / "CHANGES.md").write_text(changes_markdown(old, new, commit))
        swap_in(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    folder.chmod(0o755)
    return new


# --- checking a record -------------------------------------------------------------------


def record_problems(folder: Path) -> list[str]:
    """What makes `folder` not an untouched record of the committed claims (empty: none)."""
    manifest = folder / MANIFEST
    if not manifest.exists():
        return [f"{manifest} is missing"]
    problems, listed = [], set()
    for line in manifest.read_text().splitlines():
        digest, _, name = line.partition("  ")
        listed.add(name)
        path = folder / name
        if not path.exists():
            problems.append(f"{name} is listed in {MANIFEST} but missing")
        elif sha256(path) != digest:
            problems.append(f"{name} differs from the record as written (edited by hand?)")
    present = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    extra = sorted(present - listed - {MANIFEST})
    problems += [f"{name} is not part of the record as written" for name in extra]
    pin = pin_of(folder)
    if not pin.exists():
        problems.append(f"{pin} is missing: nothing outside the record pins its manifest")
    elif pin.read_text().split()[:1] != [sha256(manifest)]:
        problems.append(
            f"{MANIFEST} is not the manifest pinned in {pin} (were a file and its manifest "
            "line edited together?)"
        )
    claims = folder / "claims.csv"
    if claims.exists():
        frame = pd.read_csv(claims, keep_default_na=False)
        if list(frame["id"]) != claim_ids():
            problems.append(
                "claims.csv does not judge the claims of the committed paper_claims.yaml "
                "(ids differ); run `make record` again"
            )
        counts = f"**{summary_line(frame)}.**"
        if counts not in _read(folder / "claims.md"):
            problems.append(f"claims.md does not open with claims.csv's counts ({counts})")
    commit = re.search(
        r"\*\*Commit:\*\* `([0-9a-f]{40})(\+changes)?`", _read(folder / "PROVENANCE.md")
    )
    if not commit:
        problems.append("PROVENANCE.md names no commit")
    elif commit.group(2):
        problems.append("PROVENANCE.md: the record was made from uncommitted changes")
    elif not _commit_exists(commit.group(1), folder):
        problems.append(f"PROVENANCE.md names commit {commit.group(1)}, not in this repository")
    return problems


def _read(path: Path) -> str:
    return path.read_text() if path.exists() else ""


def _commit_exists(commit: str, folder: Path) -> bool:
    found = subprocess.run(
        ["git", "-C", str(folder), "cat-file", "-e", f"{commit}^{{commit}}"], capture_output=True
    )
    return found.returncode == 0


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("noisefa_pipeline.record", __doc__)
    parser.add_argument(
        "--results",
        type=Path,
        default=Path("results/paper"),
        help="the results tree (its configuration.json says which configuration made it)",
    )
    parser.add_argument("--out", type=Path, default=Path("docs/record"))
    parser.add_argument(
        "--sessions",
        type=Path,
        help="the run's sessions (noisefa_pipeline.sessions); default RESULTS/sessions.csv",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="only check OUT: checksums, claim ids and the named commit",
    )
    parser.add_argument(
        "--rederive",
        action="store_true",
        help="judge OUT's claims again from its own statistics under today's verdict rule "
        "(CHANGES.md lists what changed and why); nothing is retrained",
    )
    parser.add_argument(
        "--since",
        default="HEAD",
        help="the git ref whose committed OUT is the record replaced (CHANGES.md compares "
        "with it; OUT on disk where it is not committed)",
    )
    args = parser.parse_args(argv)
    if args.rederive:
        new = rederive(args.out)
        log(f"{args.out}: verdicts re-derived: {summary_line(new)}; see CHANGES.md")
        return
    if args.check:
        problems = record_problems(args.out)
        if problems:
            raise ResultError(f"{args.out} is not a clean record:\n- " + "\n- ".join(problems))
        log(f"{args.out}: every file as written, claims and commit check out")
        return
    sessions = args.sessions or args.results / "sessions.csv"
    size = write_record(args.results, args.out, sessions, args.since)
    log(f"record written to {args.out}: {size / 2**20:.1f} MiB")


if __name__ == "__main__":
    run(main)
