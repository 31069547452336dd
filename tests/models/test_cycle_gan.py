"""CycleGAN: the losses of a step, the pools, distribution, saving, bad input."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo import losses
from ganzoo.models import CycleGAN
from ganzoo.networks import PatchGANDiscriminator
from ganzoo.networks import ResNetGenerator
from tests.test_case import recording

SIZE = 16


def tiny_cycle_gan(lambda_cycle=10.0, lambda_identity=0.5, pool_size=4, learning_rate=2e-4, seed=3):
    keras.utils.set_random_seed(1)
    cycle_gan = CycleGAN(
        generator_g=ResNetGenerator(base_filters=4, num_residual_blocks=1, name="g"),
        generator_f=ResNetGenerator(base_filters=4, num_residual_blocks=1, name="f"),
        discriminator_x=PatchGANDiscriminator(base_filters=4, num_layers=2, name="d_x"),
        discriminator_y=PatchGANDiscriminator(base_filters=4, num_layers=2, name="d_y"),
        lambda_cycle=lambda_cycle,
        lambda_identity=lambda_identity,
        pool_size=pool_size,
        seed=seed,
    )
    cycle_gan.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
    )
    return cycle_gan


def unpaired_batches(batch_size=2, count=1, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (batch_size * count, SIZE, SIZE, 3)).astype(np.float32)
    # Domain Y: smoother, brighter images, so the two domains differ.
    y = np.tanh(0.5 + 0.3 * rng.standard_normal((batch_size * count, SIZE, SIZE, 3)))
    return tf.data.Dataset.from_tensor_slices((x, y.astype(np.float32))).batch(
        batch_size, drop_remainder=True
    )


def reference_generator_losses(cycle_gan, x, y):
    """The paper's generator objective computed directly from the networks."""
    g, f = cycle_gan.generator_g, cycle_gan.generator_f
    fake_y, fake_x = g(x), f(y)
    adversarial_g = np.mean((np.asarray(cycle_gan.discriminator_y(fake_y)) - 1.0) ** 2)
    adversarial_f = np.mean((np.asarray(cycle_gan.discriminator_x(fake_x)) - 1.0) ** 2)
    cycle = np.mean(np.abs(np.asarray(f(fake_y)) - x)) + np.mean(np.abs(np.asarray(g(fake_x)) - y))
    identity = np.mean(np.abs(np.asarray(g(y)) - y)) + np.mean(np.abs(np.asarray(f(x)) - x))
    total = adversarial_g + adversarial_f + 10.0 * cycle + 0.5 * 10.0 * identity
    return {
        "g_adversarial_loss": adversarial_g,
        "f_adversarial_loss": adversarial_f,
        "cycle_loss": cycle,
        "identity_loss": identity,
        "g_loss": total,
    }


def test_logged_losses_match_the_paper_objective():
    cycle_gan = tiny_cycle_gan()
    x, y = next(iter(unpaired_batches()))
    expected = reference_generator_losses(cycle_gan, x.numpy(), y.numpy())
    logs = cycle_gan.train_step((x, y))
    for name, value in expected.items():
        np.testing.assert_allclose(float(logs[name]), value, rtol=1e-4, err_msg=name)
    # The discriminators are scored on the pooled images, which are the fresh
    # translations while the pools fill.
    for key in ("d_x_loss", "d_y_loss"):
        assert float(logs[key]) > 0
    np.testing.assert_allclose(
        float(logs["d_loss"]), float(logs["d_x_loss"]) + float(logs["d_y_loss"]), rtol=1e-6
    )


def _rows_in(images, history):
    """For each row of `images`, whether it is one of the rows of `history`."""
    return [any(np.allclose(row, other, atol=1e-6) for other in history) for row in images]


