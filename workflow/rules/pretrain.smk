# The noise pretrainings of one architecture, initialisation and noise: every seed any
# study needs, in one job, trained as one stack of tensors. Shared by every study that
# needs them; each network's files are in <folder>/seed<k>.


rule pretrain_noise:
    """Algorithm 1: pretrain every seed of one architecture on random noise with random labels."""
    output:
        directory(paths.PRETRAIN_GROUP),
    log:
        paths.log("pretrain_noise", paths.PRETRAIN_GROUP_ID),
    benchmark:
        paths.benchmark("pretrain_noise", paths.PRETRAIN_GROUP_ID)
    shadow:
        SHADOW
    conda:
        CONDA_ENV
    threads: 1
    resources:
        gpu=gpu_request("pretrain_noise"),
        runtime=cluster_runtime("pretrain_noise"),
    params:
        compute=compute_flags,
        seeds=lambda wc: " ".join(
            str(k.seed)
            for k in plan.pretrain_group(config, wc.dims, wc.init, wc.noise)
        ),
        batch_size=config["pretraining"]["batch_size"],
        lr=config["pretraining"]["lr"],
        epoch_samples=config["pretraining"]["epoch_samples"],
        options=pretraining_options,
    shell:
        "python -m noisefa.cli.pretrain --dims {wildcards.dims} --seeds {params.seeds}"
        " {params.options} --init {wildcards.init} --batch-size {params.batch_size}"
        " --lr {params.lr} --epoch-samples {params.epoch_samples} --out-dir {output:q}"
        " {params.compute} --threads {threads} > {log:q} 2>&1"
