from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


# Light rules (staging, collection, statistics, figures, tables, claims) declare
# `localrule: True`: under a cluster executor they run on the submitting host (seconds
# each; an allocation would cost more than the work, and login nodes are where clusters
# allow downloads). Declared per rule, so it holds when this workflow is a module.


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/pretrain.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/stats.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/report.smk"


onstart:
    record_tree()


rule all:
    """Every figure, table and statistic of the paper, the claims and the tree's README."""
    default_target: True
    input:
        get_final_outputs(),


# Targets for part of the run: `snakemake study_benchmark` (one study's figures,
# statistics and tables), `snakemake fig2` (every panel of Fig 2), `snakemake fig2b`
# (one panel); `make study-benchmark`, `make fig2`, `make fig2b` run them.
for _study in plan.enabled_studies(config):

    rule:
        name:
            f"study_{_study}"
        input:
            plan.study_targets(config, _study),


for _figure, _files in plan.figure_groups(config).items():

    rule:
        name:
            _figure
        input:
            _files,
