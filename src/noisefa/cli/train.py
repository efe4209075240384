"""Train one network on data with one method.

python -m noisefa.cli.train --dataset mnist --data-dir results/data \
    --split train5000-val0-test5000-seed0 --depth 2 --method fa_noise --seed 0 \
    --pretrained results/pretrain/.../model.pt --out-dir DIR

Writes DIR/model.pt, history.csv (epoch, split, loss, acc, angle_<layer>...),
angles.csv (per-neuron angles at the end), snapshots.pt (optional) and summary.json.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from ..analysis.measures import learning_curve_auc, per_neuron_angles
from ..data.loading import load_split_tensors
from ..data.registry import DATASETS, get_dataset
from ..errors import ConfigError
from ..files import md5sum, save_tensors, write_csv, write_json
from ..learning.checkpoints import load_network, save_network
from ..learning.engine import Engine
from ..learning.loops import train_on_data
from ..learning.methods import METHODS, get_method
from ..learning.network import INIT_SCHEMES, build_network, mlp_dims
from ..learning.recording import Recorder
from ..seeding import generator
from .common import (
    command_parser,
    config_hash,
    log,
    parse_on_device,
    provenance,
    run,
)


def build_for_method(args, dims: list[int]):
    method = get_method(args.method)
    if method.noise_pretraining != bool(args.pretrained):
        need = (
            "needs --pretrained (a noise-pretrained checkpoint)"
            if method.noise_pretraining
            else "starts from a fresh network; drop --pretrained"
        )
        raise ConfigError(f"method {args.method} {need}")
    if method.noise_pretraining:
        return load_network(args.pretrained, method.rule, dims)
    net = build_network(dims, method.rule, args.seed, args.init)
    if method.weights_from_feedback:
        with torch.no_grad():
            for layer in net.layers:
                layer.weight.copy_(layer.feedback)
    return net


def split_metrics(history: pd.DataFrame, epoch: int) -> dict:
    rows = history[history["epoch"] == epoch]
    return {r.split: {"loss": float(r.loss), "acc": float(r.acc)} for r in rows.itertuples()}


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("noisefa.cli.train", __doc__)
    parser.add_argument("--dataset", required=True, choices=sorted(DATASETS))
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument(
        "--split", required=True, help="split tag, e.g. train5000-val0-test5000-seed0"
    )
    parser.add_argument("--depth", type=int, required=True, help="number of weight layers")
    parser.add_argument("--hidden", type=int, default=100)
    parser.add_argument("--method", required=True, choices=list(METHODS))
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--init", default="he_normal", choices=INIT_SCHEMES)
    parser.add_argument(
        "--epochs", type=int, required=True, help="epochs, or the cap with --patience"
    )
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument(
        "--patience", type=int, help="stop when validation accuracy stalls this long"
    )
    parser.add_argument(
        "--pretrained", type=Path, help="noise-pretrained checkpoint (methods *_noise)"
    )
    parser.add_argument("--snapshot-layers", type=int, nargs="*", default=[])
    parser.add_argument("--out-dir", type=Path, required=True)
    parser.add_argument("--study", default="", help="label recorded in summary.json")
    parser.add_argument("--variant", default="base", help="label of the study's condition")
    started = time.perf_counter()
    args, device = parse_on_device(parser, argv)
    info = get_dataset(args.dataset)
    dims = mlp_dims(info.input_dim, info.n_classes, args.depth, args.hidden)
    if args.patience is not None and args.patience < 1:
        raise ConfigError(f"--patience must be >= 1, got {args.patience}")
    net = build_for_method(args, dims).to(device)
    splits = load_split_tensors(args.data_dir, args.dataset, args.split, device)
    label = f"{args.dataset} d{args.depth} {args.method} seed={args.seed}"
    log(
        f"training {label}: {len(splits['train'])} train images,"
        f" up to {args.epochs} epochs on {device}"
    )
    recorder = Recorder(net, "data", args.epochs, label=label, snapshot_layers=args.snapshot_layers)
    outcome = train_on_data(
        Engine(net, args.lr),
        splits,
        args.epochs,
        args.batch_size,
        generator(args.seed, "shuffle", device),
        recorder,
        args.patience,
    )
    if outcome.best_state is not None:
        net.load_state_dict(outcome.best_state)

    history = recorder.history()
    test_curve = history[(history["split"] == "test") & (history["epoch"] >= 1)]["acc"].to_numpy()
    final = split_metrics(history, outcome.epochs_run)
    angle_cols = [c for c in history if c.startswith("angle_")]
    last_row = history[history["epoch"] == outcome.epochs_run].iloc[0]
    metrics = {
        "epochs_run": outcome.epochs_run,
        "best_epoch": outcome.best_epoch,
        "stopped_early": outcome.epochs_run < args.epochs,
        "final": final,
        "at_best": split_metrics(history, outcome.best_epoch),
        "auc_test": learning_curve_auc(test_curve),
        "generalization_error": final["test"]["loss"] - final["train"]["loss"],
        **{f"{c}_end": float(last_row[c]) for c in angle_cols},
    }
    params = {
        k: (str(v) if isinstance(v, Path) else v)
        for k, v in vars(args).items()
        if k not in ("out_dir", "gpus", "threads", "data_dir")
    }
    params["dims"] = dims
    if args.pretrained:
        params["pretrained_md5"] = md5sum(args.pretrained)
    out = args.out_dir
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
            "seed": args.seed,
            "split": args.split,
            "params": params,
            "config_hash": config_hash(params),
            "metrics": metrics,
            "provenance": provenance(device, started),
        },
    )
    test_acc = np.round(100 * metrics["at_best"]["test"]["acc"], 2)
    log(
        f"done {label}: test acc {test_acc}% (epoch {outcome.best_epoch}), "
        f"AUC {metrics['auc_test']:.4f}, {time.perf_counter() - started:.1f}s"
    )


if __name__ == "__main__":
    run(main)
