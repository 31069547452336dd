"""Train-step throughput of every ganzoo model against a plain keras-io loop, and peak memory.

    python benchmarks/train_step_throughput.py  # -> benchmarks/results/train_step_throughput.md
    python benchmarks/train_step_throughput.py --models gan cycle_gan --rounds 4 --no-memory
    python benchmarks/train_step_throughput.py --preset smoke --data random --rounds 1

For each model (GAN, ConditionalGAN, SemiSupervisedGAN, CycleGAN), built with
its recipe's networks, batch and optimizers (`recipes/dcgan_fashion_mnist.py`,
`cgan_fashion_mnist.py`, `sgan_fashion_mnist.py`, and the `cpu` preset of
`cyclegan_horse2zebra.py`; the recipe's `seed`, 0), one process trains every
setting of `SETTINGS` side by side: ganzoo in float32, with XLA, in mixed
bfloat16 (with and without XLA), and the keras-io-style loop of
`benchmarks/reference_loops.py` in float32 on the same networks, batches and
optimizers. After `--warmup-steps` untimed steps each (tracing, XLA
compilation, oneDNN kernel selection), the settings take turns for
`--rounds` rounds of one block of `--block-steps` steps each, in a rotated
order, so background load hits all of them alike
(`ganzoo.benchmarking.step_timer.train_interleaved`). A block is one `fit`
call; its first step (a new iterator) is not timed. ms/step is the median
over rounds of each block's mean; images/s counts both batches of the
SemiSupervisedGAN and image pairs for CycleGAN; the ratio to the reference
is the median over rounds of `reference ms / setting ms` (above 1: faster),
with its minimum and maximum over rounds.

A network takes its dtype policy when it is built, so the bfloat16 networks
are built inside `ganzoo.training.precision.global_dtype_policy("mixed_bfloat16")` and
train next to the float32 ones in the same process.

Data: 16 real batches, read once into memory and repeated, so the input
pipeline is not measured: Fashion-MNIST through the recipes' own loaders for
the three 28x28 models, the sneaker -> ankle boot folders of
`recipes/make_unpaired_fashion_mnist.py` for CycleGAN (`--data random` uses
uniform noise of the same shapes instead, seeded with the recipe's seed).

Peak memory: a CycleGAN step at 256x256 with the paper's networks (ResNet-9
generators with 64 filters, 70x70 PatchGAN, batch 1, random images), each
setting of `MEMORY_SETTINGS` in its own process: the peak resident set
(`VmHWM`; the table says `ru_maxrss`) after one warm-up step and
`--memory-steps` timed steps, and the resident set after the imports.
"""

import argparse
import dataclasses
import json
import os
import pathlib
import sys
import time

import numpy as np

from ganzoo.benchmarking.benchmark_files import load_benchmark
from ganzoo.benchmarking.in_memory_dataset import in_memory_dataset
from ganzoo.benchmarking.machine import machine_facts
from ganzoo.benchmarking.machine import other_python_processes
from ganzoo.benchmarking.processes import measure_peak_memory
from ganzoo.benchmarking.processes import peak_rss_mib
from ganzoo.benchmarking.processes import run_child
from ganzoo.benchmarking.reports import median
from ganzoo.benchmarking.reports import write_report
from ganzoo.benchmarking.train_step_throughput_report import format_train_step_throughput_report
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
# A recipe without `steps_per_epoch` (one pass over the data) builds its
# learning-rate schedules for epochs of this many steps.
STEPS_PER_EPOCH = 1000


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
SETTINGS_BY_NAME = {setting.name: setting for setting in (*SETTINGS, *MEMORY_SETTINGS)}


def recipe_config(model_name, preset="default", **overrides):
    """The recipe `Config` the benchmark builds `model_name` from.

    `preset`: `"default"` (the preset in `RECIPES`), `"smoke"` (tiny) or
    `"paper"` (CycleGAN's recipe default: 256x256, the paper's networks).
    """
    recipe = recipe_files.load_recipe(RECIPES[model_name][0])
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


def load_batches(model_name, config, data="real", num_batches=16):
    """`num_batches` training batches held in memory, repeated forever (`in_memory_dataset`).

    Args:
        model_name: one of `MODELS`.
        config: the recipe `Config`; its `seed` seeds the shuffle or the noise.
        data: `"real"` (the recipe's own training data) or `"random"`
            (uniform noise in `[-1, 1]` of the same shapes, random labels).
        num_batches: int, distinct batches.

    Returns:
        `tf.data.Dataset` yielding what the model's `fit` takes.

    Raises:
        ValueError: for another `data`.
    """
    if data == "random":
        rng = np.random.default_rng(config.seed)
        return in_memory_dataset(_random_batches(model_name, config, num_batches, rng), num_batches)
    if data == "real":
        return in_memory_dataset(_real_dataset(model_name, config).as_numpy_iterator(), num_batches)
    raise ValueError(f"`data` must be 'real' or 'random'. Received: {data!r}")


