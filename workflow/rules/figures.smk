# One job per paper figure; workflow/report/figures/<id>.rst is its caption.


rule figure:
    """Draw one paper figure (PNG and PDF) from a study's collected tables and statistics, with its caption."""
    input:
        unpack(get_figure_inputs),
    output:
        png=report(
            f"{RESULTS}/figures/{{figure}}.png",
            caption="../report/figure.rst",
            category=lambda wc: FIGURES[wc.figure].section,
            labels=lambda wc: {"figure": wc.figure, "panel": FIGURES[wc.figure].title},
        ),
        pdf=f"{RESULTS}/figures/{{figure}}.pdf",
    log:
        f"{RESULTS}/logs/figure/{{figure}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/figure/{{figure}}.tsv"
    localrule: True
    shadow:
        SHADOW
    conda:
        CONDA_ENV
    params:
        prefix=lambda wc, output: output.png[: -len(".png")],
        inputs=figure_arguments,
        noise=lambda wc: plan.noise_for(config, "noise_alignment"),
        figure_params=lambda wc: json.dumps(
            {
                **plan.figure_params(config, wc.figure),
                "coverage": plan.coverage_note(config, PAPER_SCALE, wc.figure),
            }
        ),
        caption=figure_caption,
    shell:
        "python -m noisefa.cli.plot --figure {wildcards.figure} --out {params.prefix:q}"
        " {params.inputs} --noise {params.noise}"
        " --params {params.figure_params:q} > {log:q} 2>&1"


rule table:
    """Write Table 1 or Table S5 (CSV, Markdown, LaTeX), ours beside the paper's numbers."""
    input:
        runs=f"{RESULTS}/collected/benchmark/runs.csv",
        records=lambda wc: [
            f"{DATA}/{d}/train.json"
            for d in sorted({k.dataset for k in plan.run_keys(config, "benchmark")})
        ],
        # subset notes
    output:
        csv=report(
            f"{RESULTS}/tables/{{table}}.csv",
            caption="../report/table.rst",
            category=SECTIONS["4.2"],
            labels={"table": "{table}"},
        ),
        md=f"{RESULTS}/tables/{{table}}.md",
        tex=f"{RESULTS}/tables/{{table}}.tex",
    log:
        f"{RESULTS}/logs/table/{{table}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/table/{{table}}.tsv"
    localrule: True
    shadow:
        SHADOW
    conda:
        CONDA_ENV
    params:
        collected=lambda wc, input: str(Path(input.runs).parent),
        data=DATA,
        table_params=json.dumps(plan.figure_params(config, "fig3")),
        prefix=lambda wc, output: output.csv[: -len(".csv")],
    shell:
        "python -m noisefa.cli.tables --table {wildcards.table} --collected {params.collected:q}"
        " --data-dir {params.data:q} --params {params.table_params:q} --out-prefix {params.prefix:q}"
        " > {log:q} 2>&1"
