"""Train-step throughput of every ganzoo model against a plain keras-io loop, and peak memory.

    python benchmarks/train_step_throughput.py  # -> benchmarks/results/train_step_throughput.md
    python benchmarks/train_step_throughput.py --models gan cycle_gan --rounds 4 --no-memory
    python benchmarks/train_step_throughput.py --preset smoke --data random --rounds 1

For each model (GAN, ConditionalGAN, SemiSupervisedGAN, CycleGAN), built with
its recipe's networks, batch and optimizers (`recipes/dcgan_fashion_mnist.py`,
`cgan_fashion_mnist.py`, `sgan_fashion_mnist.py`, and the `cpu` preset of
`cyclegan_horse2zebra.py`), one process trains every setting of `SETTINGS`
side by side: ganzoo in float32, with XLA, in mixed bfloat16 (with and
without XLA), and the keras-io-style loop of `benchmarks/reference_loops.py`
in float32 on the same networks, batches and optimizers. After a warm-up
(tracing, XLA compilation, oneDNN kernel selection), the settings take turns:
each round runs one block of `--block-steps` steps of every setting, in a
rotated order, so background load hits all of them alike. A block is one
`fit` call; its first step (a new iterator) is not timed. ms/step is the
median over rounds of each block's mean; the ratio to the reference is the
median over rounds of `reference ms / setting ms` (above 1: faster).

A network takes its dtype policy when it is built, so the bfloat16 networks
are built inside `ganzoo.training.precision.global_dtype_policy("mixed_bfloat16")` and
train next to the float32 ones in the same process.

Data: real batches, read once into memory and repeated, so the input
pipeline is not measured: Fashion-MNIST through `ganzoo.data` for the three
28x28 models, the sneaker -> ankle boot folders of
`recipes/make_unpaired_fashion_mnist.py` for CycleGAN (`--data random` uses
uniform noise of the same shapes instead).

Peak memory: a CycleGAN step at 256x256 with the paper's networks (ResNet-9
generators with 64 filters, 70x70 PatchGAN, batch 1, random images), each
setting of `MEMORY_SETTINGS` in its own process, `ru_maxrss` after one
warm-up step and `--memory-steps` timed steps.
"""

import argparse
import dataclasses
import importlib.util
import json
import os
import pathlib
import sys
import time

from ganzoo.benchmarking.machine import machine_facts
from ganzoo.benchmarking.machine import other_python_processes
from ganzoo.benchmarking.processes import current_rss_mib
from ganzoo.benchmarking.processes import peak_rss_mib
from ganzoo.benchmarking.processes import run_child
from ganzoo.benchmarking.reports import median
from ganzoo.benchmarking.reports import write_jsonl
from ganzoo.training import recipe_files

REPO = pathlib.Path(__file__).resolve().parents[1]

MODELS = ("gan", "conditional_gan", "semi_supervised_gan", "cycle_gan")

# The recipe of each model, and its preset for the throughput comparison.
RECIPES = {
    "gan": ("dcgan_fashion_mnist", "default"),
    "conditional_gan": ("cgan_fashion_mnist", "default"),
    "semi_supervised_gan": ("sgan_fashion_mnist", "default"),
    "cycle_gan": ("cyclegan_horse2zebra", "cpu"),
}


@dataclasses.dataclass(frozen=True)
class Setting:
    """One way of training a model: whose loop, which precision, XLA or not.

    Attributes:
        implementation: `"ganzoo"` or `"reference"` (`reference_loops.py`).
        dtype_policy: `"float32"` or `"mixed_bfloat16"`.
        jit_compile: bool, XLA-compile the step.
    """

    implementation: str
    dtype_policy: str = "float32"
    jit_compile: bool = False

    @property
    def name(self):
        name = f"{self.implementation} {self.dtype_policy}"
        if self.jit_compile:
            name += " + XLA"
        return name


