# One job per paper figure; workflow/report/figures/<id>.rst is its caption.


rule figure:
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
    conda:
        CONDA_ENV
    params:
        data=lambda wc, input: (
            f"--data-dir {shlex.quote(data_root(input.staged))}"
            if "staged" in input.keys()
            else ""
        ),
        prefix=lambda wc, output: output.png[: -len(".png")],
        collected=lambda wc, input: str(Path(input.collected).parent),
        noise=lambda wc: plan.noise_for(config, FIGURES[wc.figure].study),
        caption=figure_caption,
    shell:
        "python -m noisefa.plot --figure {wildcards.figure} --out {params.prefix:q}"
        " --collected {params.collected:q} --stats {input.stats:q} {params.data}"
        " --noise {params.noise} > {log:q} 2>&1"
