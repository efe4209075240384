"""GPU guardrails, tested without a GPU: a job granted one that CUDA cannot see stops
with the fix (no silent CPU run), and jobs on one machine each claim their own GPU."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch

from noisefa import gpus
from noisefa.errors import ConfigError

needs_no_cuda = pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")


@needs_no_cuda
def test_a_granted_gpu_without_cuda_is_an_error_naming_the_fix():
    with pytest.raises(ConfigError) as error:
        gpus.select_device(1)
    message = str(error.value)
    assert "granted 1 GPU(s)" in message and f">= {gpus.MIN_DRIVER}" in message
    assert "compute.cpu_fallback: true" in message and "--resources gpu=0" in message
    assert gpus.select_device(0).type == "cpu"


@needs_no_cuda
def test_the_cpu_fallback_happens_only_when_asked_and_says_so():
    notes = []
    assert gpus.select_device(1, cpu_fallback=True, log=notes.append).type == "cpu"
    assert len(notes) == 1 and "training on the CPU" in notes[0]


@needs_no_cuda
def test_a_training_job_granted_a_gpu_stops_at_once(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "noisefa.cli.train", "--dataset", "mnist", "--data-dir",
         str(tmp_path), "--split", "train10-val0-test10-seed0", "--depth", "2",
         "--method", "fa", "--seeds", "0", "--epochs", "1", "--out-dir", str(tmp_path / "o"),
         "--gpus", "1"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 2
    assert "granted 1 GPU(s)" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "o").exists()


def test_concurrent_jobs_claim_their_own_gpu_slot_major(tmp_path):
    """Two GPUs, two slots each: jobs spread over the GPUs before doubling up; a fifth
    job finds none free; a slot comes back when its job's lock is released."""
    uuids = ["GPU-aaaa", "GPU-bbbb"]
    claims = [gpus.claim_slot(uuids, 2, tmp_path) for _ in range(4)]
    assert [index for index, _ in claims] == [0, 1, 0, 1]
    assert gpus.claim_slot(uuids, 2, tmp_path) is None
    claims[1][1].close()  # that job ended
    again = gpus.claim_slot(uuids, 2, tmp_path)
    assert again is not None and again[0] == 1


def test_slots_are_named_by_gpu_uuid_so_allocations_do_not_collide(tmp_path):
    """Two SLURM jobs each see their own GPU as index 0: different UUIDs, no waiting."""
    first = gpus.claim_slot(["GPU-aaaa"], 1, tmp_path)
    second = gpus.claim_slot(["GPU-cccc"], 1, tmp_path)
    assert first is not None and second is not None
    assert first[0] == second[0] == 0


def test_the_gpus_a_job_was_granted(monkeypatch):
    monkeypatch.delenv(gpus.LIMIT_ENV, raising=False)
    assert gpus.granted(1) == 1 and gpus.granted(0, "gpu:a100:2") == 2
    assert gpus.granted(0, "gpu") == 1
    gpus.set_limit(0)  # `--resources gpu=0`: a shadowed job recomputing gpu=1 gets none
    assert gpus.granted(1) == 0
