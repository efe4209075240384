# One network trained on data per (study, dataset, depth, method, seed).


rule train_network:
    input:
        split=get_run_split,
        train=f"{DATA}/{{dataset}}/train.npz",
        test=f"{DATA}/{{dataset}}/test.npz",
        pretrained=get_pretrained_model,
    output:
        model=f"{RESULTS}/runs/{{study}}/{{dataset}}/depth{{depth}}/{{method}}/seed{{seed}}/model.pt",
        history=f"{RESULTS}/runs/{{study}}/{{dataset}}/depth{{depth}}/{{method}}/seed{{seed}}/history.csv",
        angles=f"{RESULTS}/runs/{{study}}/{{dataset}}/depth{{depth}}/{{method}}/seed{{seed}}/angles.csv",
        summary=f"{RESULTS}/runs/{{study}}/{{dataset}}/depth{{depth}}/{{method}}/seed{{seed}}/summary.json",
    log:
        f"{RESULTS}/logs/train_network/{{study}}/{{dataset}}/depth{{depth}}/{{method}}/seed{{seed}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/train_network/{{study}}/{{dataset}}/depth{{depth}}/{{method}}/seed{{seed}}.tsv"
    conda:
        CONDA_ENV
    threads: 1
    resources:
        gpu=1,
    params:
        data=lambda wc, input: data_root(input.train),
        split=lambda wc: plan.split_tag(config, wc.study),
        epochs=lambda wc: plan.study(config, wc.study)["epochs"],
        batch_size=config["training"]["batch_size"],
        lr=config["training"]["lr"],
        hidden=config["training"]["hidden"],
        init=config["training"]["init"],
        pretrained=lambda wc, input: " ".join(
            f"--pretrained {shlex.quote(path)}" for path in input.pretrained
        ),
        out_dir=lambda wc, output: str(Path(output.model).parent),
    shell:
        "python -m noisefa.train --dataset {wildcards.dataset} --data-dir {params.data:q}"
        " --split {params.split} --depth {wildcards.depth} --hidden {params.hidden}"
        " --method {wildcards.method} --seed {wildcards.seed} --init {params.init}"
        " --epochs {params.epochs} --batch-size {params.batch_size} --lr {params.lr}"
        " {params.pretrained} --out-dir {params.out_dir:q}"
        " --gpus {resources.gpu} --threads {threads} > {log:q} 2>&1"