def _real_dataset(model_name, config):
    """The recipe's own training batches."""
    from ganzoo.training.gan_recipe import load_gan_dataset

    if model_name in ("gan", "conditional_gan"):
        return load_gan_dataset(config, with_labels=model_name == "conditional_gan")
    recipe = recipe_files.load_recipe(RECIPES[model_name][0])
    if model_name == "semi_supervised_gan":
        return recipe.load_training_data(config).dataset
    return recipe.load_training_data(config)


def _random_batches(model_name, config, num_batches, rng):
    from ganzoo.data import semi_supervised

    def images(batch_size, size=28, channels=1):
        return rng.uniform(-1.0, 1.0, (batch_size, size, size, channels)).astype("float32")

    def labels(batch_size):
        return rng.integers(0, 10, batch_size).astype("int32")

    def batch():
        if model_name == "gan":
            return images(config.batch_size)
        if model_name == "conditional_gan":
            return images(config.batch_size), labels(config.batch_size)
        if model_name == "semi_supervised_gan":
            return {
                semi_supervised.UNLABELLED_IMAGES: images(config.batch_size),
                semi_supervised.LABELLED_IMAGES: images(config.labelled_batch_size),
                semi_supervised.LABELS: labels(config.labelled_batch_size),
            }
        size = config.image_size
        return images(config.batch_size, size, 3), images(config.batch_size, size, 3)

    return [batch() for _ in range(num_batches)]


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
    recipe = recipe_files.load_recipe(RECIPES[model_name][0])
    with global_dtype_policy(setting.dtype_policy):
        # The recipe's own networks and, for ganzoo, its own model and optimizers.
        networks = recipe.build_networks(config)
        if setting.implementation == "ganzoo":
            config = dataclasses.replace(config, jit_compile=setting.jit_compile)
            steps_per_epoch = config.steps_per_epoch or STEPS_PER_EPOCH
            model = recipe.build(config, steps_per_epoch, networks=networks)
        elif setting.implementation == "reference":
            model = _reference_model(model_name, config, networks, setting.jit_compile)
        else:
            raise ValueError(f"Unknown implementation {setting.implementation!r}.")
    return model, networks


def _reference_model(model_name, config, networks, jit_compile):
    """The `reference_loops.py` model of `model_name`, compiled with the recipe's optimizers."""
    import keras

    from ganzoo.schedules import ConstantThenLinearDecay
    from ganzoo.training.optimizers import two_time_scale_optimizers

    reference_loops = load_benchmark("reference_loops")
    if model_name == "cycle_gan":
        model = reference_loops.ReferenceCycleGAN(
            **networks,
            image_shape=(config.image_size, config.image_size, 3),
            lambda_cycle=config.lambda_cycle,
            lambda_identity=config.lambda_identity,
            pool_size=config.pool_size,
            seed=config.seed,
        )

        def adam():
            # The recipe's optimizer: Adam, its rate constant, then decaying linearly to 0.
            learning_rate = ConstantThenLinearDecay.over_epochs(
                config.learning_rate,
                epochs=config.epochs,
                decay_epochs=config.decay_epochs,
                steps_per_epoch=config.steps_per_epoch or STEPS_PER_EPOCH,
            )
            return keras.optimizers.Adam(learning_rate, beta_1=config.beta_1)

        model.compile(
            gen_G_optimizer=adam(),
            gen_F_optimizer=adam(),
            disc_X_optimizer=adam(),
            disc_Y_optimizer=adam(),
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
        # The recipe's Adam pair at its constant rate (no `decay_epochs`), Adam's beta_2.
        d_optimizer, g_optimizer = two_time_scale_optimizers(
            config.learning_rate, None, config.beta_1, beta_2=0.999
        )
        model.compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer, jit_compile=jit_compile)
        return model
    if config.generator_loss != "non_saturating":
        raise ValueError("The reference GAN loops use the non-saturating loss.")
    reference_class = {
        "gan": reference_loops.ReferenceGAN,
        "conditional_gan": reference_loops.ReferenceConditionalGAN,
    }[model_name]
    model = reference_class(
        networks["discriminator"], networks["generator"], config.latent_dim, seed=config.seed
    )
    # The recipe's Adam pair, as `ganzoo.training.gan_recipe.build_gan` makes it.
    d_optimizer, g_optimizer = two_time_scale_optimizers(
        config.learning_rate, config.discriminator_learning_rate, config.beta_1, config.beta_2
    )
    model.compile(
        d_optimizer=d_optimizer,
        g_optimizer=g_optimizer,
        loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
        jit_compile=jit_compile,
    )
    return model


