"""The results of record (`make record`): the sessions log, the copy into docs/record/,
its gallery and provenance, and the check that a committed record is untouched."""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from noisefa import results_tree
from noisefa.analysis.claims import claim_ids, evaluate_claims, summary_line, to_markdown
from noisefa.catalogue import FIGURES
from noisefa.errors import ResultError
from noisefa.paper import paper_claims
from noisefa_pipeline import record
from noisefa_pipeline.sessions import read_sessions

REPO = Path(__file__).resolve().parents[1]
RECORD = REPO / "docs" / "record"
GIT = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org"]


def sessions_command(path, *command):
    return subprocess.run(
        [sys.executable, "-m", "noisefa_pipeline.sessions", str(path), "--", *command],
        capture_output=True,
        text=True,
    )


def test_each_session_is_logged_with_its_exit_code(tmp_path):
    log = tmp_path / "results" / "sessions.csv"
    failed = sessions_command(log, sys.executable, "-c", "import sys; sys.exit(3)")
    assert failed.returncode == 3  # the command's failure is the caller's failure
    sessions_command(log, sys.executable, "-c", "pass")
    frame = read_sessions(log)
    assert list(frame["exit_code"]) == [3, 0] and (frame["seconds"] >= 0).all()
    assert frame["command"].iloc[1].endswith("-c pass")


