"""What each stabilizer buys: the DCGAN recipe on Fashion-MNIST under every configuration.

    python benchmarks/stabilizers.py                                 # every config x 3 seeds
    python benchmarks/stabilizers.py --configs baseline r1 --seeds 0
    python benchmarks/stabilizers.py --table-only                    # rewrite the .md
    python benchmarks/stabilizers.py --configs baseline hinge --seeds 0 1 2 3 4 \
        --train-split 'train[:50000]' --validation-split 'train[50000:]' \
        --output benchmarks/results/generator_loss_fashion_mnist   # the default's choice

Every configuration trains `recipes/dcgan_fashion_mnist.py` with the same
budget (epochs, batch, seeds, networks); only the stabilizer changes. Each
"+ X" row is the non-saturating baseline plus X alone, except where X needs
a discriminator without batch normalization (R1, WGAN-GP), which is then
dropped, as the penalty's paper does. The trained generator (the averaged
one with EMA) is exported and scored by `ganzoo.evaluation.evaluate` against the
Fashion-MNIST test images through the shipped domain classifier
(`exported/classifiers/fashion_mnist`): FID and KID on its penultimate
features ("domain features", not comparable with InceptionV3 numbers),
precision and recall (k = 3), and the entropy of the histogram of predicted
classes (log2(10) = 3.32 bits for ten balanced classes; it falls when modes
are dropped). Wall time is the training time alone.

With `--validation-split` the runs train on `--train-split` and are scored
against the validation images instead of the test images: use that for any
table a default is chosen from. Each row's `p` is Welch's two-sided t-test
of its FID against the baseline's over the seeds (`scipy.stats.ttest_ind`,
`equal_var=False`); a default changes only for p < 0.05.

Each finished run is appended to `<output>.jsonl` at once, so an
interrupted benchmark resumes where it stopped (a run with the same
configuration, seed and settings is not repeated); the Markdown table
(`<output>.md`, mean ± std over seeds) is rewritten after every run.
"""

import argparse
import dataclasses
import json
import os
import pathlib
import platform
import sys
import tempfile
import time

from ganzoo.training.recipe_files import load_recipe

REPO = pathlib.Path(__file__).resolve().parents[1]
CLASSIFIER_DIR = REPO / "exported" / "classifiers" / "fashion_mnist"

# Name -> (row label, recipe config overrides). The WGAN-GP row is the
# recipe's "wgan_gp" preset (Gulrajani et al. 2017, Algorithm 1).
CONFIGS = {
    "baseline": ("non-saturating (baseline)", {}),
    "least_squares": ("least squares", {"generator_loss": "least_squares"}),
    "hinge": ("hinge", {"generator_loss": "hinge"}),
    "wgan_gp": ("WGAN-GP (k = 5, no BN)", "wgan_gp"),
    "spectral_norm": ("+ spectral norm", {"spectral_normalization": True}),
    "r1": (
        "+ R1 (gamma = 10, lazy every 4, no BN)",
        {"batch_normalization": False, "gradient_penalty": "r1", "gradient_penalty_interval": 4},
    ),
    "ema": ("+ EMA (0.999, warm-up)", {"generator_ema_decay": 0.999}),
    "diff_augment": (
        "+ DiffAugment (color, translation, cutout)",
        {"augmentation": "color,translation,cutout"},
    ),
    "instance_noise": ("+ instance noise (0.1 → 0)", {"instance_noise": 0.1}),
    "label_smoothing": ("+ one-sided label smoothing (0.1)", {"label_smoothing": 0.1}),
    "ttur": ("+ TTUR (1e-4 / 4e-4, Adam(0, 0.9))", "ttur"),
    # Not in the default run (see DEFAULT_CONFIGS): at 3.6x the step time,
    # and every eta tried lost the game for the generator. With eta = 0.02
    # D(G(z)) fell to 0.04 in epoch 1 (baseline 0.33) and 5e-4 in epoch 3;
    # with 0.002 to 0.07 in epoch 1; with 1e-7 it matched the baseline to
    # 3 digits over 150 steps, so the limit eta -> 0 is right.
    "unrolled": (
        "+ unrolled (K = 5, eta = 0.002)",
        {"unrolling_steps": 5, "unrolling_learning_rate": 0.002},
    ),
    # The best combination of the rows above: hinge, the only single change
    # that lowered FID, with instance noise, which halved its spread (label
    # smoothing applies only to the non-saturating loss).
    "best": (
        "hinge + instance noise (0.1 → 0)",
        {"generator_loss": "hinge", "instance_noise": 0.1},
    ),
}
BASELINE_LOSS = "non_saturating"
DEFAULT_CONFIGS = [name for name in CONFIGS if name != "unrolled"]
METRICS = ("fid_domain", "kid_domain", "precision_domain", "recall_domain", "class_entropy_bits")


def _load_recipe():
    return load_recipe("dcgan_fashion_mnist")


