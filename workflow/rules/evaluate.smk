# Gather each study's runs into tidy tables that statistics and figures read.


rule collect_study:
    """Gather every network's summary, history and angles of a study into its collected tables (reads no weights)."""
    input:
        runs=get_study_run_inputs,
        pretrains=get_study_pretrain_inputs,
        files=get_collected_files,
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
    localrule: True
    shadow:
        SHADOW
    conda:
        CONDA_ENV
    params:
        runs=lambda wc: [f"{f}/summary.json" for f in study_run_folders(wc)],
        pretrains=lambda wc: [f"{f}/summary.json" for f in study_pretrain_folders(wc)],
        out_dir=lambda wc, output: str(Path(output.runs).parent),
    shell:
        "python -m noisefa.cli.collect --runs {params.runs:q} --pretrains {params.pretrains:q}"
        " --out-dir {params.out_dir:q} > {log:q} 2>&1"


rule evaluate_study:
    """Post-hoc measurements of a study's trained networks (read-outs, spectra, trajectories, OOD accuracy)."""
    input:
        unpack(get_evaluation_inputs),
    output:
        f"{RESULTS}/collected/{{study}}/evaluation.csv",
    log:
        f"{RESULTS}/logs/evaluate_study/{{study}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/evaluate_study/{{study}}.tsv"
    shadow:
        SHADOW
    conda:
        CONDA_ENV
    params:
        arguments=evaluation_arguments,
        study_parameters=study_parameters,
    shell:
        "python -m noisefa.cli.evaluate --study {wildcards.study} {params.arguments}"
        " --params {params.study_parameters:q} --out {output:q} > {log:q} 2>&1"


rule noise_condition:
    """Fig 1f: pretrain the trials of one noise distribution and std, and record the alignment reached."""
    output:
        paths.NOISE_CONDITION,
    log:
        paths.log("noise_condition", paths.NOISE_CONDITION_ID),
    benchmark:
        paths.benchmark("noise_condition", paths.NOISE_CONDITION_ID)
    shadow:
        SHADOW
    conda:
        CONDA_ENV
    threads: 1
    resources:
        gpu=gpu_request("noise_condition"),
        runtime=cluster_runtime("noise_condition"),
    params:
        compute=compute_flags,
        dims=lambda wc: "x".join(map(str, plan.dims(config, wc.dataset, int(wc.depth)))),
        trials=lambda wc: plan.study(config, "noise_conditions")["trials"],
        init=config["training"]["init"],
        batch_size=config["pretraining"]["batch_size"],
        lr=config["pretraining"]["lr"],
        epoch_samples=config["pretraining"]["epoch_samples"],
    shell:
        "python -m noisefa.cli.noise_conditions --dims {params.dims} --noise {wildcards.noise}"
        " --trials {params.trials} --init {params.init} --batch-size {params.batch_size}"
        " --lr {params.lr} --epoch-samples {params.epoch_samples} --out {output:q}"
        " {params.compute} --threads {threads} > {log:q} 2>&1"


rule noise_after_data:
    """Fig 2g: train FA networks already trained on data further on noise (data, then noise)."""
    input:
        trained=paths.fill(paths.RUN_GROUP, variant=plan.BASE, method="fa"),
    output:
        **paths.network_files(
            paths.fill(paths.RUN, variant=plan.BASE, method="fa_then_noise")
        ),
    log:
        paths.log("noise_after_data", "{study}/{dataset}/depth{depth}/seed{seed}"),
    benchmark:
        paths.benchmark("noise_after_data", "{study}/{dataset}/depth{depth}/seed{seed}")
    shadow:
        SHADOW
    conda:
        CONDA_ENV
    threads: 1
    resources:
        gpu=gpu_request("noise_after_data"),
        runtime=cluster_runtime("noise_after_data"),
    params:
        compute=compute_flags,
        dims=lambda wc: "x".join(map(str, plan.dims(config, wc.dataset, int(wc.depth)))),
        noise=lambda wc: plan.noise_for(config, wc.study),
        batch_size=config["pretraining"]["batch_size"],
        lr=config["pretraining"]["lr"],
        epoch_samples=config["pretraining"]["epoch_samples"],
        model=lambda wc, input: paths.network_files(
            f"{input.trained}/{paths.seed_folder(wc.seed)}"
        )["model"],
        # the command writes <out-dir>/seed<k>
        out_dir=lambda wc, output: str(Path(output.model).parent.parent),
    shell:
        "python -m noisefa.cli.pretrain --dims {params.dims} --seed {wildcards.seed}"
        " --noise {params.noise} --start-from {params.model:q} --batch-size {params.batch_size}"
        " --lr {params.lr} --epoch-samples {params.epoch_samples} --out-dir {params.out_dir:q}"
        " {params.compute} --threads {threads} > {log:q} 2>&1"


rule meta_loss_seed:
    """Fig 6a: the MAML meta-loss on three tasks at each noise epoch of one network's noise training."""
    input:
        tasks=lambda wc: [
            f"{DATA}/{task}/train.{ext}"
            for task in plan.study(config, "meta_loss")["tasks"]
            for ext in ("npz", "json")
        ],
        shared=paths.PRETRAIN_GROUP,
    output:
        paths.META_LOSS,
    log:
        paths.log("meta_loss_seed", paths.PRETRAIN_ID),
    benchmark:
        paths.benchmark("meta_loss_seed", paths.PRETRAIN_ID)
    shadow:
        SHADOW
    conda:
        CONDA_ENV
    threads: 1
    resources:
        gpu=gpu_request("meta_loss_seed"),
        runtime=cluster_runtime("meta_loss_seed"),
    params:
        compute=compute_flags,
        data=lambda wc, input: data_root(input.tasks[0]),
        tasks=" ".join(plan.study(config, "meta_loss")["tasks"]),
        epochs=" ".join(map(str, plan.study(config, "meta_loss")["epochs"])),
        cfg=lambda wc: plan.study(config, "meta_loss"),
        shared=lambda wc, input: paths.network_files(
            f"{input.shared}/{paths.seed_folder(wc.seed)}"
        )["model"],
        batch_size=config["pretraining"]["batch_size"],
        lr=config["pretraining"]["lr"],
        epoch_samples=config["pretraining"]["epoch_samples"],
    shell:
        "python -m noisefa.cli.meta_loss --dims {wildcards.dims} --seed {wildcards.seed}"
        " --noise {wildcards.noise} --init {wildcards.init} --batch-size {params.batch_size}"
        " --lr {params.lr} --epoch-samples {params.epoch_samples} --data-dir {params.data:q}"
        " --tasks {params.tasks} --shots {params.cfg[shots]} --query {params.cfg[query]}"
        " --inner-steps {params.cfg[inner_steps]} --inner-lr {params.cfg[inner_lr]}"
        " --draws {params.cfg[draws]} --epochs {params.epochs} --check {params.shared:q}"
        " --out {output:q} {params.compute} --threads {threads} > {log:q} 2>&1"
