"""Semi-supervised benchmark: the SGAN's discriminator vs the same CNN trained on labels only.

    python benchmarks/semi_supervised.py                       # 25/50/100/1000 labels x 3 seeds
    python benchmarks/semi_supervised.py --labels 100 --seeds 0 --epochs 1

The table of Odena 2016 (Table 1) on real Fashion-MNIST (and MNIST where tfds
can reach it): for each number of labels and seed, the labelled subset is
chosen by the seed, balanced per class (`ganzoo.data.select_labelled_subset`),
and two classifiers of the same architecture
(`recipes/sgan_fashion_mnist.py`'s discriminator) are trained:

- the supervised CNN: cross-entropy on the labelled batches only, the very
  batches the SGAN sees, for as many steps as the SGAN takes;
- the SemiSupervisedGAN (Salimans et al. 2016): the same labelled batches plus
  every training image unlabelled and the generator's images.

Both are scored on all 10,000 test images. Each finished run is appended to
`<output>.jsonl` at once, so an interrupted benchmark resumes where it
stopped (runs with the same settings are not repeated); the Markdown table
(`<output>.md`, mean +- std over seeds) is rewritten after every run.
"""

import argparse
import dataclasses
import json
import os
import pathlib
import platform
import sys
import time

from ganzoo.training.recipe_files import load_recipe

REPO = pathlib.Path(__file__).resolve().parents[1]


def _load_recipe():
    return load_recipe("sgan_fashion_mnist")


