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
        prefix=lambda wc, output: output.png[: -len(".png")],
        inputs=figure_arguments,
        noise=lambda wc: plan.noise_for(config, "noise_alignment"),
        caption=figure_caption,
    shell:
        "python -m noisefa.plot --figure {wildcards.figure} --out {params.prefix:q}"
        " {params.inputs} --noise {params.noise} > {log:q} 2>&1"