REFERENCE = Setting("reference")
SETTINGS = (
    Setting("ganzoo"),
    Setting("ganzoo", jit_compile=True),
    Setting("ganzoo", "mixed_bfloat16"),
    Setting("ganzoo", "mixed_bfloat16", jit_compile=True),
    REFERENCE,
)
MEMORY_SETTINGS = (
    Setting("ganzoo"),
    Setting("ganzoo", "mixed_bfloat16"),
    REFERENCE,
)


def load_module(path):
    """The Python file at `path` as a module (recipes and benchmarks are not packages)."""
    path = pathlib.Path(path)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_recipe(model_name):
    """The recipe module of `model_name`, loaded from `recipes/`."""
    return recipe_files.load_recipe(RECIPES[model_name][0])


def recipe_config(model_name, preset="default", **overrides):
    """The recipe `Config` the benchmark builds `model_name` from.

    `preset="default"` is the recipe's own default (the `cpu` preset for
    CycleGAN), `"smoke"` its tiny test preset, `"paper"` CycleGAN's default
    (256x256, the paper's networks).
    """
    recipe = load_recipe(model_name)
    if preset == "default":
        preset = RECIPES[model_name][1]
    elif preset == "paper":
        preset = "default"
    if model_name == "gan":
        # The reference loop is the keras-io non-saturating one (the DCGAN
        # recipe defaults to hinge since the stabilizer table); the
        # committed throughput table was measured with it.
        overrides.setdefault("generator_loss", "non_saturating")
    return recipe.make_config(preset, **overrides)


def images_per_step(model_name, config):
    """Real images a step consumes (CycleGAN: (x, y) image pairs)."""
    if model_name == "semi_supervised_gan":
        return config.batch_size + config.labelled_batch_size
    return config.batch_size


def load_batches(model_name, config, data="real", num_batches=16, seed=0):
    """`num_batches` training batches held in memory, repeated forever.

    Args:
        model_name: one of `MODELS`.
        config: the recipe `Config`.
        data: `"real"` (Fashion-MNIST, or CycleGAN's folders) or `"random"`
            (uniform noise in `[-1, 1]` of the same shapes, random labels).
        num_batches: int, distinct batches.
        seed: int.

    Returns:
        `tf.data.Dataset` yielding what the model's `fit` takes.
    """
    import numpy as np
    import tensorflow as tf

    if data == "random":
        batches = _random_batches(model_name, config, num_batches, np.random.default_rng(seed))
    elif data == "real":
        dataset = _real_dataset(model_name, config, seed)
        batches = list(dataset.take(num_batches).as_numpy_iterator())
        if len(batches) < num_batches:
            # A tiny `take` gives fewer batches; cycle through what there is.
            batches = [batches[index % len(batches)] for index in range(num_batches)]
    else:
        raise ValueError(f"`data` must be 'real' or 'random'. Received: {data!r}")
    stacked = tf.nest.map_structure(lambda *arrays: np.stack(arrays), *batches)
    return tf.data.Dataset.from_tensor_slices(stacked).repeat().prefetch(2)


def _real_dataset(model_name, config, seed):
    from ganzoo.data import load_image_dataset
    from ganzoo.data import load_semi_supervised_dataset
    from ganzoo.data import load_unpaired_dataset

    if model_name in ("gan", "conditional_gan"):
        return load_image_dataset(
            config.dataset,
            batch_size=config.batch_size * config.discriminator_steps,
            with_labels=model_name == "conditional_gan",
            seed=seed,
            source=config.data_source,
            take=config.take,
        )
    if model_name == "semi_supervised_gan":
        return load_semi_supervised_dataset(
            config.dataset,
            num_labels=config.num_labels,
            batch_size=config.batch_size,
            labelled_batch_size=config.labelled_batch_size,
            seed=seed,
            source=config.data_source,
            take=config.take,
        ).dataset
    return load_unpaired_dataset(
        config.dataset,
        split="train",
        data_dir=config.data_dir,
        image_size=config.image_size,
        load_size=config.load_size,
        batch_size=config.batch_size,
        seed=seed,
        take=config.take,
    )