def test_pools_feed_the_right_discriminators_and_d_loss_is_the_halved_least_squares():
    """Three eager steps, pool of 2, batch of 2: D_Y gets pooled G(x), D_X pooled F(y).

    Each discriminator's loss, logged per step, must be
    `0.5 * (mean((D(real) - 1)^2) + mean(D(pooled)^2))` on the outputs it
    produced in the discriminator update (Zhu et al. 2017, Sec. 4, and the
    authors' code).
    """
    log = []
    keras.utils.set_random_seed(1)
    cycle_gan = CycleGAN(
        generator_g=recording(ResNetGenerator(base_filters=4, num_residual_blocks=1), log, "g"),
        generator_f=recording(ResNetGenerator(base_filters=4, num_residual_blocks=1), log, "f"),
        discriminator_x=recording(PatchGANDiscriminator(base_filters=4, num_layers=2), log, "d_x"),
        discriminator_y=recording(PatchGANDiscriminator(base_filters=4, num_layers=2), log, "d_y"),
        lambda_identity=0.0,
        pool_size=2,
        seed=3,
    )
    cycle_gan.compile(
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    )
    batches = [tuple(images.numpy() for images in batch) for batch in unpaired_batches(count=3)]
    cycle_gan.build_pools(*batches[0])
    translations = {"g": [], "f": []}
    from_history = {"d_x": 0, "d_y": 0}
    for real_x, real_y in batches:
        log.clear()
        for metric in cycle_gan.metrics:
            metric.reset_state()
        logs = cycle_gan.train_step((tf.constant(real_x), tf.constant(real_y)))
        # Each network call is an (input, output) pair in the log.
        calls = {name: [] for name in ("g", "f", "d_x", "d_y")}
        for (tag, seen), (_, output) in zip(log[::2], log[1::2], strict=True):
            calls[tag.removesuffix("_in")].append((seen, output))
        for generator, source in (("g", real_x), ("f", real_y)):
            (translation,) = [out for seen, out in calls[generator] if np.array_equal(seen, source)]
            translations[generator].append(translation)

        for name, real, own, other, pool in (
            ("d_x", real_x, "f", "g", cycle_gan.pool_x),
            ("d_y", real_y, "g", "f", cycle_gan.pool_y),
        ):
            real_calls = [(seen, out) for seen, out in calls[name] if np.array_equal(seen, real)]
            assert len(real_calls) == 1, name
            real_output = real_calls[0][1]
            # The discriminator update's pooled call is the last one on fakes;
            # the first is the generator update's, on this step's translation.
            fake_calls = [
                (seen, out) for seen, out in calls[name] if not np.array_equal(seen, real)
            ]
            assert len(fake_calls) == 2, name
            pooled, pooled_output = fake_calls[-1]
            np.testing.assert_allclose(fake_calls[0][0], translations[own][-1], atol=1e-6)
            history = np.concatenate(translations[own])
            assert all(_rows_in(pooled, history)), f"{name} got images not from its pool"
            assert not any(_rows_in(pooled, np.concatenate(translations[other]))), name
            assert all(_rows_in(np.asarray(pool.images), history)), f"{pool.name} holds"
            from_history[name] += sum(not r for r in _rows_in(pooled, translations[own][-1]))

            real_output = real_output.astype(np.float64)
            pooled_output = pooled_output.astype(np.float64)
            expected = 0.5 * (np.mean((real_output - 1.0) ** 2) + np.mean(pooled_output**2))
            np.testing.assert_allclose(float(logs[f"{name}_loss"]), expected, rtol=1e-5)
    # The pools did return older images (else a bypassed pool would pass too).
    assert from_history["d_x"] > 0 and from_history["d_y"] > 0, from_history


def test_evaluate_reports_the_generator_losses_without_updating():
    cycle_gan = tiny_cycle_gan()
    x, y = next(iter(unpaired_batches()))
    before = [np.copy(w) for w in cycle_gan.generator_g.get_weights()]
    results = cycle_gan.evaluate(unpaired_batches(), return_dict=True, verbose=0)
    expected = reference_generator_losses(cycle_gan, x.numpy(), y.numpy())
    np.testing.assert_allclose(results["cycle_loss"], expected["cycle_loss"], rtol=1e-4)
    for old, new in zip(before, cycle_gan.generator_g.get_weights(), strict=True):
        np.testing.assert_array_equal(old, new)