def test_a_session_stopped_by_sigterm_logs_its_row_and_stops_what_its_command_started(
    tmp_path,
):
    """A batch system's SIGTERM reaches the command and the processes it started (as
    make starts Snakemake, which starts training jobs); the row is still written."""
    import signal
    import time

    log, pid_file = tmp_path / "sessions.csv", tmp_path / "pids"
    sleeper = "import time; time.sleep(60)"
    script = (
        "import os, subprocess, sys, time; "
        f"inner = subprocess.Popen([sys.executable, '-c', {sleeper!r}]); "
        f"open({str(pid_file)!r}, 'w').write(f'{{os.getpid()}} {{inner.pid}}'); "
        "time.sleep(60)"
    )
    wrapper = subprocess.Popen(
        [sys.executable, "-m", "noisefa_pipeline.sessions", str(log), "--", sys.executable,
         "-c", script],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    for _ in range(100):
        if pid_file.exists() and pid_file.read_text():
            break
        time.sleep(0.1)
    pids = [int(p) for p in pid_file.read_text().split()]
    wrapper.send_signal(signal.SIGTERM)
    assert wrapper.wait(timeout=30) == 128 + signal.SIGTERM
    sessions = read_sessions(log)
    assert sessions["exit_code"].tolist() == [128 + signal.SIGTERM]
    assert sessions["cpu"].iloc[0].startswith(platform.machine())
    for pid in pids:  # neither the command nor what it started outlived its session
        for _ in range(50):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            raise AssertionError(f"process {pid} outlived its session")


def test_a_damaged_sessions_log_stops_before_the_run(tmp_path):
    log = tmp_path / "sessions.csv"
    log.write_text("not,a,sessions,file\n")
    marker = tmp_path / "ran"
    done = sessions_command(log, sys.executable, "-c", f"open({str(marker)!r}, 'w')")
    assert done.returncode == 2 and "not a sessions file" in done.stderr
    assert not marker.exists() and log.read_text() == "not,a,sessions,file\n"


@pytest.mark.parametrize(
    "label, targets",
    [
        ("Fig 2b", ["fig2b"]),
        ("Fig 4d / S12", ["fig4d", "figS12"]),
        ("Fig 4g,h", ["fig4g", "fig4h"]),
        ("Table 1 / S5", ["table1", "tableS5"]),
        ("Table S5 / B.5", ["tableS5"]),
        ("Fig S11", ["figS11"]),
    ],
)
def test_a_claims_label_names_its_figures(label, targets):
    assert record.claim_targets(label) == targets


def test_every_claim_names_figures_or_tables_that_exist():
    known = set(FIGURES) | {"table1", "tableS5"}
    for claim in paper_claims()["claims"]:
        targets = record.claim_targets(claim["figure"])
        assert targets and set(targets) <= known, (claim["id"], claim["figure"])


def finished_run(root):
    """A results folder with everything a record copies, in a committed checkout."""
    results = root / "results"
    for folder in (
        "figures",
        "tables",
        "stats",
        "benchmarks/train_networks/fast_learning",
        "runs/a/seed0",
    ):
        (results / folder).mkdir(parents=True)
    claims = evaluate_claims(results, [])  # the real claims, every one 'not run' here
    claims.to_csv(results / "claims.csv", index=False)
    (results / "claims.md").write_text(to_markdown(claims))
    (results / "README.md").write_text("# Results\n")
    for figure in ("fig2b", "figS1"):
        (results / "figures" / f"{figure}.png").write_bytes(b"\x89PNG" + figure.encode())
    (results / "figures" / "fig2b.pdf").write_bytes(b"%PDF")  # not copied: PNG only
    (results / "tables" / "table1.md").write_text("| a |\n")
    (results / "tables" / "table1.csv").write_text("a\n1\n")
    (results / "stats" / "fast_learning.csv").write_text("p\n0.01\n")
    (results / "benchmarks" / "train_networks" / "fast_learning" / "bp.tsv").write_text(
        "s\tmax_rss\n7200\t1\n"
    )
    summary = {"provenance": {"device": "cpu", "hostname": "h", "torch": "t", "noisefa": "n"}}
    (results / "runs" / "a" / "seed0" / "summary.json").write_text(json.dumps(summary))
    (root / "config.yaml").write_text("studies: {benchmark: {networks: 3}}\n")
    # the tree records the configuration its run started with (noisefa.results_tree)
    results_tree.check_or_record(
        str(results), {"studies": {"benchmark": {"networks": 2}}}, ["overlay.yaml"], root
    )
    env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null"}
    for step in (["init", "-q"], ["add", "config.yaml"], ["commit", "-qm", "x"]):
        subprocess.run([*GIT, *step], cwd=root, check=True, env=env)
    return results


def test_a_finished_run_becomes_a_record_that_checks_out(tmp_path):
    results = finished_run(tmp_path)
    out = tmp_path / "docs" / "record"
    record.write_record(results, out, results / "sessions.csv")
    names = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert names == {
        "README.md",
        "PROVENANCE.md",
        record.MANIFEST,
        "claims.md",
        "claims.csv",
        "results-README.md",
        "figures/fig2b.png",
        "figures/figS1.png",
        "tables/table1.md",
        "tables/table1.csv",
        "stats/fast_learning.csv",
    }
    assert record.record_problems(out) == []
    gallery = (out / "README.md").read_text()
    assert 'src="figures/fig2b.png"' in gallery and "FA after noise learns faster" in gallery
    # the paper's order: the main text, then the supplement
    assert gallery.index("## Main text") < gallery.index("fig2b.png")
    assert gallery.index("fig2b.png") < gallery.index("## Supplement") < gallery.index("figS1.png")
    provenance = (out / "PROVENANCE.md").read_text()
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=tmp_path, capture_output=True)
    assert f"`{head.stdout.decode().strip()}`" in provenance
    merged = results_tree.config_hash({"studies": {"benchmark": {"networks": 2}}})
    assert f"hash `{merged[:16]}`" in provenance  # the tree's record, not a command line
    assert "`overlay.yaml`" in provenance
    assert "| train_networks |      1 |           2 |" in provenance  # 7200 s = 2 job hours
    assert "| fast_learning |      1 |           2 |" in provenance  # and per study
    assert "not in this configuration" in provenance  # why claims were not run
    assert "No sessions were logged" in provenance
    from noisefa.code_version import code_hash, training_code

    assert f"**Training code:** hash `{code_hash(training_code())[:16]}`" in provenance


def test_a_run_carried_between_sessions_says_so(tmp_path):
    results = finished_run(tmp_path)
    (results / "restores.csv").write_text(
        "restored,saved,saved_at_commit,restored_at_commit,rebuilt_files,jobs_left,seconds\n"
        "2026-12-01T00:10:00+00:00,2026-11-30T23:50:00+00:00,abc,def,132,200,540\n"
    )
    out = tmp_path / "docs" / "record"
    record.write_record(results, out, results / "sessions.csv")
    provenance = (out / "PROVENANCE.md").read_text()
    assert "carried between sessions by 1 snapshot(s)" in provenance
    assert "took 0.15 h" in provenance  # 540 s
    assert (out / "restores.csv").exists() and record.record_problems(out) == []


