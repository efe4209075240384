"""Fig 3, S7, S8, Tables 1 and S5: accuracy at convergence per dataset and depth (early
stopping on a validation split)."""

from ... import paths
from ...data.availability import missing_in_grid
from ...keys import RunKey, early_stopping_settings, study, study_grid
from ..base import SECTIONS, FigureSpec, Study

_S, _B = SECTIONS["4.2"], SECTIONS["B"]
_GRID = ("datasets", "depths")

# The accuracy tables it writes (results/tables/<id>.csv|md|tex), with their titles.
TABLES = {
    "table1": "Table 1 - accuracy of two-layer networks",
    "tableS5": "Table S5 - accuracy at every depth",
}


def missing_datasets(config: dict) -> list[str]:
    """Datasets whose cells are reported as "not run: <dataset> not available": those
    this run cannot have (noisefa.data.availability)."""
    return missing_in_grid(config, "benchmark")


def _runs(config: dict) -> list[RunKey]:
    missing = missing_datasets(config)
    datasets = [d for d in study(config, "benchmark")["datasets"] if d not in missing]
    return study_grid(config, "benchmark", datasets=datasets) if datasets else []


def _figure_params(config: dict) -> dict:
    cfg = study(config, "benchmark")
    return {
        "datasets": cfg["datasets"],
        "depths": cfg["depths"],
        "missing": missing_datasets(config),
        "train_size": cfg.get("train_size"),
        "patience": cfg["patience"],
        "max_epochs": cfg["max_epochs"],
    }


def _tables(config: dict) -> list[str]:
    depths = study(config, "benchmark")["depths"]
    tables = (["table1"] if 2 in depths else []) + (["tableS5"] if len(depths) > 1 else [])
    return [f"{paths.RESULTS}/tables/{t}.{ext}" for t in tables for ext in ("csv", "md", "tex")]


STUDY = Study(
    "benchmark",
    figures=(
        FigureSpec(
            "fig3", _S, "Accuracy at the best validation epoch", subsets=True, conditions=_GRID
        ),
        FigureSpec("figS7", _B, "Validation accuracy per depth", subsets=True, conditions=_GRID),
        FigureSpec(
            "figS8", _B, "Validation accuracy per dataset (2-layer)", subsets=True, conditions=_GRID
        ),
    ),
    runs=_runs,
    settings=early_stopping_settings,
    every_epoch=("val",),  # curves of validation accuracy; test at the best epoch
    figure_params=_figure_params,
    tables=_tables,
)
