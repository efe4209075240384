# The two entry points of the README:
#   make pipeline [PRESET=quick]   set up .venv, then run the whole workflow into
#                                  results/<PRESET> (PRESET="quick offline": overlays,
#                                  in order, into results/quick+offline)
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
space := $(subst ,, )

# Training jobs that share a GPU each claim their own slot (noisefa.gpus).
export NOISEFA_DATA_MIRROR
export NOISEFA_JOBS_PER_GPU = $(JOBS_PER_GPU)

.PHONY: pipeline test lint report record snapshot restore clean-results

$(BIN)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

CONFIG_ARGS = $(if $(PRESET),--configfile $(foreach p,$(PRESET),config/presets/$(p).yaml))
# Targets in SNAKEMAKE_ARGS go before --configfile, which takes every word after it.
RUN_ARGS = --workflow-profile workflow/profiles/default $(SNAKEMAKE_ARGS) $(CONFIG_ARGS)

# Through noisefa_pipeline.run: the jobs and their cost before, a line per finished job
# during, a summary and the HTML report after; Ctrl-C prints how to resume. Re-running
# resumes an interrupted run: a lock left by a killed run is cleared when it is provably
# stale, and unfinished jobs are redone.
REPORT ?= --report
RESUME ?= make pipeline$(if $(PRESET), PRESET="$(PRESET)")
pipeline: $(BIN)/.installed
	$(BIN)/python -m noisefa_pipeline.run $(REPORT) --resume '$(RESUME)' -- \
	    $(BIN)/snakemake $(RUN_ARGS) --resources gpu=$(GPU_SLOTS)

# Part of the run (the same tree as `make pipeline` with this PRESET): one study's
# figures, statistics and tables, one paper figure (every panel), or one panel.
#   make study-benchmark   make fig2   make fig2b   make figS7 [PRESET=quick]
study-%: $(BIN)/.installed
	$(MAKE) --no-print-directory pipeline SNAKEMAKE_ARGS="$(SNAKEMAKE_ARGS) study_$*" REPORT= \
	    RESUME='make $@$(if $(PRESET), PRESET="$(PRESET)")'

fig%: $(BIN)/.installed
	$(MAKE) --no-print-directory pipeline SNAKEMAKE_ARGS="$(SNAKEMAKE_ARGS) fig$*" REPORT= \
	    RESUME='make $@$(if $(PRESET), PRESET="$(PRESET)")'

test: $(BIN)/.installed
	$(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/snakefmt --check Snakefile workflow
	$(BIN)/snakemake --lint

# The tree of this PRESET (results/<preset names joined by +>, results/default for none).
TREE = results/$(if $(strip $(PRESET)),$(subst $(space),+,$(strip $(PRESET))),default)
report: $(BIN)/.installed
	$(BIN)/snakemake --workflow-profile workflow/profiles/default $(CONFIG_ARGS) \
	    --report $(TREE)/report.html

# The results of record: the paper at full scale on the data this machine holds, copied
# into docs/record/ with its provenance. The pipeline runs through noisefa_pipeline.sessions,
# which logs each (resumed) session's wall time in results/sessions.csv.
RECORD_PRESET ?= paper
RECORD_TREE = results/$(subst $(space),+,$(strip $(RECORD_PRESET)))
record: $(BIN)/.installed
	$(BIN)/python -m noisefa_pipeline.sessions $(RECORD_TREE)/sessions.csv -- \
	    $(MAKE) --no-print-directory pipeline PRESET="$(RECORD_PRESET)"
	$(BIN)/python -m noisefa_pipeline.record --results $(RECORD_TREE) --out docs/record

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
