"""StopOnNonFiniteLoss: the first NaN loss stops fit, named, and the checkpoint survives."""

import hashlib

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo.callbacks import NonFiniteLossError
from ganzoo.callbacks import StopOnNonFiniteLoss
from tests.test_case import random_images
from tests.test_case import tiny_gan


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_nan_stops_training_and_keeps_the_last_good_checkpoint(tmp_path):
    gan = tiny_gan()
    path = tmp_path / "checkpoint.weights.h5"
    checkpoint = keras.callbacks.ModelCheckpoint(str(path), save_weights_only=True)
    good = tf.data.Dataset.from_tensor_slices(random_images(16)).batch(8)
    gan.fit(good, epochs=1, callbacks=[StopOnNonFiniteLoss(), checkpoint], verbose=0)
    saved = digest(path)

    # The second batch holds a NaN pixel: the discriminator's loss turns NaN there.
    images = random_images(24, seed=1)
    images[12, 3, 3, 0] = np.nan
    broken = tf.data.Dataset.from_tensor_slices(images).batch(8)
    with pytest.raises(NonFiniteLossError, match=r"`d_loss` became nan at step 2") as error:
        gan.fit(broken, epochs=2, callbacks=[StopOnNonFiniteLoss(), checkpoint], verbose=0)
    assert (error.value.name, error.value.step, error.value.epoch) == ("d_loss", 2, 0)
    assert digest(path) == saved


def test_finite_losses_and_other_logs_pass():
    callback = StopOnNonFiniteLoss()
    callback.on_train_begin()
    callback.on_epoch_begin(0)
    callback.on_train_batch_end(0, {"d_loss": 0.5, "g_loss": 1.0, "d_real": float("nan")})
    with pytest.raises(NonFiniteLossError, match="`cycle_loss` became inf at step 2"):
        callback.on_train_batch_end(1, {"cycle_loss": float("inf")})
