# One network trained on data per (study, dataset, depth, method, seed).


rule train_network:
    input:
        split=get_run_split,
        train=f"{DATA}/{{dataset}}/train.npz",
        record=f"{DATA}/{{dataset}}/train.json",  # normalisation
        test=f"{DATA}/{{dataset}}/test.npz",
        pretrained=get_pretrained_model,
    output:
        **paths.network_files(paths.RUN),
    log:
        paths.log("train_network", paths.RUN_ID),
    benchmark:
        paths.benchmark("train_network", paths.RUN_ID)
    shadow:
        SHADOW
    conda:
        CONDA_ENV
    threads: 1
    resources:
        gpu=1,
    params:
        data=lambda wc, input: data_root(input.train),
        split=lambda wc: run_settings(wc).split,
        epochs=lambda wc: run_settings(wc).epochs,
        batch_size=lambda wc: run_settings(wc).batch_size,
        lr=lambda wc: run_settings(wc).lr,
        init=lambda wc: run_settings(wc).init,
        hidden=config["training"]["hidden"],
        pretrained=lambda wc, input: " ".join(
            f"--pretrained {shlex.quote(path)}" for path in input.pretrained
        ),
        options=lambda wc: run_options(run_settings(wc)),
        out_dir=lambda wc, output: str(Path(output.model).parent),
    shell:
        "python -m noisefa.cli.train --dataset {wildcards.dataset} --data-dir {params.data:q}"
        " --split {params.split} --depth {wildcards.depth} --hidden {params.hidden}"
        " --method {wildcards.method} --seed {wildcards.seed} --init {params.init}"
        " --epochs {params.epochs} --batch-size {params.batch_size} --lr {params.lr}"
        " {params.options} {params.pretrained} --out-dir {params.out_dir:q}"
        " --study {wildcards.study} --variant {wildcards.variant} --gpus {resources.gpu} --threads {threads} > {log:q} 2>&1"
