from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


# Light rules run on the submitting host under a cluster executor (seconds each; a
# cluster allocation would cost more than the work). Data staging is among them
# because login nodes are where clusters allow downloads.
localrules:
    all,
    stage_split,
    make_split,
    make_ood_set,
    collect_study,
    study_statistics,
    figure,
    table,
    claims,
    results_index,
    study_verdicts,


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/pretrain.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/stats.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        get_final_outputs(),
