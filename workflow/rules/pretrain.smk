# One noise-pretrained network per (architecture, noise, seed), shared by every
# study that needs it.


rule pretrain_noise:
    output:
        **paths.network_files(paths.PRETRAIN),
    log:
        paths.log("pretrain_noise", paths.PRETRAIN_ID),
    benchmark:
        paths.benchmark("pretrain_noise", paths.PRETRAIN_ID)
    shadow:
        SHADOW
    conda:
        CONDA_ENV
    threads: 1
    resources:
        gpu=1,
    params:
        batch_size=config["pretraining"]["batch_size"],
        lr=config["pretraining"]["lr"],
        epoch_samples=config["pretraining"]["epoch_samples"],
        out_dir=lambda wc, output: str(Path(output.model).parent),
    shell:
        "python -m noisefa.cli.pretrain --dims {wildcards.dims} --seed {wildcards.seed}"
        " --noise {wildcards.noise} --init {wildcards.init} --batch-size {params.batch_size}"
        " --lr {params.lr} --epoch-samples {params.epoch_samples} --out-dir {params.out_dir:q}"
        " --gpus {resources.gpu} --threads {threads} > {log:q} 2>&1"