def config_for(recipe, name, seed, base_overrides):
    """The recipe `Config` of configuration `name` with the shared settings applied."""
    if name not in CONFIGS:
        raise ValueError(f"Unknown configuration {name!r}. Expected one of {sorted(CONFIGS)}.")
    _, overrides = CONFIGS[name]
    preset = "default"
    if isinstance(overrides, str):
        preset, overrides = overrides, {}
    # The rows are "baseline + X" with the paper's non-saturating loss,
    # whatever the recipe's default (hinge, since this table).
    pinned = {} if "generator_loss" in recipe.PRESETS[preset] else {"generator_loss": BASELINE_LOSS}
    return recipe.make_config(preset, seed=seed, **{**pinned, **base_overrides, **overrides})


def run_one(recipe, config, num_samples, work_dir, validation_split=None):
    """Trains, exports and evaluates one configuration and seed; returns the metrics."""
    config = dataclasses.replace(
        config,
        run_dir=str(work_dir / "run"),
        export_dir=str(work_dir / "export"),
        backup_every_steps=None,
        # A collapsed row is a result of the table: export and score it.
        force=True,
    )
    start = time.perf_counter()
    _, result = recipe.train(config)
    export_path = result["export_path"]
    train_seconds = time.perf_counter() - start
    if validation_split is None:
        from ganzoo.evaluation import evaluate

        result = evaluate(
            export_path,
            classifier_dir=CLASSIFIER_DIR,
            num_samples=num_samples,
            seed=config.seed,
            write=False,
        )
    else:
        result = evaluate_on_validation(
            export_path, config, validation_split, num_samples, config.seed
        )
    return {
        **{key: result["generated"][key] for key in METRICS},
        "train_seconds": round(train_seconds, 1),
        "real_train_vs_test": {key: result["real_train_vs_test"][key] for key in METRICS},
    }


def evaluate_on_validation(export_path, config, validation_split, num_samples, seed):
    """`ganzoo.evaluation.evaluate`'s table, against validation images instead of the test split.

    The floor compares as many training images (from `config.train_split`)
    with the same validation images.
    """
    import numpy as np

    from ganzoo.data import load_image_arrays
    from ganzoo.evaluation import sample_metrics
    from ganzoo.latents import sample_latents
    from ganzoo.runtime import OnnxClassifier
    from ganzoo.runtime import OnnxGenerator

    classifier = OnnxClassifier(CLASSIFIER_DIR)
    rng = np.random.default_rng(seed)
    validation, _ = load_image_arrays(config.dataset, validation_split)
    training, _ = load_image_arrays(config.dataset, config.train_split)
    validation = validation[rng.choice(len(validation), min(num_samples, len(validation)), False)]
    training = training[rng.choice(len(training), num_samples, replace=False)]
    _, real_features = classifier.predict(validation.astype("float32") / 127.5 - 1)
    train_probabilities, train_features = classifier.predict(training.astype("float32") / 127.5 - 1)
    generator = OnnxGenerator(export_path)
    # The latents `ganzoo evaluate` draws, in chunks of 1,000.
    z = sample_latents(num_samples, generator.latent_dim, seed=seed)
    fake = np.concatenate([generator.generate(z[i : i + 1000]) for i in range(0, len(z), 1000)])
    fake_probabilities, fake_features = classifier.predict(fake)
    return {
        "generated": sample_metrics(real_features, fake_features, fake_probabilities, seed),
        "real_train_vs_test": sample_metrics(
            real_features, train_features, train_probabilities, seed
        ),
    }


def welch_p_value(values, baseline):
    """Welch's two-sided t-test p-value of `values` against `baseline`; None below 2 each."""
    from scipy import stats

    if len(values) < 2 or len(baseline) < 2:
        return None
    return float(stats.ttest_ind(values, baseline, equal_var=False).pvalue)


def _format_p(p_value):
    if p_value is None:
        return "–"
    return "< 0.001" if p_value < 0.001 else f"{p_value:.3f}"


def _settings(config):
    varying = ("seed", "run_dir", "export_dir", "overwrite", "backup_every_steps", "grid_samples")
    return {key: value for key, value in dataclasses.asdict(config).items() if key not in varying}


def _key(record, defaults):
    """What makes a run: its configuration, seed and the settings that differ from the defaults.

    Settings at the recipe's defaults are dropped, so records written before
    a new config field existed still match the runs they describe.
    """
    settings = {
        key: value for key, value in record["settings"].items() if defaults.get(key, "?") != value
    }
    return (record["config"], record["seed"], json.dumps(settings, sort_keys=True))


