"""Shared helpers for the tests: tiny networks and GANs, fast on CPU."""

import os
import pathlib
import subprocess
import sys

import keras
import numpy as np
import tensorflow as tf

from ganzoo.models import GAN
from ganzoo.networks import DCGANDiscriminator
from ganzoo.networks import DCGANGenerator

LATENT_DIM = 8
IMAGE_SHAPE = (28, 28, 1)


def tiny_gan(
    discriminator_steps=1,
    seed=3,
    d_optimizer=None,
    g_optimizer=None,
    generator_loss="non_saturating",
    weights_seed=1,
    **options,
):
    """A compiled GAN with 8-filter DCGAN networks and deterministic weights.

    `options` go to `GAN` (e.g. `generator_ema_decay`).
    """
    keras.utils.set_random_seed(weights_seed)
    gan = GAN(
        generator=DCGANGenerator(LATENT_DIM, IMAGE_SHAPE, base_filters=8),
        discriminator=DCGANDiscriminator(IMAGE_SHAPE, base_filters=8),
        discriminator_steps=discriminator_steps,
        seed=seed,
        **options,
    )
    gan.compile(
        d_optimizer=d_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=g_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5),
        generator_loss=generator_loss,
    )
    return gan


def random_images(count, seed=0):
    """float32 images in [-1, 1] of shape (count, 28, 28, 1)."""
    rng = np.random.default_rng(seed)
    return rng.uniform(-1.0, 1.0, (count, *IMAGE_SHAPE)).astype(np.float32)


def max_weight_difference(model_a, model_b):
    """Largest absolute difference between corresponding weights."""
    return max(
        float(np.abs(np.asarray(a) - np.asarray(b)).max())
        for a, b in zip(model_a.weights, model_b.weights, strict=True)
    )


class _Record(keras.layers.Layer):
    """Identity layer that appends `(name, value)` to a log on each eager call."""

    def __init__(self, log, tag, **kwargs):
        super().__init__(**kwargs)
        # The bound method, not the list: Keras would track a list attribute
        # as its own copy, and the appends would not reach `log`.
        self.append = log.append
        self.tag = tag

    def call(self, inputs):
        # Building the functional wrapper traces this call symbolically;
        # only the eager calls of a step are recorded.
        if tf.executing_eagerly():
            self.append((self.tag, np.asarray(inputs)))
        return inputs


def recording(network, log, name):
    """`network` wrapped so that each eager call logs its input and its output.

    Every call appends `(f"{name}_in", input)` and then `(f"{name}_out",
    output)`, as NumPy arrays, to the list `log`. The wrapper is functional,
    with the network's input shape, so the training wrappers' shape checks
    and `latent_dim` inference see what they would see on the network. Run
    the training step eagerly (`model.train_step(batch)` outside
    `tf.function`) so that the values are concrete.
    """
    inputs = keras.Input(shape=network.inputs[0].shape[1:])
    outputs = _Record(log, f"{name}_out")(network(_Record(log, f"{name}_in")(inputs)))
    return keras.Model(inputs, outputs, name=f"recording_{name}")


REPO = pathlib.Path(__file__).resolve().parents[1]


def run_recipe_smoke(name, tmp_path, *flags, timeout=600):
    """Runs `python recipes/<name>.py --preset smoke` on real Fashion-MNIST, as a user would.

    A fresh process (as the README's commands run), the Debian IDX files as
    the data (`--data-source idx`), the run and export under `tmp_path`.

    Args:
        name: the recipe's file stem, e.g. `"dcgan_fashion_mnist"`.
        tmp_path: the test's `tmp_path`; the run goes to `run/`, the export
            to `export/`.
        *flags: more command-line flags, e.g. `"--distribution", "mirrored"`.
        timeout: seconds.

    Returns:
        `(run_dir, export_dir, completed_process)`; the test has failed with
        the ends of the recipe's output if it did not exit with 0.
    """
    run_dir, export_dir = tmp_path / "run", tmp_path / "export"
    command = [
        sys.executable,
        str(REPO / "recipes" / f"{name}.py"),
        "--preset",
        "smoke",
        "--run-dir",
        str(run_dir),
        "--export-dir",
        str(export_dir),
        "--data-source",
        "idx",
        *flags,
    ]
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=timeout, env=environment
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return run_dir, export_dir, result
