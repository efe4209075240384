# One noise-pretrained network per (architecture, noise, seed), shared by every
# study that needs it.


rule pretrain_noise:
    output:
        model=f"{RESULTS}/pretrain/{{dims}}/{{init}}/{{noise}}/seed{{seed}}/model.pt",
        history=f"{RESULTS}/pretrain/{{dims}}/{{init}}/{{noise}}/seed{{seed}}/history.csv",
        angles=f"{RESULTS}/pretrain/{{dims}}/{{init}}/{{noise}}/seed{{seed}}/angles.csv",
        snapshots=f"{RESULTS}/pretrain/{{dims}}/{{init}}/{{noise}}/seed{{seed}}/snapshots.pt",
        summary=f"{RESULTS}/pretrain/{{dims}}/{{init}}/{{noise}}/seed{{seed}}/summary.json",
    log:
        f"{RESULTS}/logs/pretrain_noise/{{dims}}/{{init}}/{{noise}}/seed{{seed}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/pretrain_noise/{{dims}}/{{init}}/{{noise}}/seed{{seed}}.tsv"
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