def _random_batches(model_name, config, num_batches, rng):
    from ganzoo.data.semi_supervised import LABELLED_IMAGES
    from ganzoo.data.semi_supervised import LABELS
    from ganzoo.data.semi_supervised import UNLABELLED_IMAGES

    def images(batch_size, shape):
        return rng.uniform(-1.0, 1.0, (batch_size, *shape)).astype("float32")

    def labels(batch_size):
        return rng.integers(0, 10, batch_size).astype("int32")

    batches = []
    for _ in range(num_batches):
        if model_name == "gan":
            batches.append(images(config.batch_size, (28, 28, 1)))
        elif model_name == "conditional_gan":
            batches.append((images(config.batch_size, (28, 28, 1)), labels(config.batch_size)))
        elif model_name == "semi_supervised_gan":
            batches.append(
                {
                    UNLABELLED_IMAGES: images(config.batch_size, (28, 28, 1)),
                    LABELLED_IMAGES: images(config.labelled_batch_size, (28, 28, 1)),
                    LABELS: labels(config.labelled_batch_size),
                }
            )
        else:
            shape = (config.image_size, config.image_size, 3)
            batches.append((images(config.batch_size, shape), images(config.batch_size, shape)))
    return batches


def build_trainer(model_name, config, setting):
    """Builds the networks in `setting`'s precision and the compiled ganzoo or reference model.

    The global dtype policy is `setting.dtype_policy` only while the networks
    and the model are built and compiled; it is restored afterwards.

    Returns:
        `(model, networks)`: the compiled `keras.Model` to `fit`, and a dict
        of its networks by role.
    """
    import keras

    from ganzoo.training.precision import global_dtype_policy

    keras.utils.set_random_seed(config.seed)
    recipe = load_recipe(model_name)
    with global_dtype_policy(setting.dtype_policy):
        # The recipe's own networks and, for ganzoo, its own model and optimizers.
        networks = recipe.build_networks(config)
        if setting.implementation == "ganzoo":
            config = dataclasses.replace(config, jit_compile=setting.jit_compile)
            model = recipe.build(config, config.steps_per_epoch or 1000, networks=networks)
        elif setting.implementation == "reference":
            model = _reference_model(model_name, config, networks, setting.jit_compile)
        else:
            raise ValueError(f"Unknown implementation {setting.implementation!r}.")
    return model, networks


def _adam(config):
    import keras

    return keras.optimizers.Adam(config.learning_rate, beta_1=config.beta_1)


def _cycle_gan_adam(config):
    """The recipe's optimizer: Adam with the constant-then-linear-decay schedule."""
    import keras

    from ganzoo.schedules import ConstantThenLinearDecay

    steps_per_epoch = config.steps_per_epoch or 1000
    learning_rate = ConstantThenLinearDecay(
        config.learning_rate,
        decay_start_step=(config.epochs - config.decay_epochs) * steps_per_epoch,
        decay_steps=max(1, config.decay_epochs * steps_per_epoch),
    )
    return keras.optimizers.Adam(learning_rate, beta_1=config.beta_1)


