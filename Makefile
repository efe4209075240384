# The two entry points of the README:
#   make pipeline [PRESET=quick]   set up .venv, then run the whole workflow
#                                  (PRESET="quick offline": overlays, in order)
#   make test                      set up .venv, then run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# GPUs Snakemake may hand to jobs: what nvidia-smi lists (0 on CPU-only machines,
# so jobs run in parallel on the cores instead of queueing for a GPU slot).
GPUS ?= $(shell nvidia-smi -L 2>/dev/null | grep -c '^GPU' || true)
# Training jobs that may share one GPU (each asks for gpu=1): a job of small networks
# leaves most of a GPU idle, so e.g. JOBS_PER_GPU=4 runs four at a time on each.
JOBS_PER_GPU ?= 1
GPU_SLOTS = $(shell echo $$(( $(or $(GPUS),0) * $(JOBS_PER_GPU) )))
# Offline data: a mirror already set in the environment wins; else ../shared/data
# is used when it exists.
NOISEFA_DATA_MIRROR ?= $(abspath $(wildcard ../shared/data))
PRESET ?=
SNAKEMAKE_ARGS ?=

export NOISEFA_DATA_MIRROR

.PHONY: pipeline test lint report record snapshot restore clean-results

$(BIN)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

CONFIG_ARGS = $(if $(PRESET),--configfile $(foreach p,$(PRESET),config/presets/$(p).yaml))
RUN_ARGS = --workflow-profile workflow/profiles/default $(CONFIG_ARGS) $(SNAKEMAKE_ARGS)

# Re-running resumes an interrupted run: a lock left by a killed run is cleared when
# it is provably stale (noisefa_pipeline.stale_lock, which then becomes the Snakemake process),
# and unfinished jobs are redone.
pipeline: $(BIN)/.installed
	$(BIN)/python -m noisefa_pipeline.stale_lock -- \
	    $(BIN)/snakemake $(RUN_ARGS) --resources gpu=$(GPU_SLOTS)

test: $(BIN)/.installed
	$(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/snakefmt --check Snakefile workflow
	$(BIN)/snakemake --lint

report: $(BIN)/.installed
	$(BIN)/snakemake --workflow-profile workflow/profiles/default $(CONFIG_ARGS) \
	    --report results/report.html

# The results of record: the paper at full scale on the data this machine holds, copied
# into docs/record/ with its provenance. The pipeline runs through noisefa_pipeline.sessions,
# which logs each (resumed) session's wall time in results/sessions.csv.
RECORD_PRESET ?= offline paper
record: $(BIN)/.installed
	$(BIN)/python -m noisefa_pipeline.sessions results/sessions.csv -- \
	    $(MAKE) --no-print-directory pipeline PRESET="$(RECORD_PRESET)"
	$(BIN)/python -m noisefa_pipeline.record --results results --out docs/record \
	    --configfile config/config.yaml $(foreach p,$(RECORD_PRESET),config/presets/$(p).yaml)

# Carry an unfinished run to another checkout, machine or session (stop it first):
#   make snapshot [PRESET=...] [SNAPSHOT=folder]   pack results/ into SNAPSHOT
#   make restore  [PRESET=...] [SNAPSHOT=folder]   unpack it into a checkout without results/
# then `make pipeline` (or `make record`) with the same PRESET resumes it.
SNAPSHOT ?= snapshot
# The pipeline's own arguments: a restore rebuilds pretrainings where the run trained
# them (CPU or GPU), or they would not match the saved checksums.
SNAPSHOT_ARGS = -- $(RUN_ARGS) --resources gpu=$(GPU_SLOTS)
snapshot: $(BIN)/.installed
	$(BIN)/python -m noisefa_pipeline.snapshot save $(SNAPSHOT) $(SNAPSHOT_ARGS)

restore: $(BIN)/.installed
	$(BIN)/python -m noisefa_pipeline.snapshot restore $(SNAPSHOT) $(SNAPSHOT_ARGS)

clean-results:
	rm -rf results .snakemake
