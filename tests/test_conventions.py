"""The conventions of a Snakemake workflow people reuse: usable as a module, documented
configuration, rule docstrings, targets for part of the run, a licence, citations that
point at something."""

from __future__ import annotations

import re
import subprocess
import tomllib

import yaml

from noisefa import config_docs
from tests.conftest import REPO
from tests.workflow_runs import BIN

RULE_FILES = [REPO / "Snakefile", *sorted((REPO / "workflow" / "rules").glob("*.smk"))]


def test_config_readme_is_generated_from_the_schema():
    committed = (REPO / "config" / "README.md").read_text()
    assert committed == config_docs.render(), (
        "run: python -m noisefa.config_docs > config/README.md"
    )
    schema = yaml.safe_load(config_docs.SCHEMA.read_text())
    for line in config_docs.rows(schema):
        meaning = line.rstrip(" |").rsplit("|", 1)[1].strip()
        assert meaning, f"no description for {line.split('|')[1]}"


def test_every_rule_has_a_docstring():
    for path in RULE_FILES:
        lines = path.read_text().splitlines()
        for i, line in enumerate(lines):
            if re.match(r"rule \w+:$", line):
                assert lines[i + 1].strip().startswith('"""'), f"{path.name}: {line}"


def test_licence_and_the_files_others_cite_exist():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"
    assert (REPO / "LICENSE").read_text().startswith("MIT License")
    readme_sections = {
        line.lstrip("#").strip() for line in (REPO / "README.md").read_text().splitlines()
        if line.startswith("#")
    }  # fmt: skip
    for path in (REPO / "requirements.txt", REPO / "envs" / "noisefa.yaml", REPO / "Makefile"):
        text = path.read_text()
        for cited in re.findall(r"tests/[\w/]+\.py", text):
            assert (REPO / cited).is_file(), f"{path.name} cites {cited}"
        for section in re.findall(r'README, "([^"]+)"', text):
            assert section in readme_sections, f"{path.name} cites README section {section!r}"


def test_the_conda_environment_pins_what_requirements_pins():
    pins = {
        line.split("==")[0]: line.strip()
        for line in (REPO / "requirements.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    }
    env = yaml.safe_load((REPO / "envs" / "noisefa.yaml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    for line in pip:
        assert pins[line.split("==")[0]] == line, line


def test_ci_runs_the_test_configuration():
    smoke = REPO / "config" / "presets" / "smoke.yaml"
    assert smoke.is_symlink() and smoke.resolve() == (REPO / ".test" / "config.yaml").resolve()
    assert ".test/config.yaml" in (REPO / "tests" / "test_workflow.py").read_text()


def test_the_workflow_runs_as_a_module_of_another(tmp_path):
    """Another workflow includes this one with `module`, from its own folder: paths of
    the schema, config and package resolve against this workflow, not the caller."""
    (tmp_path / "Snakefile").write_text(
        f"""import yaml
from snakemake.utils import update_config

config = yaml.safe_load(open("{REPO}/config/config.yaml"))
update_config(config, yaml.safe_load(open("{REPO}/.test/config.yaml")))
config["results"] = "results/noisefa"


module noisefa:
    snakefile:
        "{REPO}/Snakefile"
    config:
        config


use rule * from noisefa as noisefa_*
"""
    )
    done = subprocess.run(
        [str(BIN / "snakemake"), "-n", "--cores", "1", "noisefa_all"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-3000:]
    assert "noisefa_train_networks" in out and "results/noisefa/runs/fast_learning" in out
    assert "localrules directive specifies rules that are not present" not in out


def test_make_targets_for_one_study_and_one_figure():
    for target, snakemake_target in (
        ("fig2b", "fig2b"),
        ("fig2", "fig2"),
        ("study-ood", "study_ood"),
    ):
        done = subprocess.run(
            ["make", "-n", target, "PRESET=quick"], cwd=REPO, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert f" {snakemake_target} --configfile config/presets/quick.yaml" in done.stdout
    dry = subprocess.run(
        [str(BIN / "snakemake"), "-n", "fig2", "study_ood", "--configfile", ".test/config.yaml"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert dry.returncode == 0, dry.stderr[-2000:]
    assert "fig2b.png" in dry.stdout and "fig5c.png" in dry.stdout and "fig3.png" not in dry.stdout


def test_every_report_text_renders_without_docutils_warnings():
    """The HTML report's captions and front page: reStructuredText that docutils reads
    without a warning (Snakemake's own link targets, e.g. `Statistics`, are reserved)."""
    import io

    from docutils.core import publish_parts

    from noisefa.captions import render_caption

    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    report = REPO / "workflow" / "report"
    reserved = "\n\n.. _Workflow: javascript:x\n.. _Statistics: javascript:x\n"
    categories = "".join(
        f".. _{c}: javascript:x\n"
        for c in re.findall(r'category="([^"]+)"', "".join(p.read_text() for p in RULE_FILES))
    )
    for path in sorted(report.glob("*.rst")) + sorted((report / "figures").glob("*.rst")):
        text = path.read_text()
        if path.parent.name == "figures":
            text = render_caption(text, config)
        text = re.sub(r"\{\{.*?\}\}", "x", text).replace(".. include:: x/claims.rst", "")
        warnings = io.StringIO()
        publish_parts(
            text + reserved + categories,
            writer_name="html",
            settings_overrides={"warning_stream": warnings, "report_level": 2},
        )
        assert not warnings.getvalue(), f"{path.name}: {warnings.getvalue()}"


def test_the_claims_page_reads_at_1280_pixels_in_a_real_browser(tmp_path):
    """The report's claims page, built from the committed record's 121 claims, in
    headless chromium 1280 px wide: no sideways scrolling, every column wide enough for
    its words, and no row taller than about a screen (long cells fold)."""
    import pandas as pd

    from noisefa.analysis.claims import to_html
    from tests.browser import layout

    claims = pd.read_csv(REPO / "docs" / "record" / "claims.csv", keep_default_na=False)
    page = tmp_path / "claims.html"
    page.write_text(to_html(claims))
    found = layout(page, 1280, tmp_path)
    assert found["innerWidth"] == 1280 and found["scrollWidth"] <= 1280, found
    assert found["rows"] == len(claims)
    for table in found["tables"]:
        widths = dict(table)
        assert min(widths.values()) >= 45, widths  # "n", "p" and a verdict chip fit
        assert widths["claim"] >= 300 and widths["reason"] >= 200, widths
    assert found["tallestRow"] <= 700, found["tallestRow"]
