import doctest
import importlib

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo.augmentation import InstanceNoiseSchedule
from ganzoo.augmentation import add_instance_noise


def test_schedule_values_at_start_middle_end_and_beyond():
    schedule = InstanceNoiseSchedule(initial_stddev=0.1, decay_steps=100)
    values = [schedule(step) for step in (0, 50, 100, 250)]
    assert all(value.dtype == "float32" and value.shape == () for value in values)
    assert [float(value) for value in values] == [
        np.float32(0.1),
        np.float32(0.05),
        0.0,
        0.0,
    ]
    towards_floor = InstanceNoiseSchedule(initial_stddev=0.3, decay_steps=4, final_stddev=0.1)
    expected = np.float32([0.3, 0.25, 0.2, 0.15, 0.1, 0.1])
    np.testing.assert_allclose([float(towards_floor(step)) for step in range(6)], expected)
    assert float(towards_floor(4)) == np.float32(0.1)
    assert float(towards_floor(10**6)) == np.float32(0.1)


def test_schedule_takes_an_optimizer_step_counter():
    optimizer = keras.optimizers.SGD()
    optimizer.build([keras.Variable(1.0)])
    schedule = InstanceNoiseSchedule(initial_stddev=0.2, decay_steps=10)
    assert float(schedule(optimizer.iterations)) == np.float32(0.2)
    optimizer.iterations.assign(5)
    assert float(tf.function(schedule)(optimizer.iterations)) == np.float32(0.1)


def test_schedule_config_round_trip():
    schedule = InstanceNoiseSchedule(initial_stddev=0.25, decay_steps=40, final_stddev=0.05)
    restored = InstanceNoiseSchedule.from_config(schedule.get_config())
    assert restored.get_config() == schedule.get_config()
    serialized = keras.saving.serialize_keras_object(schedule)
    deserialized = keras.saving.deserialize_keras_object(serialized)
    assert isinstance(deserialized, InstanceNoiseSchedule)
    assert deserialized.get_config() == schedule.get_config()
    for step in (0, 13, 40, 99):
        assert float(deserialized(step)) == float(schedule(step))


def test_schedule_rejects_bad_arguments():
    for arguments, name in (
        ({"initial_stddev": -0.1}, "initial_stddev"),
        ({"initial_stddev": "0.1"}, "initial_stddev"),
        ({"final_stddev": -1.0}, "final_stddev"),
        ({"decay_steps": 0}, "decay_steps"),
        ({"decay_steps": 10.0}, "decay_steps"),
        ({"decay_steps": True}, "decay_steps"),
    ):
        with pytest.raises(ValueError, match=name):
            InstanceNoiseSchedule(**{"decay_steps": 10, **arguments})


def test_noise_has_the_requested_standard_deviation():
    images = np.random.default_rng(0).uniform(-1, 1, (64, 32, 32, 3)).astype(np.float32)
    for stddev in (0.1, tf.constant(0.5), InstanceNoiseSchedule(0.4, decay_steps=2)(1)):
        noisy = add_instance_noise(images, stddev, seed=keras.random.SeedGenerator(1))
        noise = noisy.numpy() - images
        # 196,608 draws: the sample std is within 1% of the true one.
        np.testing.assert_allclose(noise.std(), float(stddev), rtol=0.01)
        assert abs(noise.mean()) < 0.01 * float(stddev)
        # Independent per value: neighbouring pixels are uncorrelated.
        correlation = np.corrcoef(noise[:, :, :-1].ravel(), noise[:, :, 1:].ravel())[0, 1]
        assert abs(correlation) < 0.02


def test_zero_stddev_returns_the_images_unchanged():
    images = tf.constant(np.random.default_rng(1).uniform(-1, 1, (2, 4, 4, 1)), tf.float32)
    assert add_instance_noise(images, 0.0, seed=0) is images
    np.testing.assert_array_equal(add_instance_noise(images, tf.constant(0.0), seed=0), images)
    end_of_schedule = InstanceNoiseSchedule(0.1, decay_steps=10)(10)
    np.testing.assert_array_equal(add_instance_noise(images, end_of_schedule, seed=0), images)


def test_noise_is_seeded_differentiable_and_keeps_the_dtype():
    images = tf.constant(np.zeros((2, 4, 4, 1)), tf.bfloat16)
    noisy = add_instance_noise(images, 0.1, seed=3)
    assert noisy.dtype == tf.bfloat16
    np.testing.assert_array_equal(noisy.numpy(), add_instance_noise(images, 0.1, seed=3).numpy())
    seed = keras.random.SeedGenerator(3)
    first, second = (
        add_instance_noise(images, 0.1, seed=seed),
        add_instance_noise(images, 0.1, seed=seed),
    )
    assert not np.array_equal(first.numpy(), second.numpy())
    inputs = tf.constant(np.ones((2, 4, 4, 1)), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        total = tf.reduce_sum(add_instance_noise(inputs, 0.3, seed=0))
    np.testing.assert_array_equal(tape.gradient(total, inputs).numpy(), np.ones((2, 4, 4, 1)))


def test_two_replicas_draw_the_single_device_noise(mirrored_strategy):
    images = np.zeros((4, 3, 3, 1), np.float32)
    with mirrored_strategy.scope():
        distributed_seed = keras.random.SeedGenerator(8)
    dataset = tf.data.Dataset.from_tensor_slices(images).batch(4)
    batch = next(iter(mirrored_strategy.experimental_distribute_dataset(dataset)))

    @tf.function
    def distributed(batch):
        return mirrored_strategy.run(
            lambda x: add_instance_noise(x, 0.2, seed=distributed_seed), (batch,)
        )

    parts = mirrored_strategy.experimental_local_results(distributed(batch))
    single = add_instance_noise(images, 0.2, seed=keras.random.SeedGenerator(8)).numpy()
    np.testing.assert_allclose(np.concatenate([part.numpy() for part in parts]), single)


def test_bad_arguments_raise():
    images = np.zeros((2, 4, 4, 1), np.float32)
    with pytest.raises(ValueError, match="stddev"):
        add_instance_noise(images, -0.1, seed=0)
    with pytest.raises(TypeError, match="stddev"):
        add_instance_noise(images, "0.1", seed=0)
    with pytest.raises(TypeError, match="floating-point.*int32"):
        add_instance_noise(images.astype(np.int32), 0.1, seed=0)
    with pytest.raises(TypeError, match="seed"):
        add_instance_noise(images, 0.1, seed=1.5)


def test_docstring_examples_run():
    for module_name in (
        "ganzoo.augmentation.instance_noise",
        "ganzoo.augmentation.instance_noise_schedule",
    ):
        module = importlib.import_module(module_name)
        failures, attempts = doctest.testmod(module, verbose=False, report=True)
        assert attempts > 0
        assert failures == 0