def test_an_edited_or_stale_record_is_caught(tmp_path):
    results = finished_run(tmp_path)
    out = tmp_path / "record"
    record.write_record(results, out, results / "sessions.csv")
    with open(out / "claims.md", "a") as handle:
        handle.write("a hand edit\n")
    (out / "figures" / "extra.png").write_bytes(b"png")
    claims = pd.read_csv(out / "claims.csv")
    claims.iloc[:-1].to_csv(out / "claims.csv", index=False)  # a claim fewer than the yaml's
    provenance = out / "PROVENANCE.md"
    provenance.write_text(provenance.read_text().replace("**Commit:** `", "**Commit:** `0"))
    problems = "\n".join(record.record_problems(out))
    assert "claims.md differs" in problems and "figures/extra.png is not part" in problems
    assert "ids differ" in problems and "names no commit" in problems
    assert len(claim_ids()) == len(claims)


def test_a_record_edited_together_with_its_manifest_is_caught(tmp_path):
    """The headline count changed in claims.md, and its manifest line updated to match:
    the pin beside the record (outside it) no longer matches, and the count is no longer
    claims.csv's."""
    from noisefa.files import sha256

    results = finished_run(tmp_path)
    out = tmp_path / "record"
    record.write_record(results, out, results / "sessions.csv")
    assert record.record_problems(out) == []
    md = out / "claims.md"
    text = md.read_text()
    first = text.split("**")[1]
    md.write_text(text.replace(first, first.replace("0 contradicted", "9 contradicted", 1), 1))
    manifest = out / record.MANIFEST
    lines = [
        f"{sha256(md)}  claims.md" if line.endswith("  claims.md") else line
        for line in manifest.read_text().splitlines()
    ]
    manifest.write_text("\n".join(lines) + "\n")
    problems = "\n".join(record.record_problems(out))
    assert "claims.md differs" not in problems  # the manifest was edited to match
    assert "not the manifest pinned in" in problems and str(record.pin_of(out)) in problems
    assert "claims.md does not open with claims.csv's counts" in problems


def test_an_unfinished_run_is_refused_and_the_old_record_kept(tmp_path):
    results = finished_run(tmp_path)
    out = tmp_path / "record"
    record.write_record(results, out, results / "sessions.csv")
    before = (out / record.MANIFEST).read_text()
    (results / "claims.md").unlink()
    with pytest.raises(ResultError, match="not a finished run.*claims.md"):
        record.write_record(results, out, results / "sessions.csv")
    assert (out / record.MANIFEST).read_text() == before
    assert record.record_problems(out) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".record")] == []


def test_a_record_from_a_new_run_says_what_changed_since_the_one_it_replaces(tmp_path):
    results = finished_run(tmp_path)
    out = tmp_path / "docs" / "record"
    record.write_record(results, out, results / "sessions.csv")
    assert not (out / "CHANGES.md").exists()  # nothing to compare with
    env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null"}
    for step in (["add", "docs"], ["commit", "-qm", "v1"]):
        subprocess.run([*GIT, *step], cwd=tmp_path, check=True, env=env)
    # the new run: one claim measured now, slower training, one more study
    claims = pd.read_csv(results / "claims.csv", keep_default_na=False)
    claims.loc[claims["id"] == "fig2b-faster-than-fa", ["verdict", "ours", "difference"]] = [
        "reproduced",
        "0.93 vs 0.91",
        "0.02 [0.01, 0.03]",
    ]
    claims.to_csv(results / "claims.csv", index=False)
    (results / "claims.md").write_text(to_markdown(claims))
    (results / "benchmarks" / "train_networks" / "fast_learning" / "fa.tsv").write_text(
        "s\tmax_rss\n3600\t1\n"
    )
    (results / "benchmarks" / "train_networks" / "ood").mkdir()
    (results / "benchmarks" / "train_networks" / "ood" / "fa.tsv").write_text("s\n1800\n")
    (results / "sessions.csv").write_text(
        "start,end,seconds,exit_code,commit,command\na,b,9000,0,c,make\n"
    )
    record.write_record(results, out, results / "sessions.csv")
    changes = (out / "CHANGES.md").read_text()
    assert "committed at HEAD" in changes
    assert "### 1 of the" in changes and "claims in both changed their verdict" in changes
    row = next(line for line in changes.splitlines() if line.startswith("| `fig2b-faster-than-fa`"))
    assert "| not run | reproduced | measured now" in row and "0.93 vs 0.91" in row
    assert "| wall time (sessions of `make record`) | not logged | 2.50 h |" in changes
    assert "| job hours (every job) | 2.00 h | 3.50 h |" in changes
    cells = [[c.strip() for c in line.split("|")[1:-1]] for line in changes.splitlines()[-2:]]
    assert ["fast_learning", "1", "2.00", "2", "3.00"] in cells
    assert ["ood", "-", "-", "1", "0.50"] in cells  # a study the old run did not have
    assert record.record_problems(out) == []
    # remade before it is committed: still against the committed record, not itself
    record.write_record(results, out, results / "sessions.csv")
    again = (out / "CHANGES.md").read_text()
    assert again.split("## Verdicts")[1] == changes.split("## Verdicts")[1]