def read_records(path):
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def write_table(records, path, summary):
    """Writes the Markdown table: one row per configuration, mean ± std over seeds."""
    import numpy as np

    lines = [
        "# Stabilizers on DCGAN / Fashion-MNIST: what each one buys",
        "",
        "Written by `python benchmarks/stabilizers.py`. Mean ± sample std (ddof = 1) over "
        "seeds; FID and KID (the unbiased MMD² estimate, unscaled, as everywhere in "
        "ganzoo) on the domain classifier's features (lower is better), and "
        "precision and recall on them (k = 3, higher is better), entropy of the predicted-class "
        "histogram (bits; 3.32 for ten balanced classes), training wall time. `p`: Welch's "
        "two-sided t-test of the row's FID against the baseline's (a default changes only "
        "for p < 0.05).",
        "",
        f"Settings: {summary}.",
        "",
        "| configuration | seeds | domain FID | p vs baseline | domain KID | domain precision "
        "| domain recall | class entropy | train time |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    groups = {}
    for record in records:
        groups.setdefault(record["config"], []).append(record)
    for name in [name for name in CONFIGS if name in groups]:
        group = groups[name]

        def cell(key, scale=1.0, digits=3, group=group):
            values = np.array([record["metrics"][key] for record in group]) * scale
            if len(values) < 2:  # no spread from one seed
                return f"{values.mean():.{digits}f} ± –"
            return f"{values.mean():.{digits}f} ± {values.std(ddof=1):.{digits}f}"

        fids = [record["metrics"]["fid_domain"] for record in group]
        baseline = [record["metrics"]["fid_domain"] for record in groups.get("baseline", [])]
        p_value = None if name == "baseline" else welch_p_value(fids, baseline)

        minutes = np.mean([record["metrics"]["train_seconds"] for record in group]) / 60
        lines.append(
            f"| {CONFIGS[name][0]} | {', '.join(str(r['seed']) for r in group)} | "
            f"{cell('fid_domain', digits=2)} | {_format_p(p_value)} | "
            f"{cell('kid_domain', digits=4)} | {cell('precision_domain')} | "
            f"{cell('recall_domain')} | {cell('class_entropy_bits')} | {minutes:.1f} min |"
        )
    if records:
        floor = records[0]["metrics"]["real_train_vs_test"]
        lines += [
            "",
            "Floor (real training images against the scored real images, same sample "
            "count): "
            f"FID {floor['fid_domain']:.2f}, KID {floor['kid_domain']:.4f}, precision "
            f"{floor['precision_domain']:.3f}, recall {floor['recall_domain']:.3f}, class entropy "
            f"{floor['class_entropy_bits']:.3f} bits.",
        ]
    temporary = path.with_suffix(".md.tmp")
    temporary.write_text("\n".join(lines) + "\n")
    os.replace(temporary, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--configs", nargs="+", choices=sorted(CONFIGS), default=DEFAULT_CONFIGS)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--base-filters", type=int, default=32, help="the recipe default is 64")
    parser.add_argument("--take", type=int, default=None, help="training images (default: all)")
    parser.add_argument("--dtype-policy", default="mixed_bfloat16")
    parser.add_argument("--num-samples", type=int, default=5000)
    parser.add_argument(
        "--train-split", default=None, help="training images (default: all of 'train')"
    )
    parser.add_argument(
        "--validation-split",
        default=None,
        help="score against these images instead of the test split, e.g. 'train[50000:]'",
    )
    parser.add_argument("--table-only", action="store_true")
    parser.add_argument(
        "--output",
        default=str(REPO / "benchmarks" / "results" / "stabilizers_fashion_mnist"),
        help="Path without suffix of the .jsonl records and the .md table.",
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    recipe = _load_recipe()
    records_path = pathlib.Path(args.output + ".jsonl")
    table_path = pathlib.Path(args.output + ".md")
    records_path.parent.mkdir(parents=True, exist_ok=True)
    records = read_records(records_path)
    defaults = dataclasses.asdict(recipe.Config())
    done = {_key(record, defaults) for record in records}
    base_overrides = {"epochs": args.epochs, "dtype_policy": args.dtype_policy}
    for key, value in (
        ("base_filters", args.base_filters),
        ("take", args.take),
        ("train_split", args.train_split),
    ):
        if value is not None:
            base_overrides[key] = value
    base = recipe.make_config("default", **base_overrides)
    summary = (
        f"{args.epochs} epochs of {base.dataset} {base.train_split}"
        f"{f' (first {base.take} images)' if base.take else ''}, batch {base.batch_size}, "
        f"{base.base_filters} base filters, "
        f"{args.dtype_policy}, {args.num_samples} samples scored against "
        f"{args.validation_split or 'test'} images; "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs"
    )
    # Seeds in the outer loop: a partial run still covers every configuration.
    for seed in [] if args.table_only else args.seeds:
        for name in args.configs:
            config = config_for(recipe, name, seed, base_overrides)
            record = {"config": name, "seed": seed, "settings": _settings(config)}
            if args.validation_split is not None:
                record["settings"]["scored_on"] = args.validation_split
            if _key(record, defaults) in done:
                print(f"Skipping {name} seed {seed}: already in {records_path}.")
                continue
            with tempfile.TemporaryDirectory(prefix=f"stabilizers_{name}_") as work_dir:
                record["metrics"] = run_one(
                    recipe, config, args.num_samples, pathlib.Path(work_dir), args.validation_split
                )
            with records_path.open("a") as file:
                file.write(json.dumps(record) + "\n")
            records.append(record)
            done.add(_key(record, defaults))
            write_table(records, table_path, summary)
            print(json.dumps(record), flush=True)
    write_table(records, table_path, summary)
    print(f"Wrote {table_path}")


if __name__ == "__main__":
    main()