def _reference_model(model_name, config, networks, jit_compile):
    import keras

    reference_loops = load_module(REPO / "benchmarks" / "reference_loops.py")
    if model_name == "cycle_gan":
        model = reference_loops.ReferenceCycleGAN(
            **networks,
            image_shape=(config.image_size, config.image_size, 3),
            lambda_cycle=config.lambda_cycle,
            lambda_identity=config.lambda_identity,
            pool_size=config.pool_size,
            seed=config.seed,
        )
        model.compile(
            gen_G_optimizer=_cycle_gan_adam(config),
            gen_F_optimizer=_cycle_gan_adam(config),
            disc_X_optimizer=_cycle_gan_adam(config),
            disc_Y_optimizer=_cycle_gan_adam(config),
            jit_compile=jit_compile,
        )
        return model
    if getattr(config, "discriminator_steps", 1) != 1:
        raise ValueError("The reference loops take one discriminator step per step.")
    if model_name == "semi_supervised_gan":
        if config.generator_loss != "feature_matching":
            raise ValueError("The reference semi-supervised loop trains by feature matching.")
        model = reference_loops.ReferenceSemiSupervisedGAN(
            networks["discriminator"],
            networks["generator"],
            config.latent_dim,
            unsupervised_weight=config.unsupervised_weight,
            seed=config.seed,
        )
        model.compile(d_optimizer=_adam(config), g_optimizer=_adam(config), jit_compile=jit_compile)
        return model
    if config.generator_loss != "non_saturating":
        raise ValueError("The reference GAN loops use the non-saturating loss.")
    reference_class = (
        reference_loops.ReferenceGAN
        if model_name == "gan"
        else reference_loops.ReferenceConditionalGAN
    )
    model = reference_class(
        networks["discriminator"], networks["generator"], config.latent_dim, seed=config.seed
    )
    model.compile(
        d_optimizer=_adam(config),
        g_optimizer=_adam(config),
        loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
        jit_compile=jit_compile,
    )
    return model


def _step_timer():
    import keras

    class StepTimer(keras.callbacks.Callback):
        """Records the time at the end of every step, after the step has finished."""

        def __init__(self):
            super().__init__()
            self.times = []
            self.logs = {}

        def on_train_batch_end(self, batch, logs=None):
            # Reading the logs waits for the step's results.
            self.logs = {
                name: float(keras.ops.convert_to_numpy(value))
                for name, value in (logs or {}).items()
            }
            self.times.append(time.perf_counter())

    return StepTimer()


def run_block(model, dataset, steps):
    """Trains `steps + 1` steps in one `fit`; returns `(seconds of the last steps, logs)`.

    The first step of the call (which starts a new iterator) is not timed.
    """
    timer = _step_timer()
    model.fit(
        dataset,
        epochs=1,
        steps_per_epoch=steps + 1,
        callbacks=[timer],
        shuffle=False,
        verbose=0,
    )
    return timer.times[-1] - timer.times[0], timer.logs


def _weights(networks):
    import numpy as np

    return [np.array(weight) for network in networks.values() for weight in network.weights]