def test_no_identity_loss_when_its_weight_is_zero():
    cycle_gan = tiny_cycle_gan(lambda_identity=0.0)
    x, y = next(iter(unpaired_batches()))
    expected = reference_generator_losses(cycle_gan, x.numpy(), y.numpy())
    logs = cycle_gan.train_step((x, y))
    without_identity = expected["g_loss"] - 5.0 * expected["identity_loss"]
    np.testing.assert_allclose(float(logs["g_loss"]), without_identity, rtol=1e-4)


def test_fit_fills_the_pools_and_trains_every_network():
    cycle_gan = tiny_cycle_gan(pool_size=4)
    before = {
        name: [np.copy(w) for w in getattr(cycle_gan, name).get_weights()]
        for name in ("generator_g", "generator_f", "discriminator_x", "discriminator_y")
    }
    history = cycle_gan.fit(unpaired_batches(count=3), epochs=1, verbose=0)
    assert int(cycle_gan.pool_x.num_images) == 4
    assert int(cycle_gan.pool_y.num_images) == 4
    assert np.abs(np.asarray(cycle_gan.pool_y.images)).sum() > 0
    for name, weights in before.items():
        changed = any(
            not np.array_equal(old, new)
            for old, new in zip(weights, getattr(cycle_gan, name).get_weights(), strict=True)
        )
        assert changed, name
    assert all(np.isfinite(values[-1]) for values in history.history.values())


def test_generators_learn_to_reconstruct():
    """With the adversarial terms off, a few steps must shrink the cycle loss."""
    cycle_gan = tiny_cycle_gan(learning_rate=3e-3)
    cycle_gan.generator_loss_fn = lambda fake_logits: keras.ops.zeros(())
    data = unpaired_batches(count=1)
    first = cycle_gan.evaluate(data, return_dict=True, verbose=0)["cycle_loss"]
    cycle_gan.fit(data.repeat(40), epochs=1, verbose=0)
    last = cycle_gan.evaluate(data, return_dict=True, verbose=0)["cycle_loss"]
    assert last < 0.6 * first


def test_two_replicas_equal_one_device(mirrored_strategy):
    batch = next(iter(unpaired_batches(batch_size=4)))
    data = tf.data.Dataset.from_tensors(batch)

    single = tiny_cycle_gan()
    single.fit(data.repeat(2), epochs=1, verbose=0)

    with mirrored_strategy.scope():
        distributed = tiny_cycle_gan()
        distributed.fit(data.repeat(2), epochs=1, verbose=0)

    # Outputs, not weights: the bias of a convolution followed by instance
    # normalization has a zero gradient up to rounding, which Adam scales up
    # to full-size steps, so those biases differ while the functions agree.
    x, y = (np.asarray(images) for images in batch)
    for name, images in (
        ("generator_g", x),
        ("generator_f", y),
        ("discriminator_x", x),
        ("discriminator_y", y),
    ):
        np.testing.assert_allclose(
            getattr(single, name)(images),
            getattr(distributed, name)(images),
            atol=1e-4,
            err_msg=name,
        )
    np.testing.assert_allclose(
        np.asarray(single.pool_y.images), np.asarray(distributed.pool_y.images), atol=1e-4
    )


def test_save_weights_keeps_the_pools(tmp_path):
    cycle_gan = tiny_cycle_gan()
    cycle_gan.fit(unpaired_batches(count=1), epochs=1, verbose=0)
    path = str(tmp_path / "cycle_gan.weights.h5")
    cycle_gan.save_weights(path)

    restored = tiny_cycle_gan(seed=9)
    restored.build_pools((None, SIZE, SIZE, 3), (None, SIZE, SIZE, 3))
    restored.load_weights(path)
    np.testing.assert_array_equal(
        np.asarray(restored.pool_x.images), np.asarray(cycle_gan.pool_x.images)
    )
    assert int(restored.pool_x.num_images) == 2
    for a, b in zip(
        restored.generator_g.get_weights(), cycle_gan.generator_g.get_weights(), strict=True
    ):
        np.testing.assert_array_equal(a, b)


