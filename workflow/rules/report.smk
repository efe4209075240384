# The last stage: every claim of the paper beside our measurement, and an index.


rule claims:
    input:
        stats=plan.stats_targets(config),
        tables=plan.table_targets(config),
    output:
        md=f"{RESULTS}/claims.md",
        csv=report(
            f"{RESULTS}/claims.csv",
            caption="../report/claims.rst",
            category="0 Does the paper reproduce?",
        ),
        rst=f"{RESULTS}/claims.rst",
    log:
        f"{RESULTS}/logs/claims.log",
    benchmark:
        f"{RESULTS}/benchmarks/claims.tsv"
    shadow:
        SHADOW
    conda:
        CONDA_ENV
    params:
        results=lambda wc, output: str(Path(output.md).parent),
        studies=" ".join(plan.enabled_studies(config)),
        networks=" ".join(f"{s}={n}" for s, n in plan.network_counts(config).items()),
    shell:
        "python -m noisefa.cli.claims --results {params.results:q} --studies {params.studies}"
        " --networks {params.networks} --out-dir {params.results:q} > {log:q} 2>&1"


rule results_index:
    input:
        plan.figure_targets(config) + plan.table_targets(config),
    output:
        f"{RESULTS}/README.md",
    log:
        f"{RESULTS}/logs/results_index.log",
    shadow:
        SHADOW
    conda:
        CONDA_ENV
    params:
        results=lambda wc, output: str(Path(output[0]).parent),
        figures=" ".join(sorted({Path(f).stem for f in plan.figure_targets(config)})),
        tables=" ".join(sorted({Path(t).stem for t in plan.table_targets(config)})),
    shell:
        "python -m noisefa.cli.results_index --results {params.results:q} --figures {params.figures}"
        " --tables {params.tables} > {log:q} 2>&1"