def measure_model(
    model_name,
    preset="default",
    settings=None,
    rounds=8,
    block_steps=5,
    warmup_steps=3,
    data="real",
    num_batches=16,
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

    Returns:
        dict with `model`, `config` (the recipe fields used), `images_per_step`,
        `peak_rss_mib` (this process, all settings) and `rows`: one dict per
        setting with `setting`, `timed_steps`, `ms_per_step` (median of
        `block_ms`), `images_per_second` and `train_interleaved`'s timings.
    """
    from ganzoo.benchmarking.step_timer import train_interleaved

    settings = SETTINGS if settings is None else tuple(settings)
    config = recipe_config(model_name, preset)
    dataset = load_batches(model_name, config, data=data, num_batches=num_batches)
    batch_images = images_per_step(model_name, config)
    timings = train_interleaved(
        {setting: build_trainer(model_name, config, setting) for setting in settings},
        dataset,
        rounds,
        block_steps,
        warmup_steps,
        reference=REFERENCE if REFERENCE in settings else None,
    )
    rows = []
    for setting, timing in timings.items():
        ms_per_step = median(timing["block_ms"])
        row = {
            "model": model_name,
            "setting": setting.name,
            "implementation": setting.implementation,
            "dtype_policy": setting.dtype_policy,
            "jit_compile": setting.jit_compile,
            "timed_steps": len(timing["block_ms"]) * block_steps,
            "ms_per_step": ms_per_step,
            "images_per_second": 1000.0 * batch_images / ms_per_step,
        }
        rows.append({**row, **timing})
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


def measure_cycle_gan_memory(setting, preset="paper", steps=2):
    """Peak RSS and step time of a CycleGAN step; run it alone in a fresh process.

    One untimed warm-up step (tracing), then `steps` timed ones. Random
    images of the config's size stand in for horse2zebra (which needs a
    download); the step does not depend on their content.

    Returns:
        dict with `setting`, `image_size`, `ms_per_step`, `baseline_rss_mib`
        (after imports, before building), `peak_rss_mib` and the last `logs`.
    """
    from ganzoo.benchmarking.step_timer import time_fit_steps

    config = recipe_config("cycle_gan", preset)
    memory = measure_peak_memory(
        lambda: (
            load_batches("cycle_gan", config, data="random", num_batches=4),
            build_trainer("cycle_gan", config, setting)[0],
        ),
        lambda loaded: time_fit_steps(loaded[1], loaded[0], steps),
    )
    seconds, logs = memory["result"]
    return {
        "setting": setting.name,
        "image_size": config.image_size,
        "num_residual_blocks": config.num_residual_blocks,
        "generator_filters": config.generator_filters,
        "discriminator_layers": config.discriminator_layers,
        "batch_size": config.batch_size,
        "steps": steps,
        "ms_per_step": 1000.0 * seconds / steps,
        "baseline_rss_mib": memory["baseline_rss_mib"],
        "peak_rss_mib": memory["peak_rss_mib"],
        "logs": logs,
    }


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
        setting = SETTINGS_BY_NAME[args.one_memory]
        preset = "paper" if args.preset == "default" else "smoke"
        print(json.dumps(measure_cycle_gan_memory(setting, preset=preset, steps=args.memory_steps)))
        return

    started = time.perf_counter()
    other_jobs = other_python_processes("train_step_throughput")
    # Every child gets every option; each reads those of its own measurement.
    options = ["--preset", args.preset, "--data", args.data, "--rounds", str(args.rounds)]
    options += ["--block-steps", str(args.block_steps), "--warmup-steps", str(args.warmup_steps)]
    options += ["--memory-steps", str(args.memory_steps)]
    results = []
    for model_name in args.models:
        results.append(run_child(__file__, ["--one-model", model_name, *options], cwd=REPO))
        for row in results[-1]["rows"]:
            print(
                f"{model_name:20s} {row['setting']:32s} {row['ms_per_step']:8.1f} ms/step "
                f"ratio {row.get('ratio_vs_reference', float('nan')):.2f}",
                flush=True,
            )
    memory_rows = []
    for setting in MEMORY_SETTINGS if args.memory else ():
        memory_rows.append(run_child(__file__, ["--one-memory", setting.name, *options], cwd=REPO))
        print(memory_rows[-1], flush=True)
    other_jobs += [
        job for job in other_python_processes("train_step_throughput") if job not in other_jobs
    ]
    minutes = (time.perf_counter() - started) / 60
    command = "python benchmarks/train_step_throughput.py " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    report = format_train_step_throughput_report(
        results, memory_rows, machine_facts(), command.strip(), minutes, other_jobs
    )
    records = [*results, *({"memory": row} for row in memory_rows)]
    write_report(pathlib.Path(args.output).with_suffix(".md"), report, records)
    print(report)


if __name__ == "__main__":
    main()
