"""What a study declares: its figures, the networks it trains and analyses, and what
its evaluation reads (pure Python, no torch or matplotlib: the Snakefile imports it).

A study is a folder `noisefa/studies/<name>/` whose `__init__.py` defines
`STUDY = Study(...)`; beside it, `statistics.py` (`statistics(collected) -> DataFrame`),
`figures.py` (one function per figure id) and, when `evaluated`, `evaluation.py`
(`evaluate(inputs) -> DataFrame`). Every hook takes the validated config.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..keys import PretrainKey, RunKey, RunSettings, fixed_subset_settings

SECTIONS = {
    "4.1": "4.1 Weight alignment during random noise training (Fig 1, S1)",
    "4.2": "4.2 Fast learning after noise pretraining (Fig 2, S2-S3)",
    "4.3": "4.3 Pre-regularisation and robust generalisation (Fig 4, 5, S12-S18)",
    "4.4": "4.4 Task-agnostic fast learning (Fig 6, S19)",
    "B": "Appendix B - supplementary experiments (Table S5, Fig S3-S11)",
    "X": "Beyond the paper - other weight-transport-free rules, and what the paper leaves unstated",
}


def _always(config: dict) -> bool:
    return True


@dataclass(frozen=True)
class FigureSpec:
    id: str
    section: str  # report category (a value of SECTIONS)
    title: str
    uses_runs: bool = True  # reads the study's collected tables and statistics
    samples_of: tuple[str, ...] = ()  # datasets whose staged images the figure shows
    samples_split: str = "train"  # ... from this split
    ood_sets: tuple[str, ...] = ()  # out-of-distribution sets the figure shows
    subsets: bool = False  # labels datasets trained on a subset (reads their staging records)
    applies: Callable[[dict], bool] = _always  # drawn only in configs where this holds
    # keys of the study's config block whose values are the panel's conditions: values
    # the paper-scale config has and this run lacks are named under the figure
    conditions: tuple[str, ...] = ()
    study: str = ""  # filled by the registry


def _none(config: dict) -> list:
    return []


def _no_params(config: dict) -> dict:
    return {}


@dataclass(frozen=True)
class Study:
    name: str
    figures: tuple[FigureSpec, ...]
    # The networks it trains, and each one's settings (default: a fixed subset for a
    # fixed number of epochs, the study's `train_size`, `test_size`, `epochs`).
    runs: Callable[[dict], list[RunKey]] = _none
    settings: Callable[[dict, RunKey], RunSettings] = fixed_subset_settings
    # Extra flags of its training jobs (`noisefa.cli.train`), from its config.
    run_options: Callable[[dict], list[str]] = _none
    # Splits its networks measure after every epoch (None: all). The others are measured
    # at epoch 0, the last and the best epoch only: a study whose figures plot no
    # per-epoch curve of the training split skips a pass over it every epoch.
    every_epoch: tuple[str, ...] | None = None
    # The trained networks it analyses (None: its own), and the study that trains them
    # when they are another's (it needs that study's data).
    reads: Callable[[dict], list[RunKey]] | None = None
    source: str = ""
    # Noise pretrainings it analyses besides those its networks start from.
    pretrains: Callable[[dict], list[PretrainKey]] = _none
    # Post-hoc evaluation (evaluation.py): other job files it reads (`extra_are_jobs`:
    # network folders, by their summary.json), staged data files, settings it needs.
    evaluated: bool = False
    extra: Callable[[dict], list[str]] = _none
    extra_are_jobs: bool = False
    data: Callable[[dict], list[str]] = _none
    evaluation_params: tuple[str, ...] = ()
    # Settings its figures need beyond the collected tables; tables it writes.
    figure_params: Callable[[dict], dict] = _no_params
    tables: Callable[[dict], list[str]] = _none
    # Cross-field checks of its config block that the schema cannot express.
    problems: Callable[[dict], list[str]] = _none
    figure_ids: tuple[str, ...] = field(init=False, default=())

    def __post_init__(self):
        figures = tuple(
            f if f.study == self.name else replace(f, study=self.name) for f in self.figures
        )
        object.__setattr__(self, "figures", figures)
        object.__setattr__(self, "figure_ids", tuple(f.id for f in figures))

    def analysed_runs(self, config: dict) -> list[RunKey]:
        return (self.reads or self.runs)(config)
