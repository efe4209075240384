rule study_statistics:
    """Run a study's statistical tests (effect sizes, CIs, Holm-adjusted p) into stats/<study>.csv."""
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
            category="Statistical tests",
            labels={"study": "{study}"},
        ),
    log:
        f"{RESULTS}/logs/study_statistics/{{study}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/study_statistics/{{study}}.tsv"
    localrule: True
    shadow:
        SHADOW
    conda:
        CONDA_ENV
    params:
        collected=lambda wc, input: str(Path(input.runs).parent),
    shell:
        "python -m noisefa.cli.stats --study {wildcards.study} --collected {params.collected:q}"
        " --out {output:q} > {log:q} 2>&1"


# A study's verdicts on its own hypotheses (studies/<study>/verdicts.py): beyond the
# paper, so not in claims.md, which judges the paper's claims.
rule study_verdicts:
    """A study's verdict table on its own hypotheses (rules: does noise help each rule? sensitivity: which setting brings each cell to the paper?)."""
    input:
        stats=f"{RESULTS}/stats/{{study}}.csv",
    output:
        csv=report(
            f"{RESULTS}/tables/{{study}}_verdicts.csv",
            caption="../report/verdicts.rst",
            category=SECTIONS["X"],
            labels={"table": "{study} verdicts"},
        ),
        md=f"{RESULTS}/tables/{{study}}_verdicts.md",
        tex=f"{RESULTS}/tables/{{study}}_verdicts.tex",
    log:
        f"{RESULTS}/logs/study_verdicts/{{study}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/study_verdicts/{{study}}.tsv"
    localrule: True
    shadow:
        SHADOW
    conda:
        CONDA_ENV
    params:
        margin=lambda wc: verdict_margin(wc.study),
        subset=lambda wc: (
            "--subset" if "train_size" in config["studies"][wc.study] else ""
        ),
        prefix=lambda wc, output: output.csv[: -len(".csv")],
    shell:
        "python -m noisefa.cli.verdicts --study {wildcards.study} --stats {input.stats:q}"
        " --margin {params.margin} {params.subset} --out-prefix {params.prefix:q} > {log:q} 2>&1"
