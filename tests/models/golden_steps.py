"""Three training steps of every model, to pin their math across refactors.

    python tests/models/golden_steps.py --write   # re-record (a deliberate commit)
    python tests/models/golden_steps.py           # compare with the record

Each configuration builds tiny networks from fixed seeds, trains three steps
on fixed random data with op determinism on, and records every weight (the
optimizers' slots included, as `model.weights` lists them for the networks)
and the last step's logs. `test_golden_steps.py` runs this file in a fresh
process (op determinism must be on before the first op) and fails when any
value moved by more than floating-point differences between CPUs
(`UPDATE_TOLERANCE`). The configurations cover each model's default step and the
options that change its math: k discriminator steps, DiffAugment, instance
noise, the generator EMA, the R1 penalty, label smoothing, the unsupervised
weight, the image pool and identity loss.

The optimizer is SGD: Adam's first step is nearly `lr * sign(gradient)`, so
rounding noise in a near-zero gradient would move a weight by the whole
learning rate, and the record would only hold on one CPU.
"""

import argparse
import json
import pathlib
import sys

import numpy as np
import tensorflow as tf

tf.config.experimental.enable_op_determinism()

import keras  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).parent))

RECORD = pathlib.Path(__file__).with_name("golden_steps.npz")
STEPS = 3
BATCH = 4


def _optimizers():
    return {
        "d_optimizer": keras.optimizers.SGD(0.05, momentum=0.5),
        "g_optimizer": keras.optimizers.SGD(0.05, momentum=0.5),
    }


def _build(name):
    """`(model, dataset)` of configuration `name`, from fixed seeds."""
    from multi_worker_training import build

    from ganzoo.models import GAN
    from ganzoo.networks import DCGANDiscriminator
    from ganzoo.networks import DCGANGenerator

    keras.utils.set_random_seed(1)
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (STEPS * BATCH * 2, 28, 28, 1)).astype(np.float32)
    labels = rng.integers(0, 3, len(images))
    if name == "gan":
        model = build("gan", _optimizers())
        data = tf.data.Dataset.from_tensor_slices(images[: STEPS * BATCH])
    elif name == "gan_stabilized":
        model = GAN(
            generator=DCGANGenerator(8, (28, 28, 1), base_filters=4),
            discriminator=DCGANDiscriminator(
                (28, 28, 1), base_filters=4, batch_normalization=False
            ),
            discriminator_steps=2,
            augmentation="translation,cutout",
            instance_noise=0.1,
            generator_ema_decay=0.5,
            seed=3,
        )
        model.compile(
            **_optimizers(),
            gradient_penalty="r1",
            gradient_penalty_weight=1.0,
            label_smoothing=0.1,
        )
        data = tf.data.Dataset.from_tensor_slices(images)
    elif name == "gan_hinge":
        model = GAN(
            generator=DCGANGenerator(8, (28, 28, 1), base_filters=4),
            discriminator=DCGANDiscriminator(
                (28, 28, 1),
                base_filters=4,
                spectral_normalization=True,
                batch_normalization=False,
            ),
            seed=3,
        )
        model.compile(**_optimizers(), generator_loss="hinge")
        data = tf.data.Dataset.from_tensor_slices(images[: STEPS * BATCH])
    elif name == "conditional_gan":
        model = build("conditional_gan", _optimizers(), generator_ema_decay=0.5)
        data = tf.data.Dataset.from_tensor_slices(
            (images[: STEPS * BATCH], labels[: STEPS * BATCH])
        )
    elif name == "semi_supervised_gan":
        model = build("semi_supervised_gan", _optimizers(), unsupervised_weight=0.5)
        # Fixed batches: the record pins the model's math, and the labelled
        # stream's order is tested in tests/data.
        unlabelled = tf.data.Dataset.from_tensor_slices(images[: STEPS * BATCH]).batch(BATCH)
        labelled = tf.data.Dataset.from_tensor_slices(
            (images[-STEPS * 2 :], labels[-STEPS * 2 :].astype(np.int32))
        ).batch(2)
        return model, tf.data.Dataset.zip(unlabelled, labelled).map(
            lambda images, pair: {"images": images, "labelled_images": pair[0], "labels": pair[1]}
        )
    elif name == "cycle_gan":
        model = build("cycle_gan", _optimizers(), generator_ema_decay=0.5)
        pairs = rng.uniform(-1, 1, (STEPS * BATCH, 16, 16, 3)).astype(np.float32)
        data = tf.data.Dataset.from_tensor_slices((pairs, pairs[::-1].copy()))
    else:
        raise ValueError(f"Unknown configuration {name!r}.")
    return model, data.batch(BATCH, drop_remainder=True)