def measure_model(
    model_name,
    preset="default",
    settings=None,
    rounds=8,
    block_steps=5,
    warmup_steps=3,
    data="real",
    num_batches=16,
    config_overrides=None,
):
    """Trains every setting of one model side by side in this process and times its steps.

    Args:
        model_name: one of `MODELS`.
        preset: recipe preset, see `recipe_config`.
        settings: `Setting`s (default: `SETTINGS`); the ratios
            are to the `REFERENCE` setting, when there is one.
        rounds: int, blocks per setting.
        block_steps: int, timed steps per block.
        warmup_steps: int, untimed steps per setting before the first round.
        data: `"real"` or `"random"`, see `load_batches`.
        num_batches: int, distinct in-memory batches.
        config_overrides: optional dict of recipe config fields to override.

    Returns:
        dict with `model`, `config` (the recipe fields used), `images_per_step`,
        `peak_rss_mib` (this process, all settings) and `rows`: one dict per
        setting with `setting`, `ms_per_step`, `images_per_second`,
        `ratio_vs_reference` (median of per-round `reference ms / ms`, with
        `ratio_min`/`ratio_max`), `block_ms` (every block), `warmup_seconds`,
        the final `logs` (the last block's means), `finite_losses` and
        `weights_changed`.
    """
    import math

    import numpy as np

    settings = SETTINGS if settings is None else tuple(settings)
    config = recipe_config(model_name, preset, **(config_overrides or {}))
    dataset = load_batches(model_name, config, data=data, num_batches=num_batches)
    batch_images = images_per_step(model_name, config)
    trainers = {}
    for setting in settings:
        model, networks = build_trainer(model_name, config, setting)
        initial_weights = _weights(networks)
        start = time.perf_counter()
        run_block(model, dataset, warmup_steps)
        trainers[setting] = {
            "model": model,
            "networks": networks,
            "initial_weights": initial_weights,
            "warmup_seconds": time.perf_counter() - start,
            "block_ms": [],
            "logs": {},
        }

    order = list(settings)
    for round_index in range(rounds):
        rotation = round_index % len(order)
        for setting in order[rotation:] + order[:rotation]:
            state = trainers[setting]
            seconds, state["logs"] = run_block(state["model"], dataset, block_steps)
            state["block_ms"].append(1000.0 * seconds / block_steps)

    reference_ms = trainers[REFERENCE]["block_ms"] if REFERENCE in trainers else None
    rows = []
    for setting in settings:
        state = trainers[setting]
        ms_per_step = median(state["block_ms"])
        row = {
            "model": model_name,
            "setting": setting.name,
            "implementation": setting.implementation,
            "dtype_policy": setting.dtype_policy,
            "jit_compile": setting.jit_compile,
            "timed_steps": len(state["block_ms"]) * block_steps,
            "ms_per_step": ms_per_step,
            "images_per_second": 1000.0 * batch_images / ms_per_step,
            "block_ms": state["block_ms"],
            "warmup_seconds": state["warmup_seconds"],
            "logs": state["logs"],
            "finite_losses": all(math.isfinite(value) for value in state["logs"].values()),
            "weights_changed": any(
                not np.array_equal(before, after)
                for before, after in zip(
                    state["initial_weights"], _weights(state["networks"]), strict=True
                )
            ),
        }
        if reference_ms:
            ratios = [
                reference / own
                for reference, own in zip(reference_ms, state["block_ms"], strict=True)
            ]
            row.update(
                ratio_vs_reference=median(ratios), ratio_min=min(ratios), ratio_max=max(ratios)
            )
        rows.append(row)
    return {
        "model": model_name,
        "config": dataclasses.asdict(config),
        "images_per_step": batch_images,
        "rounds": rounds,
        "block_steps": block_steps,
        "warmup_steps": warmup_steps,
        "data": data,
        "peak_rss_mib": peak_rss_mib(),
        "load_average": os.getloadavg(),
        "rows": rows,
    }


def measure_cycle_gan_memory(setting, preset="paper", steps=2, config_overrides=None):
    """Peak RSS and step time of a CycleGAN step; run it alone in a fresh process.

    One untimed warm-up step (tracing), then `steps` timed ones. Random
    images of the config's size stand in for horse2zebra (which needs a
    download); the step does not depend on their content.

    Returns:
        dict with `setting`, `image_size`, `ms_per_step`, `baseline_rss_mib`
        (after imports, before building), `peak_rss_mib` and the last `logs`.
    """
    config = recipe_config("cycle_gan", preset, **(config_overrides or {}))
    baseline_rss_mib = current_rss_mib()
    dataset = load_batches("cycle_gan", config, data="random", num_batches=4)
    model, _ = build_trainer("cycle_gan", config, setting)
    seconds, logs = run_block(model, dataset, steps)
    return {
        "setting": setting.name,
        "image_size": config.image_size,
        "num_residual_blocks": config.num_residual_blocks,
        "generator_filters": config.generator_filters,
        "discriminator_layers": config.discriminator_layers,
        "batch_size": config.batch_size,
        "steps": steps,
        "ms_per_step": 1000.0 * seconds / steps,
        "baseline_rss_mib": baseline_rss_mib,
        # The kernel's high-water mark can miss an RSS already observed (it is
        # not updated on every release path); the peak is at least that.
        "peak_rss_mib": max(peak_rss_mib(), baseline_rss_mib),
        "logs": logs,
    }


def _setting_from_name(name):
    for setting in (*SETTINGS, *MEMORY_SETTINGS):
        if setting.name == name:
            return setting
    raise ValueError(f"Unknown setting {name!r}.")


