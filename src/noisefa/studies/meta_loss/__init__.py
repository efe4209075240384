"""Fig 6a, S19: the meta-loss of few-shot adaptation to three tasks during noise training
(one job per noise-pretrained network, `paths.META_LOSS`)."""

from ... import paths
from ...keys import PretrainKey, own_pretrains, study
from ..base import SECTIONS, FigureSpec, Study

_S = SECTIONS["4.4"]
_TASKS = ("mnist", "fashion_mnist", "kmnist")


def networks(config: dict) -> list[PretrainKey]:
    return own_pretrains(config, "meta_loss")


def _problems(config: dict) -> list[str]:
    cfg, pre = study(config, "meta_loss"), config["pretraining"]
    n_epochs = -(-cfg.get("noise_samples", pre["samples"]) // pre["epoch_samples"])
    if max(cfg["epochs"]) > n_epochs:
        return [
            f"studies.meta_loss.epochs goes up to {max(cfg['epochs'])}, "
            f"but the noise pretraining lasts {n_epochs} epochs"
        ]
    return []


STUDY = Study(
    "meta_loss",
    figures=(
        FigureSpec("fig6a", _S, "Meta-loss during noise training"),
        FigureSpec("figS19", _S, "The three tasks", uses_runs=False, samples_of=_TASKS),
    ),
    pretrains=networks,
    evaluated=True,
    extra=lambda config: [paths.META_LOSS.format(**k.fields) for k in networks(config)],
    problems=_problems,
)
