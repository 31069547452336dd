"""A tiny deterministic generator for the export tests.

Its weights come from a seeded NumPy generator, so every call of
`build_tiny_generator()` returns the same network: tests compare a fresh
in-memory copy with an export made earlier in the session.
"""

import keras
import numpy as np

LATENT_DIM = 8
IMAGE_SHAPE = (8, 8, 3)
EXPORT_BATCH_SIZES = (1, 3)
TRAINING_CONFIG = {"batch_size": 64, "learning_rate": 2e-4, "betas": [0.5, 0.999]}


def build_tiny_generator():
    """z (8,) -> Dense -> BatchNorm -> Reshape (4, 4, 4) -> deconv -> tanh.

    The BatchNormalization layer gets moving statistics far from the batch
    statistics, so a graph exported in training mode would not match.
    """
    latent = keras.Input((LATENT_DIM,), name="z")
    x = keras.layers.Dense(4 * 4 * 4)(latent)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.ReLU()(x)
    x = keras.layers.Reshape((4, 4, 4))(x)
    x = keras.layers.Conv2DTranspose(IMAGE_SHAPE[-1], 3, strides=2, padding="same")(x)
    images = keras.layers.Activation("tanh", name="images")(x)
    generator = keras.Model(latent, images, name="tiny_generator")
    rng = np.random.default_rng(1234)
    for variable in generator.weights:
        shape = tuple(variable.shape)
        if "variance" in variable.path:
            value = rng.uniform(0.5, 2.0, shape)
        elif "moving_mean" in variable.path:
            value = rng.normal(1.0, 0.5, shape)
        else:
            value = rng.normal(0.0, 0.4, shape)
        variable.assign(value.astype("float32"))
    return generator
