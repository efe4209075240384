"""Train the networks of one method in one condition (one per seed) on data, together.

python -m noisefa.cli.train --dataset mnist --data-dir results/data \
    --split train5000-val0-test5000-seed0 --depth 2 --method fa_noise --seeds 0 1 2 \
    --pretrained P0/model.pt P1/model.pt P2/model.pt --out-dir DIR

The networks train as one stack of tensors (`learning.ensemble`); each keeps its own
seed's initial weights, feedback matrices and data order. Writes, for every seed k,
DIR/seed<k>/: model.pt, history.csv (epoch, split, loss, acc, angle_<layer>...),
angles.csv (per-neuron angles at the end), snapshots.pt (optional) and summary.json.
`--every-epoch val` measures only the validation split after every epoch; the other
splits are measured at epoch 0, the last and the best epoch (what the summary reads).
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from ..analysis.measures import learning_curve_auc, per_neuron_angles
from ..data.augmentation import AUGMENTATIONS, PAD, flip_crop
from ..data.loading import SCALINGS, load_split_tensors
from ..data.registry import COLOURS, DATASETS, get_dataset
from ..errors import ConfigError
from ..files import md5sum, save_tensors, write_csv, write_json
from ..learning.checkpoints import load_network, save_network
from ..learning.ensemble import EnsembleEngine, train_ensemble_on_data
from ..learning.methods import METHODS, get_method
from ..learning.network import INIT_SCHEMES, build_network, mlp_dims
from ..learning.recording import Recorder
from ..paths import seed_folder
from ..seeding import generator
from .common import (
    allocating,
    command_parser,
    config_hash,
    log,
    parse_on_device,
    per_seed,
    provenance,
    run,
)
from .noise_arguments import add_weight_decay_argument, recorded_params


def check_pretrained(args) -> list[Path | None]:
    """Each seed's noise-pretrained checkpoint (None for methods that start fresh)."""
    method = get_method(args.method)
    if method.noise_pretraining != bool(args.pretrained):
        need = (
            "needs --pretrained (a noise-pretrained checkpoint per seed)"
            if method.noise_pretraining
            else "starts from a fresh network; drop --pretrained"
        )
        raise ConfigError(f"method {args.method} {need}")
    return per_seed(args.seeds, args.pretrained, "--pretrained")


def build_for_method(args, dims: list[int], seed: int, pretrained: Path | None):
    method = get_method(args.method)
    if pretrained is not None:
        return load_network(pretrained, method.rule, dims)
    net = build_network(dims, method.rule, seed, args.init)
    if method.weights_from_feedback:
        with torch.no_grad():
            for layer in net.layers:
                layer.weight.copy_(layer.feedback)
    return net


def split_metrics(history: pd.DataFrame, epoch: int) -> dict:
    rows = history[history["epoch"] == epoch]
    return {r.split: {"loss": float(r.loss), "acc": float(r.acc)} for r in rows.itertuples()}


def parse(argv: list[str] | None):
    parser = command_parser("noisefa.cli.train", __doc__)
    parser.add_argument("--dataset", required=True, choices=sorted(DATASETS))
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument(
        "--split", required=True, help="split tag, e.g. train5000-val0-test5000-seed0"
    )
    parser.add_argument("--depth", type=int, required=True, help="number of weight layers")
    parser.add_argument("--hidden", type=int, default=100)
    parser.add_argument("--method", required=True, choices=list(METHODS))
    parser.add_argument(
        "--seeds", "--seed", type=int, nargs="+", required=True, help="one network per seed"
    )
    parser.add_argument("--init", default="he_normal", choices=INIT_SCHEMES)
    parser.add_argument(
        "--epochs", type=int, required=True, help="epochs, or the cap with --patience"
    )
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-4)
    add_weight_decay_argument(parser)
    parser.add_argument(
        "--patience", type=int, help="stop when validation accuracy stalls this long"
    )
    parser.add_argument(
        "--every-epoch",
        nargs="+",
        help="splits measured after every epoch (default: all); the others at epoch 0, "
        "the last and the best epoch",
    )
    parser.add_argument(
        "--pretrained",
        type=Path,
        nargs="+",
        help="noise-pretrained checkpoints, one per seed in order (methods *_noise)",
    )
    parser.add_argument(
        "--alignment-probe",
        type=int,
        default=0,
        help="training images (the split's first) on which every epoch also records "
        "whole-matrix and weight-update angles to BP (analysis.alignment); 0: off",
    )
    parser.add_argument(
        "--input-scaling",
        choices=SCALINGS,
        default="channel",
        help="inputs standardised per channel (default), over all channels, or raw [0, 1]",
    )
    parser.add_argument(
        "--input-colour",
        choices=COLOURS,
        default="colour",
        help="colour images as they are (default) or as one luminance channel",
    )
    parser.add_argument(
        "--augment",
        choices=AUGMENTATIONS,
        default="none",
        help="training batches as they are (default), or flipped left-right and shifted "
        f"up to {PAD} pixels (noisefa.data.augmentation)",
    )
    parser.add_argument("--snapshot-layers", type=int, nargs="*", default=[])
    parser.add_argument(
        "--out-dir", type=Path, required=True, help="the networks go to OUT_DIR/seed<k>"
    )
    parser.add_argument("--study", default="", help="label recorded in summary.json")
    parser.add_argument("--variant", default="base", help="label of the study's condition")
    args, device = parse_on_device(parser, argv)
    if args.patience is not None and args.patience < 1:
        raise ConfigError(f"--patience must be >= 1, got {args.patience}")
    return args, device


