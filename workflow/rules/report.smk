# The last stage: every claim of the paper beside our measurement, and an index.


rule claims:
    """Set every claim of the paper beside our measurement, with a verdict (claims.md/.csv, the report's front page)."""
    input:
        stats=plan.stats_targets(config),
        tables=plan.table_targets(config),
    output:
        md=f"{RESULTS}/claims.md",
        csv=f"{RESULTS}/claims.csv",
        html=report(
            f"{RESULTS}/claims.html",
            caption="../report/claims.rst",
            category="0 Does the paper reproduce?",
        ),
        rst=f"{RESULTS}/claims.rst",
    log:
        f"{RESULTS}/logs/claims.log",
    benchmark:
        f"{RESULTS}/benchmarks/claims.tsv"
    localrule: True
    shadow:
        SHADOW
    conda:
        CONDA_ENV
    params:
        results=lambda wc, output: str(Path(output.md).parent),
        studies=" ".join(plan.enabled_studies(config)),
        networks=" ".join(f"{s}={n}" for s, n in plan.network_counts(config).items()),
        left_out=" ".join(
            f"{s}={','.join(d)}"
            for s, d in config["data"]["left_out"].items()
            if not plan.enabled(config, s)
        ),
    shell:
        "python -m noisefa.cli.claims --results {params.results:q} --studies {params.studies}"
        " --networks {params.networks} --left-out {params.left_out} --out-dir {params.results:q}"
        " > {log:q} 2>&1"


rule results_index:
    """Write the tree's README: which file holds which figure and table of the paper."""
    input:
        plan.figure_targets(config) + plan.table_targets(config),
    output:
        f"{RESULTS}/README.md",
    log:
        f"{RESULTS}/logs/results_index.log",
    localrule: True
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