READING_NOTE = (
    "Reading the ratios: the reference loops are the keras-io examples' shape. Their "
    "GAN and ConditionalGAN run the discriminator once on real and generated images "
    "concatenated (one batch of 2m), where ganzoo runs it on each half: with batch "
    "normalization in the discriminator the two are different math, and the "
    "concatenated pass lets the discriminator separate real from fake through the "
    "batch statistics (the reference's final d_loss and g_loss both near 0 show it: "
    "the generator's batch, normalized on its own, scores as real). ganzoo pays one "
    "more, smaller convolution call per layer for the paper's behaviour. XLA on this "
    "CPU compiles convolutions to Eigen instead of oneDNN, so it is slower for the "
    "DCGAN-family networks and faster for CycleGAN's small-image ResNet, whose step "
    "is dominated by many small ops that XLA fuses."
)

MODEL_TITLES = {
    "gan": "GAN (DCGAN, Fashion-MNIST 28x28)",
    "conditional_gan": "ConditionalGAN (Fashion-MNIST 28x28)",
    "semi_supervised_gan": "SemiSupervisedGAN (Fashion-MNIST 28x28)",
    "cycle_gan": "CycleGAN (`cpu` preset, 32x32)",
}


def format_report(results, memory_rows, facts, command, notes=()):
    """The Markdown report: machine, command, one table per model, the memory table."""
    lines = [
        "# Train-step throughput: ganzoo vs. a plain keras-io loop",
        "",
        f"Machine: {facts['cpu']}, {facts['cpu_count']} logical CPUs, {facts['memory']}; "
        f"Python {facts['python']}, TensorFlow {facts['versions']['tensorflow']}, "
        f"Keras {facts['versions']['keras']}, "
        "no GPU.",
        "",
        "Command:",
        "",
        "```bash",
        command,
        "```",
        "",
    ]
    for note in notes:
        lines += [note, ""]
    for result in results:
        config = result["config"]
        lines += [
            f"## {MODEL_TITLES[result['model']]}",
            "",
            f"Batch: {_batch_description(result['model'], config)}; "
            f"{result['rounds']} rounds of {result['block_steps']} timed steps per setting "
            f"after {result['warmup_steps']} warm-up steps; {result['data']} data. "
            f"Peak RSS of the process holding all its settings: "
            f"{result['peak_rss_mib']:.0f} MiB. Load average at the end: "
            f"{result['load_average'][0]:.2f}.",
            "",
            f"| setting | ms/step | {_unit(result['model'])}/s | ratio vs. reference "
            "(min-max over rounds) | warm-up s | final d_loss | final g_loss |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in result["rows"]:
            ratio = (
                f"{row['ratio_vs_reference']:.2f} ({row['ratio_min']:.2f}-{row['ratio_max']:.2f})"
                if "ratio_vs_reference" in row
                else "-"
            )
            lines.append(
                f"| {row['setting']} | {row['ms_per_step']:.1f} | "
                f"{row['images_per_second']:.0f} | {ratio} | {row['warmup_seconds']:.1f} | "
                f"{row['logs'].get('d_loss', float('nan')):.3f} | "
                f"{row['logs'].get('g_loss', float('nan')):.3f} |"
            )
        lines.append("")
    if memory_rows:
        first = memory_rows[0]
        lines += [
            "## Peak memory of a CycleGAN step at 256x256",
            "",
            f"The paper's networks (ResNet generators with {first['num_residual_blocks']} "
            f"blocks and {first['generator_filters']} filters, PatchGAN with "
            f"{first['discriminator_layers']} layers, i.e. 70x70), batch "
            f"{first['batch_size']}, a 50-image pool, random images; each row in its own "
            f"process, `ru_maxrss` after one warm-up step and {first['steps']} timed steps. "
            "Baseline: RSS after the imports, before building anything.",
            "",
            "| setting | ms/step | image pairs/s | baseline RSS (MiB) | peak RSS (MiB) | d_loss |",
            "|---|---|---|---|---|---|",
        ]
        for row in memory_rows:
            lines.append(
                f"| {row['setting']} | {row['ms_per_step']:.0f} | "
                f"{1000.0 * row['batch_size'] / row['ms_per_step']:.3f} | "
                f"{row['baseline_rss_mib']:.0f} | {row['peak_rss_mib']:.0f} | "
                f"{row['logs'].get('d_loss', float('nan')):.3f} |"
            )
        lines.append("")
    return "\n".join(lines)


def _unit(model_name):
    return "image pairs" if model_name == "cycle_gan" else "images"


def _batch_description(model_name, config):
    if model_name == "semi_supervised_gan":
        return (
            f"{config['batch_size']} unlabelled + {config['labelled_batch_size']} labelled "
            "images (both counted in images/s)"
        )
    if model_name == "cycle_gan":
        return (
            f"{config['batch_size']} (x, y) pair of {config['image_size']}x"
            f"{config['image_size']} images"
        )
    return f"{config['batch_size']} images"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", nargs="+", choices=MODELS, default=list(MODELS))
    parser.add_argument("--preset", choices=("default", "smoke"), default="default")
    parser.add_argument("--data", choices=("real", "random"), default="real")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--block-steps", type=int, default=5)
    parser.add_argument("--warmup-steps", type=int, default=3)
    parser.add_argument("--memory", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--memory-steps", type=int, default=2)
    parser.add_argument("--output", default="benchmarks/results/train_step_throughput")
    parser.add_argument("--one-model", help=argparse.SUPPRESS)
    parser.add_argument("--one-memory", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.one_model:
        result = measure_model(
            args.one_model,
            preset=args.preset,
            rounds=args.rounds,
            block_steps=args.block_steps,
            warmup_steps=args.warmup_steps,
            data=args.data,
        )
        print(json.dumps(result))
        return
    if args.one_memory:
        preset = "paper" if args.preset == "default" else "smoke"
        print(
            json.dumps(
                measure_cycle_gan_memory(
                    _setting_from_name(args.one_memory), preset=preset, steps=args.memory_steps
                )
            )
        )
        return

    common = ["--preset", args.preset, "--data", args.data]
    started = time.perf_counter()
    other_jobs = other_python_processes("train_step_throughput")
    results = []
    for model_name in args.models:
        results.append(
            run_child(
                __file__,
                cwd=REPO,
                arguments=[
                    "--one-model",
                    model_name,
                    *common,
                    "--rounds",
                    str(args.rounds),
                    "--block-steps",
                    str(args.block_steps),
                    "--warmup-steps",
                    str(args.warmup_steps),
                ],
            )
        )
        for row in results[-1]["rows"]:
            print(
                f"{model_name:20s} {row['setting']:32s} {row['ms_per_step']:8.1f} ms/step "
                f"ratio {row.get('ratio_vs_reference', float('nan')):.2f}",
                flush=True,
            )
    memory_rows = []
    if args.memory:
        for setting in MEMORY_SETTINGS:
            memory_rows.append(
                run_child(
                    __file__,
                    cwd=REPO,
                    arguments=[
                        "--one-memory",
                        setting.name,
                        *common,
                        "--memory-steps",
                        str(args.memory_steps),
                    ],
                )
            )
            print(memory_rows[-1], flush=True)
    other_jobs += [
        job for job in other_python_processes("train_step_throughput") if job not in other_jobs
    ]
    minutes = (time.perf_counter() - started) / 60
    command = "python benchmarks/train_step_throughput.py " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    notes = [f"Wall time of the whole run: {minutes:.1f} min.", READING_NOTE]
    if other_jobs:
        notes.append(
            "Other Python jobs were running on the same 2 cores during the run (the "
            "interleaved rounds expose every setting to them alike; absolute ms/step are "
            "slower than on an idle machine): " + "; ".join(f"`{job}`" for job in other_jobs[:6])
        )
    report = format_report(results, memory_rows, machine_facts(), command.strip(), notes)
    output = pathlib.Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.with_suffix(".md").write_text(report + "\n")
    write_jsonl([*results, *({"memory": row} for row in memory_rows)], output.with_suffix(".jsonl"))
    print(report)


if __name__ == "__main__":
    main()
