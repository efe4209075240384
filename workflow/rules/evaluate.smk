# Gather each study's runs into tidy tables that statistics and figures read.


rule collect_study:
    input:
        runs=get_study_run_summaries,
        pretrains=get_study_pretrain_summaries,
    output:
        runs=f"{RESULTS}/collected/{{study}}/runs.csv",
        histories=f"{RESULTS}/collected/{{study}}/histories.csv",
        angles=f"{RESULTS}/collected/{{study}}/angles.csv",
        pretrain_runs=f"{RESULTS}/collected/{{study}}/pretrain_runs.csv",
        pretrain_histories=f"{RESULTS}/collected/{{study}}/pretrain_histories.csv",
        pretrain_angles=f"{RESULTS}/collected/{{study}}/pretrain_angles.csv",
    log:
        f"{RESULTS}/logs/collect_study/{{study}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/collect_study/{{study}}.tsv"
    conda:
        CONDA_ENV
    params:
        out_dir=lambda wc, output: str(Path(output.runs).parent),
    shell:
        "python -m noisefa.collect --runs {input.runs:q} --pretrains {input.pretrains:q}"
        " --out-dir {params.out_dir:q} > {log:q} 2>&1"
