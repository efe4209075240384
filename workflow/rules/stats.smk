rule study_statistics:
    input:
        runs=f"{RESULTS}/collected/{{study}}/runs.csv",
        tables=lambda wc: get_collected_tables(wc.study),
        evaluation=lambda wc: (
            f"{RESULTS}/collected/{wc.study}/evaluation.csv"
            if wc.study in EVALUATED
            else []
        ),
    output:
        report(
            f"{RESULTS}/stats/{{study}}.csv",
            caption="../report/statistics.rst",
            category="Statistics",
            labels={"study": "{study}"},
        ),
    log:
        f"{RESULTS}/logs/study_statistics/{{study}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/study_statistics/{{study}}.tsv"
    shadow:
        SHADOW
    conda:
        CONDA_ENV
    params:
        collected=lambda wc, input: str(Path(input.runs).parent),
    shell:
        "python -m noisefa.cli.stats --study {wildcards.study} --collected {params.collected:q}"
        " --out {output:q} > {log:q} 2>&1"