def test_a_tree_without_its_configuration_record_is_refused(tmp_path):
    """A smoke run is recorded as what it was: the record reads the configuration the
    tree recorded, and a tree that recorded none cannot become a record."""
    results = finished_run(tmp_path)
    (results / results_tree.RECORD).unlink()
    with pytest.raises(ResultError, match="configuration.json"):
        record.write_record(results, tmp_path / "record", results / "sessions.csv")
    assert not (tmp_path / "record").exists()


def test_the_committed_record_is_the_untouched_output_of_the_committed_claims():
    # every file as written (MANIFEST.sha256), the claim ids of paper_claims.yaml, and a
    # PROVENANCE.md commit that exists in this repository
    assert record.record_problems(RECORD) == []


def test_the_readme_opens_with_the_records_verdict_counts():
    readme = (REPO / "README.md").read_text()
    heading = "## Does the paper reproduce?"
    assert heading in readme and readme.index(heading) < readme.index("## What you get")
    section = readme.split(heading, 1)[1].split("\n## ", 1)[0]
    claims = pd.read_csv(RECORD / "claims.csv", keep_default_na=False)
    assert summary_line(claims) in " ".join(section.split())  # however the line wraps
    for link in ("docs/record/claims.md", "docs/record/README.md"):
        assert f"]({link})" in section


def test_the_committed_verdicts_follow_from_the_records_statistics_under_todays_rule():
    """The record's claims.csv is what the written rule makes of the record's own
    statistics and tables (`record --rederive`): a rule change re-derives the record."""
    studies = sorted(p.stem for p in (RECORD / "stats").glob("*.csv"))
    derived = evaluate_claims(RECORD, studies).set_index("id")["verdict"]
    committed = pd.read_csv(RECORD / "claims.csv", keep_default_na=False).set_index("id")
    assert derived.to_dict() == committed["verdict"].to_dict()
    changes = (RECORD / "CHANGES.md").read_text()
    assert summary_line(committed.reset_index()) in changes


def test_the_gallery_follows_the_paper_with_one_row_per_claim():
    """Fig 1-6, Table 1, Fig S1-S19, Table S5, ours; one row per claim with its verdict,
    effect and reason, many rows summarised, a link to the methods behind a difference."""
    claims = pd.read_csv(RECORD / "claims.csv", keep_default_na=False)
    figures = sorted(p.stem for p in (RECORD / "figures").glob("*.png"))
    tables = sorted({p.stem for p in (RECORD / "tables").glob("*.md")})
    gallery = record.gallery_markdown(claims, figures, tables)
    headings = [line[4:].split(":")[0] for line in gallery.splitlines() if line.startswith("### ")]
    assert headings[:3] == ["Fig 1d", "Fig 1e", "Fig 1f"]
    assert headings.index("Fig 6c") < headings.index("Table 1") < headings.index("Fig S1")
    assert headings.index("Fig S19") < headings.index("Table S5")
    assert len(headings) == len(set(headings)) == len(figures) + len(tables)  # no duplicates
    rows = [line for line in gallery.splitlines() if line.startswith("| ") and "**" in line]
    statements = claims[claims["kind"] != "number"]
    assert len(rows) == len(statements)  # one row per claim
    assert max(len(line) for line in rows) < 900  # no cell of 40 p values
    assert "40 of 40 rows < 0.05" in gallery
    assert "(../methods.md#fig-5c-on-usps" in gallery  # the why of a verdict
    for anchor in set(re.findall(r"methods\.md#([\w-]+)", gallery)):
        assert anchor in record.methods_anchors().values()