CONFIGURATIONS = (
    "gan",
    "gan_stabilized",
    "gan_hinge",
    "conditional_gan",
    "semi_supervised_gan",
    "cycle_gan",
)


NETWORKS = {
    "cycle_gan": (
        "generator_g",
        "generator_f",
        "discriminator_x",
        "discriminator_y",
        "sampling_generator_g",
        "sampling_generator_f",
    ),
}
"""The networks recorded, by model attribute; the GAN family's by default."""


def run(name):
    """`({key: array}, {key: initial array})` after the steps, and before them.

    Keys are `name/attribute/index/path`: by the public network attributes,
    not `model.weights`, so that moving a tracker or the EMA's storage does
    not change the record, while any change of what the networks compute does.
    The `sampling_generator*` entries are the (averaged) generators that sample
    and export. The first dict also holds the last step's logs
    (`name/log/key`); the second holds the weights as initialized (from the
    seeds alone, so the same on every machine), which `compare` scales its
    tolerance by.
    """
    model, data = _build(name)
    attributes = NETWORKS.get(name, ("generator", "discriminator", "sampling_generator"))

    def weights():
        return {
            f"{name}/{attribute}/{index:03d}/{weight.path}": np.array(weight)
            for attribute in attributes
            for index, weight in enumerate(getattr(model, attribute).weights)
        }

    initial = weights()
    history = model.fit(data, epochs=1, steps_per_epoch=STEPS, verbose=0)
    values = {f"{name}/log/{key}": np.asarray(v[-1]) for key, v in history.history.items()}
    values.update(weights())
    return values, initial


UPDATE_TOLERANCE = 1e-2
"""How far a weight may be from the record, as a fraction of how far the steps moved it.

The scale is the array's own move from its initial value, floored at 0.1 %
of its configuration's largest move (a bias the steps barely touched).
Measured on the record: a CPU without AMX (oneDNN picks other kernels) moved
CycleGAN's instance-normalized kernels by up to 0.08 % of their update and
every other configuration by under 0.004 %, while multiplying `lambda_cycle`
by 1.001 moved them by up to 50 %.
"""


def compare(record, values, initial):
    """The keys that are missing, new, or hold values further than the tolerance.

    Weights may differ by `UPDATE_TOLERANCE` of their move from `initial`
    (see there); logs by a relative 1e-4.
    """
    largest_move = {}
    for key in initial:
        if key in record and record[key].shape == initial[key].shape:
            configuration = key.split("/")[0]
            move = float(np.max(np.abs(record[key] - initial[key]), initial=0.0))
            largest_move[configuration] = max(largest_move.get(configuration, 0.0), move)
    problems = []
    for key in sorted(set(record) | set(values)):
        if key not in values:
            problems.append(f"{key}: missing now")
        elif key not in record:
            problems.append(f"{key}: not in the record")
        elif record[key].shape != values[key].shape:
            problems.append(f"{key}: shape {values[key].shape}, recorded {record[key].shape}")
        elif key in initial:
            move = float(np.max(np.abs(record[key] - initial[key]), initial=0.0))
            scale = max(move, 1e-3 * largest_move[key.split("/")[0]])
            difference = float(np.max(np.abs(values[key] - record[key]), initial=0.0))
            if difference > 1e-7 + UPDATE_TOLERANCE * scale:
                problems.append(
                    f"{key}: max abs difference {difference:.3g}, "
                    f"{difference / scale:.1%} of the steps' move {scale:.3g}"
                )
        elif not np.allclose(values[key], record[key], rtol=1e-4, atol=1e-7):
            difference = float(np.max(np.abs(values[key] - record[key])))
            problems.append(f"{key}: max abs difference {difference:.3g}")
    return problems


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="re-record the golden values")
    args = parser.parse_args(argv)
    values, initial = {}, {}
    for name in CONFIGURATIONS:
        configuration_values, configuration_initial = run(name)
        values.update(configuration_values)
        initial.update(configuration_initial)
    if args.write:
        np.savez_compressed(RECORD, **values)
        print(f"recorded {len(values)} arrays in {RECORD}")
        return 0
    with np.load(RECORD) as stored:
        record = {key: stored[key] for key in stored.files}
    problems = compare(record, values, initial)
    identical = sum(
        1 for key in values if key in record and np.array_equal(values[key], record[key])
    )
    print(json.dumps({"arrays": len(values), "bit_identical": identical, "problems": problems}))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