def test_config_round_trip():
    cycle_gan = tiny_cycle_gan(lambda_cycle=5.0, lambda_identity=0.0, pool_size=7)
    restored = CycleGAN.from_config(cycle_gan.get_config())
    assert (restored.lambda_cycle, restored.lambda_identity, restored.pool_size) == (5.0, 0.0, 7)
    images = np.zeros((1, SIZE, SIZE, 3), np.float32)
    restored.generator_g.set_weights(cycle_gan.generator_g.get_weights())
    np.testing.assert_allclose(restored.generator_g(images), cycle_gan.generator_g(images))
    compile_config = cycle_gan.get_compile_config()
    restored.compile_from_config(compile_config)
    assert restored.generator_loss_fn is losses.least_squares_cycle_gan_generator_loss


def test_uint8_images_are_refused():
    cycle_gan = tiny_cycle_gan()
    images = np.zeros((2, SIZE, SIZE, 3), np.uint8)
    data = tf.data.Dataset.from_tensor_slices((images, images)).batch(2)
    with pytest.raises(TypeError, match=r"\[-1, 1\]"):
        cycle_gan.fit(data, epochs=1, verbose=0)


def test_pixels_in_0_255_are_refused():
    cycle_gan = tiny_cycle_gan()
    images = np.full((2, SIZE, SIZE, 3), 200.0, np.float32)
    data = tf.data.Dataset.from_tensor_slices((images, images)).batch(2)
    with pytest.raises(ValueError, match=r"images_x.*\[-1, 1\]"):
        cycle_gan.fit(data, epochs=1, verbose=0)


def test_the_shared_image_checks_guard_both_domains():
    # The checks of every model's base: [0, 1] data in the first batch, a
    # wrong channel count at trace time, and a later batch out of range in
    # the graph.
    cycle_gan = tiny_cycle_gan()
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-1, 1, (2, 4, SIZE, SIZE, 3)).astype(np.float32)
    with pytest.raises(ValueError, match=r"images_y.*\[0, 1\]"):
        cycle_gan.fit(
            tf.data.Dataset.from_tensor_slices((x, (y + 1) / 2)).batch(2), epochs=1, verbose=0
        )
    gray = np.zeros((2, SIZE, SIZE, 1), np.float32)
    with pytest.raises(ValueError, match=r"images_x.*shape"):
        cycle_gan.fit(tf.data.Dataset.from_tensor_slices((gray, y[:2])).batch(2), verbose=0)
    x[2:] *= 200.0
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"images_x.*\[-1, 1\]"):
        cycle_gan.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(2), epochs=1, verbose=0)


def test_unpaired_batches_are_required():
    cycle_gan = tiny_cycle_gan()
    images = np.zeros((2, SIZE, SIZE, 3), np.float32)
    with pytest.raises(ValueError, match="unpaired"):
        cycle_gan.fit(tf.data.Dataset.from_tensor_slices(images).batch(2), epochs=1, verbose=0)


def test_bad_arguments():
    generator = ResNetGenerator(base_filters=4, num_residual_blocks=1)
    gray = ResNetGenerator(channels=1, base_filters=4, num_residual_blocks=1)
    discriminator = PatchGANDiscriminator(base_filters=4)
    with pytest.raises(ValueError, match="lambda_cycle"):
        CycleGAN(generator, generator, discriminator, discriminator, lambda_cycle=-1.0)
    with pytest.raises(TypeError, match="discriminator_y"):
        CycleGAN(generator, generator, discriminator, "d")
    with pytest.raises(ValueError, match="same channel count"):
        CycleGAN(generator, gray, discriminator, discriminator)
    cycle_gan = CycleGAN(generator, gray, discriminator, discriminator, lambda_identity=0.0)
    optimizer = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="two optimizer instances"):
        cycle_gan.compile(d_optimizer=optimizer, g_optimizer=optimizer)