def run_metrics(history: pd.DataFrame, outcome, epochs: int) -> dict:
    """What summary.json reports of one network's training."""
    test_rows = history[(history["split"] == "test") & (history["epoch"] >= 1)]
    # The AUC needs the test curve at every epoch; runs that measure test only at the
    # end have none.
    every_epoch = test_rows["epoch"].nunique() == outcome.epochs_run
    final = split_metrics(history, outcome.epochs_run)
    angle_cols = [c for c in history if c.startswith(("angle_", "matrix_angle_", "grad_angle_"))]
    last_row = history[history["epoch"] == outcome.epochs_run].iloc[0]
    return {
        "epochs_run": outcome.epochs_run,
        "best_epoch": outcome.best_epoch,
        "stopped_early": outcome.epochs_run < epochs,
        "final": final,
        "at_best": split_metrics(history, outcome.best_epoch),
        "auc_test": learning_curve_auc(test_rows["acc"].to_numpy()) if every_epoch else None,
        "generalization_error": final["test"]["loss"] - final["train"]["loss"],
        **{f"{c}_end": float(last_row[c]) for c in angle_cols},
    }


def write_network(out: Path, args, seed: int, pretrained, dims, net, recorder, outcome, info):
    """One network's folder: checkpoint, history, angles, snapshots, summary."""
    history = recorder.history()
    metrics = run_metrics(history, outcome, args.epochs)
    params = recorded_params(
        args, ("out_dir", "gpus", "threads", "data_dir", "seeds", "pretrained")
    )
    params.update(seed=seed, dims=dims)
    if pretrained is not None:
        params["pretrained"] = str(pretrained)
        params["pretrained_md5"] = md5sum(pretrained)
    save_network(out / "model.pt", net)
    save_tensors(out / "snapshots.pt", recorder.snapshot_tensors())
    write_csv(out / "history.csv", history)
    write_csv(out / "angles.csv", per_neuron_angles(net, "trained"))
    write_json(
        out / "summary.json",
        {
            "kind": "train",
            "study": args.study,
            "variant": args.variant,
            "dataset": args.dataset,
            "depth": args.depth,
            "method": args.method,
            "seed": seed,
            "split": args.split,
            "params": params,
            "config_hash": config_hash(params),
            "metrics": metrics,
            "provenance": info,
        },
    )
    return metrics


def main(argv: list[str] | None = None) -> None:
    started = time.perf_counter()
    args, device = parse(argv)
    info = get_dataset(args.dataset)
    shape = info.input_shape(args.input_colour)
    dims = mlp_dims(math.prod(shape), info.n_classes, args.depth, args.hidden)
    checkpoints = check_pretrained(args)
    with allocating(dims, len(args.seeds)):
        nets = [
            build_for_method(args, dims, seed, pretrained).to(device)
            for seed, pretrained in zip(args.seeds, checkpoints, strict=True)
        ]
    splits = load_split_tensors(
        args.data_dir, args.dataset, args.split, device, args.input_scaling, args.input_colour
    )
    label = f"{args.dataset} d{args.depth} {args.method}"
    log(
        f"training {label} seeds {args.seeds} together: {len(splits['train'])} train "
        f"images, up to {args.epochs} epochs on {device}"
    )
    train = splits["train"]
    probe = None
    if args.alignment_probe > 0:  # the same images for every network and method
        if args.alignment_probe > len(train):
            raise ConfigError(
                f"--alignment-probe {args.alignment_probe} asks for more images than the "
                f"split's {len(train)} training images (the study's alignment_probe)"
            )
        probe = (train.x[: args.alignment_probe], train.y[: args.alignment_probe])
    recorders = [
        Recorder(
            net,
            "data",
            args.epochs,
            label=f"{label} seed={seed}",
            snapshot_layers=args.snapshot_layers,
            alignment_probe=probe,
        )
        for seed, net in zip(args.seeds, nets, strict=True)
    ]
    augment = None
    if args.augment != "none":
        gens = [generator(seed, "augment", device) for seed in args.seeds]

        def augment(x: torch.Tensor, rows: list[int]) -> torch.Tensor:
            return flip_crop(x, shape, [gens[i] for i in rows])

    outcomes = train_ensemble_on_data(
        EnsembleEngine(nets, args.lr, args.weight_decay),
        splits,
        args.epochs,
        args.batch_size,
        [generator(seed, "shuffle", device) for seed in args.seeds],
        lambda i, epoch, metrics: recorders[i](epoch, metrics),
        args.patience,
        every_epoch=args.every_epoch,
        on_finish=lambda i, epoch, metrics: recorders[i].add(epoch, metrics),
        augment=augment,
    )
    # the job's wall time, shared by its networks (`networks_in_job` of them)
    job = {**provenance(device, started), "networks_in_job": len(nets)}
    for seed, pretrained, net, recorder, outcome in zip(
        args.seeds, checkpoints, nets, recorders, outcomes, strict=True
    ):
        out = args.out_dir / seed_folder(seed)
        metrics = write_network(out, args, seed, pretrained, dims, net, recorder, outcome, job)
        test_acc = np.round(100 * metrics["at_best"]["test"]["acc"], 2)
        log(f"done {label} seed={seed}: test acc {test_acc}% (epoch {outcome.best_epoch})")
    log(f"done {label}: {len(nets)} networks in {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    run(main)