def train_supervised_baseline(recipe, config, steps):
    """The discriminator network trained on the SGAN's labelled batches only."""
    import keras

    from ganzoo.data import dataset_info

    keras.utils.set_random_seed(config.seed)
    info = dataset_info(config.dataset)
    data = recipe.load_training_data(config)
    labelled = data.dataset.map(lambda batch: (batch["labelled_images"], batch["labels"]))
    # The SGAN's own discriminator at its initial weights: the networks are
    # built in the SGAN's order, so both runs start from the same classifier.
    classifier = recipe.build_networks(config, info.image_shape, info.num_classes)["discriminator"]
    classifier.compile(
        optimizer=keras.optimizers.Adam(config.learning_rate, beta_1=config.beta_1),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    start = time.perf_counter()
    classifier.fit(labelled.repeat(), steps_per_epoch=steps, epochs=1, verbose=0)
    train_seconds = time.perf_counter() - start
    test = recipe.load_test_dataset(config)
    accuracy = classifier.evaluate(test, return_dict=True, verbose=0)["accuracy"]
    return {
        "test_accuracy": float(accuracy),
        "train_seconds": round(train_seconds, 1),
        "labelled_indices": data.labelled_indices.tolist(),
    }


def run_one(recipe, config):
    """Trains both classifiers for one (num_labels, seed); returns the JSON record."""
    steps_per_epoch = config.steps_per_epoch
    if steps_per_epoch is None:
        steps_per_epoch = recipe.load_training_data(config).num_unlabelled // config.batch_size
    steps = steps_per_epoch * config.epochs
    _, sgan = recipe.train(config)
    supervised = train_supervised_baseline(recipe, config, steps)
    # The two saw the same labelled examples (the same subset, from the seed).
    if supervised.pop("labelled_indices") != sgan["labelled_indices"]:
        raise RuntimeError("The SGAN and the supervised CNN used different labelled subsets.")
    return {
        "dataset": config.dataset,
        "num_labels": config.num_labels,
        "seed": config.seed,
        "epochs": config.epochs,
        "settings": _settings(config),
        "steps": steps,
        "sgan": {key: sgan[key] for key in ("test_accuracy", "train_seconds")},
        "supervised": supervised,
    }


def _settings(config):
    """The training settings shared by every run of one table (not labels or seed)."""
    varying = ("num_labels", "seed", "run_dir", "export_dir", "export", "overwrite")
    return {key: value for key, value in dataclasses.asdict(config).items() if key not in varying}


def _settings_key(record):
    return (
        record["dataset"],
        record["num_labels"],
        record["seed"],
        record["epochs"],
        json.dumps(record.get("settings"), sort_keys=True),
    )


def _epochs(count):
    return f"{count} epoch{'' if count == 1 else 's'}"


def read_records(path):
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _mean_std(values):
    spread = f"{values.std(ddof=1):.4f}" if len(values) > 1 else "–"
    return f"{values.mean():.4f} ± {spread}"


def _paired_p(values, baseline):
    """Two-sided paired t-test p-value, formatted; '–' below two pairs."""
    from scipy import stats

    if len(values) < 2:
        return "–"
    p_value = float(stats.ttest_rel(values, baseline).pvalue)
    return "< 0.001" if p_value < 0.001 else f"{p_value:.3f}"


def write_table(records, path, config_summary):
    """Writes the Markdown table of mean +- std test accuracy per label count."""
    import numpy as np

    lines = [
        "# Semi-supervised classification: SGAN vs the same CNN on labels only",
        "",
        "Test accuracy on all 10,000 test images, mean ± sample std (ddof = 1) over "
        "seeds (each seed chooses a different class-balanced labelled subset, the same "
        "for both models). `p`: two-sided paired t-test of SGAN − CNN over the seeds; "
        "a difference is claimed only with at least 5 seeds and p < 0.05. Written by "
        "`python benchmarks/semi_supervised.py`.",
        "",
        f"Settings: {config_summary}.",
        "",
        "| dataset | labels | seeds | supervised CNN | SemiSupervisedGAN | SGAN − CNN "
        "| p (paired) | SGAN train time / run |",
        "|---|---|---|---|---|---|---|---|",
    ]
    groups = {}
    for record in records:
        groups.setdefault((record["dataset"], record["epochs"], record["num_labels"]), []).append(
            record
        )
    for (dataset, epochs, num_labels), group in sorted(groups.items()):
        cnn = np.array([record["supervised"]["test_accuracy"] for record in group])
        sgan = np.array([record["sgan"]["test_accuracy"] for record in group])
        seconds = np.mean([record["sgan"]["train_seconds"] for record in group])
        gain = sgan - cnn
        lines.append(
            f"| {dataset} ({_epochs(epochs)}) | {num_labels} | "
            f"{', '.join(str(record['seed']) for record in group)} | "
            f"{_mean_std(cnn)} | {_mean_std(sgan)} | "
            f"{gain.mean():+.4f} | {_paired_p(sgan, cnn)} | {seconds / 60:.1f} min |"
        )
    lines += [
        "",
        "Per run (test accuracy):",
        "",
        "| dataset | labels | seed | supervised CNN | SemiSupervisedGAN |",
        "|---|---|---|---|---|",
    ]
    for record in sorted(records, key=_settings_key):
        lines.append(
            f"| {record['dataset']} | {record['num_labels']} | {record['seed']} | "
            f"{record['supervised']['test_accuracy']:.4f} | "
            f"{record['sgan']['test_accuracy']:.4f} |"
        )
    temporary = path.with_suffix(".md.tmp")
    temporary.write_text("\n".join(lines) + "\n")
    os.replace(temporary, path)


def _parse_assignments(config_class, assignments):
    """`["learning_rate=0.001", ...]` -> `{"learning_rate": 0.001}`, typed by the Config."""
    types = {field.name: field.type for field in dataclasses.fields(config_class)}
    parsed = {}
    for assignment in assignments:
        name, separator, value = assignment.partition("=")
        if not separator or name not in types:
            raise SystemExit(
                f"--set takes FIELD=VALUE with FIELD one of {sorted(types)}; got {assignment!r}."
            )
        kind = types[name] if isinstance(types[name], type) else str
        parsed[name] = value.lower() in ("1", "true", "yes") if kind is bool else kind(value)
    return parsed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", default=None)
    parser.add_argument("--labels", type=int, nargs="+", default=[25, 50, 100, 1000])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=None, help="default: the recipe's")
    parser.add_argument("--preset", default="default")
    parser.add_argument("--steps-per-epoch", type=int, default=None)
    parser.add_argument("--take", type=int, default=None)
    parser.add_argument("--data-source", default=None)
    parser.add_argument(
        "--table-only",
        action="store_true",
        help="Rewrite the Markdown table from the .jsonl records without training.",
    )
    parser.add_argument(
        "--set",
        nargs="*",
        default=[],
        metavar="FIELD=VALUE",
        help="Override fields of the recipe's Config, e.g. --set learning_rate=0.001.",
    )
    parser.add_argument(
        "--output",
        default=str(REPO / "benchmarks" / "results" / "semi_supervised_fashion_mnist"),
        help="Path without suffix of the .jsonl records and the .md table.",
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    recipe = _load_recipe()
    records_path = pathlib.Path(args.output + ".jsonl")
    table_path = pathlib.Path(args.output + ".md")
    records_path.parent.mkdir(parents=True, exist_ok=True)
    records = read_records(records_path)
    done = {_settings_key(record) for record in records}
    overrides = {
        "dataset": args.dataset,
        "epochs": args.epochs,
        "steps_per_epoch": args.steps_per_epoch,
        "take": args.take,
        "data_source": args.data_source,
    }
    overrides = {key: value for key, value in overrides.items() if value is not None}
    overrides.update(_parse_assignments(recipe.Config, args.set))
    base = recipe.make_config(args.preset, export=False, run_dir="", **overrides)
    summary = (
        f"{_epochs(base.epochs)} of {base.batch_size} unlabelled + {base.labelled_batch_size} "
        f"labelled images per step, Adam {base.learning_rate:g} (beta_1 {base.beta_1}), "
        f"discriminator {base.discriminator_filters} base filters with dropout "
        f"{base.input_dropout}/{base.dropout}, generator {base.generator_filters} base filters, "
        f"{base.generator_loss}; {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs"
    )
    # Seeds in the outer loop: a partial run still covers every label count.
    for seed in [] if args.table_only else args.seeds:
        for num_labels in args.labels:
            config = dataclasses.replace(base, num_labels=num_labels, seed=seed)
            key = (
                config.dataset,
                num_labels,
                seed,
                config.epochs,
                json.dumps(_settings(config), sort_keys=True),
            )
            if key in done:
                print(f"Skipping {key[:4]}: already in {records_path}.")
                continue
            record = run_one(recipe, config)
            with records_path.open("a") as file:
                file.write(json.dumps(record) + "\n")
            records.append(record)
            done.add(key)
            write_table(records, table_path, summary)
            print(json.dumps(record))
    write_table(records, table_path, summary)
    print(f"Wrote {table_path}")


if __name__ == "__main__":
    main()
