# Datasets read from one file per split (MNIST family, USPS): one job per split.
rule stage_split:
    """Find one split in a mirror (or download it), check torchvision's MD5s and store
    it as results/<tree>/data/<dataset>/<split>.npz with a .json record."""
    output:
        npz=f"{DATA}/{{dataset}}/{{split}}.npz",
        record=f"{DATA}/{{dataset}}/{{split}}.json",
    log:
        f"{RESULTS}/logs/stage_split/{{dataset}}-{{split}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/stage_split/{{dataset}}-{{split}}.tsv"
    wildcard_constraints:
        dataset="|".join(d for d in DATASETS if not DATASETS[d].archive()),
    localrule: True
    conda:
        CONDA_ENV
    params:
        data=lambda wc, output: data_root(output.npz),
        mirrors=mirror_args(),
        download=download_flag,
        # One torchvision root per job: parallel jobs never extract into the same folder.
        cache=lambda wc: f"{DATA}/.torchvision/{wc.dataset}-{wc.split}",
    shell:
        "python -m noisefa.cli.stage --dataset {wildcards.dataset} --split {wildcards.split}"
        " --out-dir {params.data:q} --cache-root {params.cache:q} {params.mirrors} {params.download}"
        " > {log:q} 2>&1"


# Datasets shipped as one archive holding both splits (CIFAR, STL-10): one job stages
# both, so the archive is downloaded and extracted once (STL-10: 2.5 GB).
rule stage_archive:
    """Stage both splits of an archive dataset from one download and one extraction."""
    output:
        train=f"{DATA}/{{dataset}}/train.npz",
        train_record=f"{DATA}/{{dataset}}/train.json",
        test=f"{DATA}/{{dataset}}/test.npz",
        test_record=f"{DATA}/{{dataset}}/test.json",
    log:
        f"{RESULTS}/logs/stage_archive/{{dataset}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/stage_archive/{{dataset}}.tsv"
    wildcard_constraints:
        dataset="|".join(d for d in DATASETS if DATASETS[d].archive()),
    localrule: True
    conda:
        CONDA_ENV
    params:
        data=lambda wc, output: data_root(output.train),
        mirrors=mirror_args(),
        download=download_flag,
        cache=lambda wc: f"{DATA}/.torchvision/{wc.dataset}",
    shell:
        "python -m noisefa.cli.stage --dataset {wildcards.dataset} --split train test"
        " --out-dir {params.data:q} --cache-root {params.cache:q} {params.mirrors} {params.download}"
        " > {log:q} 2>&1"


rule make_split:
    """Draw a seeded, class-balanced train/validation/test subset of a staged dataset (indices only)."""
    input:
        train=f"{DATA}/{{dataset}}/train.npz",
        test=f"{DATA}/{{dataset}}/test.npz",
    output:
        indices=f"{DATA}/{{dataset}}/splits/{{split_tag}}.npz",
        record=f"{DATA}/{{dataset}}/splits/{{split_tag}}.json",
    log:
        f"{RESULTS}/logs/make_split/{{dataset}}-{{split_tag}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/make_split/{{dataset}}-{{split_tag}}.tsv"
    localrule: True
    shadow:
        SHADOW
    conda:
        CONDA_ENV
    params:
        data=lambda wc, input: data_root(input.train),
    shell:
        "python -m noisefa.cli.split --dataset {wildcards.dataset} --tag {wildcards.split_tag}"
        " --data-dir {params.data:q} > {log:q} 2>&1"


rule make_ood_set:
    """Build one out-of-distribution test set (translated, scaled or rotated MNIST, or USPS at 28x28) from a fixed seed."""
    input:
        mnist=f"{DATA}/mnist/test.npz",
        usps=lambda wc: f"{DATA}/usps/test.npz" if wc.ood_set == "usps28" else [],
    output:
        images=f"{DATA}/ood/{{ood_set}}.npz",
        record=f"{DATA}/ood/{{ood_set}}.json",
    log:
        f"{RESULTS}/logs/make_ood_set/{{ood_set}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/make_ood_set/{{ood_set}}.tsv"
    localrule: True
    shadow:
        SHADOW
    conda:
        CONDA_ENV
    params:
        data=lambda wc, input: data_root(input.mnist),
        seed=config["studies"]["ood"]["seed"],
        translate=config["studies"]["ood"]["translate"],
        scale=" ".join(map(str, config["studies"]["ood"]["scale"])),
        rotate=config["studies"]["ood"]["rotate"],
    shell:
        "python -m noisefa.cli.make_ood --set {wildcards.ood_set} --data-dir {params.data:q}"
        " --seed {params.seed} --translate {params.translate} --scale {params.scale}"
        " --rotate {params.rotate} > {log:q} 2>&1"
