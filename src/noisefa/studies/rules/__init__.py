"""Beyond the paper (issue 19): does noise pretraining help every weight-transport-free
rule, and through the same mechanism (alignment)? BP, FA, DFA, sign-symmetry and
Kolen-Pollack, each with and without noise pretraining under that same rule, on
several datasets and depths; alignment recorded three ways every epoch."""

from ... import paths
from ...data.availability import missing_in_grid
from ...keys import BASE, RunKey, grid, seeds, study
from ..base import SECTIONS, FigureSpec, Study

NAME = "rules"
_X = SECTIONS["X"]
_GRID = ("datasets", "depths", "rules")
VERDICT_TABLE = "rules_verdicts"
VERDICT_TITLE = "Does noise pretraining help each weight-transport-free rule?"


def methods(config: dict) -> list[str]:
    """Each rule without and with noise pretraining under it (`<rule>`, `<rule>_noise`)."""
    return [m for rule in study(config, NAME)["rules"] for m in (rule, f"{rule}_noise")]


def _runs(config: dict) -> list[RunKey]:
    cfg = study(config, NAME)
    datasets = [d for d in cfg["datasets"] if d not in missing_in_grid(config, NAME)]
    return grid(NAME, datasets, cfg["depths"], [BASE], methods(config), seeds(config, NAME))


def _tables(config: dict) -> list[str]:
    return [f"{paths.RESULTS}/tables/{VERDICT_TABLE}.{ext}" for ext in ("csv", "md", "tex")]


STUDY = Study(
    NAME,
    figures=(
        FigureSpec("rules_learning", _X, "Test accuracy under five rules", conditions=_GRID),
        FigureSpec(
            "rules_effects", _X, "What noise pretraining does to each rule", conditions=_GRID
        ),
        FigureSpec("rules_alignment", _X, "Alignment three ways, before and after noise"),
    ),
    runs=_runs,
    run_options=lambda config: [f"--alignment-probe {study(config, NAME)['alignment_probe']}"],
    figure_params=lambda config: {"auc_margin": study(config, NAME)["auc_margin"]},
    tables=_tables,
)
