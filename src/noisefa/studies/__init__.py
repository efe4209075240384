"""The studies: one folder each, found by looking (`noisefa/studies/<name>/`).

Each folder's `__init__.py` declares `STUDY = Study(...)` (pure Python: the Snakefile
reads it); its `statistics.py`, `figures.py` and `evaluation.py` hold the science and
are imported only by the job that needs them. Everything else (plan, rules, catalogue,
claims, CLIs) asks this registry, so adding a study touches no other module.
"""

from __future__ import annotations

import pkgutil
from importlib import import_module
from types import ModuleType

from .base import SECTIONS, FigureSpec, Study

__all__ = ["SECTIONS", "STUDIES", "FigureSpec", "Study", "get_study", "part", "study_statistics"]


def _discover() -> dict[str, Study]:
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if not info.ispkg:
            continue
        study = getattr(import_module(f"{__name__}.{info.name}"), "STUDY", None)
        if not isinstance(study, Study) or study.name != info.name:
            raise ImportError(
                f"noisefa/studies/{info.name}/__init__.py must define "
                f"STUDY = Study({info.name!r}, ...)"
            )
        found[study.name] = study
    return found


STUDIES: dict[str, Study] = _discover()


def get_study(name: str) -> Study:
    try:
        return STUDIES[name]
    except KeyError:
        raise ValueError(f"unknown study {name!r}; known: {', '.join(STUDIES)}") from None


def part(name: str, module: str) -> ModuleType:
    """A study's `statistics`, `figures` or `evaluation` module."""
    get_study(name)
    return import_module(f"{__name__}.{name}.{module}")


def study_statistics(name: str, collected):
    """A study's tests as one tidy frame, Holm-adjusted within the study."""
    from ..analysis.statistics import holm  # scipy/statsmodels: only in the job

    frame = part(name, "statistics").statistics(collected)
    frame.insert(0, "study", name)
    return holm(frame)
