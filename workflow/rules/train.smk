# The networks of one method in one condition (study, dataset, depth, variant): every
# seed in one job, trained as one stack of tensors (noisefa.learning.ensemble). The job
# writes the group's folder; each network's files are in <folder>/seed<k>.


rule train_networks:
    """Train every seed of one method in one condition as one stacked ensemble, writing each network's folder."""
    input:
        split=get_group_split,
        train=f"{DATA}/{{dataset}}/train.npz",
        record=f"{DATA}/{{dataset}}/train.json",  # normalisation
        test=f"{DATA}/{{dataset}}/test.npz",
        pretrained=get_pretrained_models,
    output:
        directory(paths.RUN_GROUP),
    log:
        paths.log("train_networks", paths.RUN_GROUP_ID),
    benchmark:
        paths.benchmark("train_networks", paths.RUN_GROUP_ID)
    shadow:
        SHADOW
    conda:
        CONDA_ENV
    threads: 1
    resources:
        gpu=gpu_request("train_networks"),
        runtime=cluster_runtime("train_networks"),
    params:
        compute=compute_flags,
        data=lambda wc, input: data_root(input.train),
        seeds=lambda wc: " ".join(str(k.seed) for k in group_keys(wc)),
        split=lambda wc: group_settings(wc).split,
        epochs=lambda wc: group_settings(wc).epochs,
        batch_size=lambda wc: group_settings(wc).batch_size,
        lr=lambda wc: group_settings(wc).lr,
        init=lambda wc: group_settings(wc).init,
        hidden=lambda wc: group_settings(wc).hidden or config["training"]["hidden"],
        pretrained=lambda wc: " ".join(
            ["--pretrained"] * bool(group_pretrains(wc))
            + [shlex.quote(f"{p.path}/model.pt") for p in group_pretrains(wc)]
        ),
        options=lambda wc: run_options(wc.study, group_settings(wc)),
    shell:
        "python -m noisefa.cli.train --dataset {wildcards.dataset} --data-dir {params.data:q}"
        " --split {params.split} --depth {wildcards.depth} --hidden {params.hidden}"
        " --method {wildcards.method} --seeds {params.seeds} --init {params.init}"
        " --epochs {params.epochs} --batch-size {params.batch_size} --lr {params.lr}"
        " {params.options} {params.pretrained} --out-dir {output:q}"
        " --study {wildcards.study} --variant {wildcards.variant} {params.compute} --threads {threads} > {log:q} 2>&1"
