"""The stabilizer options of GAN and ConditionalGAN: each trains, distributes and does its math."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo.augmentation import InstanceNoiseSchedule
from ganzoo.compat.keras_workarounds import all_layers
from ganzoo.losses import r1_penalty
from ganzoo.models import GAN
from ganzoo.models import ConditionalGAN
from ganzoo.models import CycleGAN
from ganzoo.models import SemiSupervisedGAN
from ganzoo.models import stabilizers
from ganzoo.networks import ConditionalDCGANDiscriminator
from ganzoo.networks import ConditionalDCGANGenerator
from ganzoo.networks import DCGANDiscriminator
from ganzoo.networks import DCGANGenerator
from ganzoo.networks import SemiSupervisedDiscriminator
from ganzoo.training.precision import global_dtype_policy
from tests.test_case import IMAGE_SHAPE
from tests.test_case import LATENT_DIM
from tests.test_case import max_weight_difference
from tests.test_case import random_images
from tests.test_case import recording

pytestmark = pytest.mark.filterwarnings("ignore:`shuffle=True` was passed")

# Each option on its own: (constructor arguments, compile arguments).
OPTIONS = {
    "diff_augment": ({"augmentation": "color,translation,cutout"}, {}),
    "instance_noise": ({"instance_noise": InstanceNoiseSchedule(0.2, decay_steps=4)}, {}),
    "wgan_gp": ({}, {"generator_loss": "wasserstein", "gradient_penalty": "wgan_gp"}),
    "dragan": ({}, {"gradient_penalty": "dragan"}),
    "lazy_r1": ({}, {"gradient_penalty": "r1", "gradient_penalty_interval": 2}),
    "label_smoothing": ({}, {"label_smoothing": 0.1}),
    "ema": ({"generator_ema_decay": 0.9}, {}),
}


def _sn_gan(options=None, compile_options=None, weights_seed=1, **optimizers):
    """A tiny GAN with a spectrally normalized (batch-norm-free) discriminator, SGD."""
    keras.utils.set_random_seed(weights_seed)
    gan = GAN(
        generator=DCGANGenerator(LATENT_DIM, IMAGE_SHAPE, base_filters=8),
        discriminator=DCGANDiscriminator(IMAGE_SHAPE, base_filters=8, spectral_normalization=True),
        seed=3,
        **(options or {}),
    )
    gan.compile(
        d_optimizer=optimizers.get("d_optimizer") or keras.optimizers.SGD(0.05),
        g_optimizer=optimizers.get("g_optimizer") or keras.optimizers.SGD(0.05),
        **(compile_options or {}),
    )
    return gan


def _dataset(images, batch_size=16):
    return tf.data.Dataset.from_tensor_slices(images).batch(batch_size, drop_remainder=True)


def _network_weights(model):
    return [
        np.asarray(weight)
        for network in (model.generator, model.discriminator)
        for weight in network.trainable_weights
    ]


@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_each_option_trains_the_same_on_two_replicas_as_on_one(option, mirrored_strategy):
    """Two steps on a global batch of 16: 2 replicas equal 1 device, and the option matters."""
    options, compile_options = OPTIONS[option]
    images = random_images(32)
    single = _sn_gan(options, compile_options)
    with mirrored_strategy.scope():
        distributed = _sn_gan(options, compile_options)
    single_history = single.fit(_dataset(images), epochs=1, verbose=0)
    with mirrored_strategy.scope():
        distributed_history = distributed.fit(_dataset(images), epochs=1, verbose=0)
    # model.weights include the seed-generator states and the EMA shadows.
    assert max_weight_difference(single, distributed) < 2e-5
    for key, values in single_history.history.items():
        assert np.all(np.isfinite(values)), (key, values)
        np.testing.assert_allclose(
            distributed_history.history[key], values, rtol=1e-4, atol=1e-6, err_msg=key
        )

    baseline = _sn_gan()
    baseline.fit(_dataset(images), epochs=1, verbose=0)
    if option == "ema":
        # The average does not change training; it changes what is sampled.
        for a, b in zip(_network_weights(single), _network_weights(baseline), strict=True):
            np.testing.assert_array_equal(a, b)
        averaged = single.sampling_generator.trainable_weights
        live = single.generator.trainable_weights
        assert (
            max(
                float(np.abs(np.asarray(a) - np.asarray(b)).max())
                for a, b in zip(averaged, live, strict=True)
            )
            > 1e-5
        )
    else:
        difference = max(
            float(np.abs(a - b).max())
            for a, b in zip(_network_weights(single), _network_weights(baseline), strict=True)
        )
        assert difference > 1e-5, f"{option} left training unchanged"
    if "gradient_penalty" in compile_options:
        assert "d_penalty" in single_history.history


def test_conditional_gan_takes_the_penalty_and_augmentation_on_two_replicas(mirrored_strategy):
    images = random_images(16)
    labels = np.arange(16, dtype=np.int32) % 4

    def build():
        keras.utils.set_random_seed(2)
        gan = ConditionalGAN(
            generator=ConditionalDCGANGenerator(
                latent_dim=LATENT_DIM, num_classes=4, image_shape=IMAGE_SHAPE, base_filters=8
            ),
            discriminator=ConditionalDCGANDiscriminator(
                num_classes=4,
                image_shape=IMAGE_SHAPE,
                base_filters=8,
                conditioning="projection",
                spectral_normalization=True,
            ),
            num_classes=4,
            seed=5,
            augmentation="translation,cutout",
            generator_ema_decay=0.5,
        )
        gan.compile(
            d_optimizer=keras.optimizers.SGD(0.05),
            g_optimizer=keras.optimizers.SGD(0.05),
            generator_loss="hinge",
            gradient_penalty="r1",
        )
        return gan

    dataset = tf.data.Dataset.from_tensor_slices((images, labels)).batch(16)
    single = build()
    with mirrored_strategy.scope():
        distributed = build()
    single_history = single.fit(dataset, epochs=1, verbose=0)
    with mirrored_strategy.scope():
        distributed.fit(dataset, epochs=1, verbose=0)
    assert max_weight_difference(single, distributed) < 2e-5
    assert single_history.history["d_penalty"][0] > 0
    assert single.generate(np.arange(4), seed=0).shape == (4, *IMAGE_SHAPE)


def _plain_critic():
    """Conv -> LeakyReLU -> Dense, no normalization: R1 has no hidden state to move."""
    return keras.Sequential(
        [
            keras.Input(IMAGE_SHAPE),
            keras.layers.Conv2D(4, 5, strides=2),
            keras.layers.LeakyReLU(0.2),
            keras.layers.Flatten(),
            keras.layers.Dense(1),
        ],
        name="plain_critic",
    )


def _zero_adversarial_loss(real_logits, fake_logits):
    # Keeps both logits in the graph, contributes nothing: the update is the
    # penalty's alone.
    return 0.0 * (tf.reduce_mean(real_logits) + tf.reduce_mean(fake_logits))


@pytest.mark.parametrize("interval", [1, 2])
def test_r1_update_is_the_gradient_of_the_weighted_hand_computed_penalty(interval):
    """With a zero adversarial loss, one SGD step moves D by -lr * weight * interval * grad R1.

    With interval 2 the second step (discriminator iteration 1) skips the
    penalty, so the weights after two steps are those after the first.
    """
    keras.utils.set_random_seed(4)
    critic = _plain_critic()
    gan = GAN(DCGANGenerator(LATENT_DIM, IMAGE_SHAPE, base_filters=8), critic, seed=0)
    learning_rate, weight = 0.1, 3.0
    gan.compile(
        d_optimizer=keras.optimizers.SGD(learning_rate),
        g_optimizer=keras.optimizers.SGD(0.0),
        generator_loss="non_saturating",
        discriminator_loss=_zero_adversarial_loss,
        gradient_penalty="r1",
        gradient_penalty_weight=weight,
        gradient_penalty_interval=interval,
    )
    real = random_images(8, seed=9)
    with tf.GradientTape() as tape:
        penalty = r1_penalty(critic, real)
    gradients = tape.gradient(penalty, critic.trainable_variables)
    # Biases do not reach the input gradient of a piecewise-linear critic.
    gradients = [
        np.zeros(variable.shape) if gradient is None else np.asarray(gradient)
        for variable, gradient in zip(critic.trainable_variables, gradients, strict=True)
    ]
    expected = [
        np.asarray(variable) - learning_rate * weight * interval * np.asarray(gradient)
        for variable, gradient in zip(critic.trainable_variables, gradients, strict=True)
    ]
    # One step, or with interval 2 two steps whose second skips the penalty.
    history = gan.fit(_dataset(np.tile(real, (interval, 1, 1, 1)), 8), epochs=1, verbose=0)
    assert int(gan.d_optimizer.iterations) == interval
    for variable, value in zip(critic.trainable_variables, expected, strict=True):
        np.testing.assert_allclose(np.asarray(variable), value, rtol=1e-5, atol=1e-6)
    # Logged (unweighted) over the steps where it was computed: the first.
    assert history.history["d_penalty"][0] == pytest.approx(float(penalty), rel=1e-5)


def _assert_same_images(received, expected, what):
    """`received` holds exactly the arrays of `expected`, in any order."""
    assert len(received) == len(expected), (what, len(received), len(expected))
    for image in expected:
        matches = [other for other in received if np.allclose(other, image, atol=1e-6)]
        assert len(matches) == 1, f"{what}: {len(matches)} matches instead of 1"


def test_augmentation_then_noise_reach_real_and_fake_in_d_update_and_fake_in_g_update(
    monkeypatch,
):
    """One eager step with recording stand-ins for T (augmentation) and N (instance noise).

    Zhao et al. 2020 (Sec. 3 and the authors' `ns_DiffAugment_r1`): the
    discriminator's loss is on D(T(x)) and D(T(G(z))), the generator's on
    D(T(G(z))); instance noise is added to both in both updates (Sønderby et
    al. 2016). GAN applies T, then N, to what the discriminator sees.
    """
    log = []

    def augment(images, seed):
        log.append(("augment", np.asarray(images)))
        return -images

    def add_noise(images, stddev, seed=None):
        log.append(("noise", np.asarray(images)))
        assert stddev == 0.1
        return images + 3.0

    monkeypatch.setattr(stabilizers, "add_instance_noise", add_noise)
    keras.utils.set_random_seed(1)
    gan = GAN(
        generator=recording(DCGANGenerator(LATENT_DIM, base_filters=8), log, "generator"),
        discriminator=recording(DCGANDiscriminator(base_filters=8), log, "discriminator"),
        seed=3,
        augmentation=augment,
        instance_noise=0.1,
    )
    gan.compile(d_optimizer=keras.optimizers.SGD(0.1), g_optimizer=keras.optimizers.SGD(0.1))
    real = random_images(4)
    gan.train_step(tf.constant(real))

    # The generator runs once per update; its second call starts the generator update.
    calls = [i for i, (tag, _) in enumerate(log) if tag == "generator_in"]
    fakes = [value for tag, value in log if tag == "generator_out"]
    assert len(calls) == len(fakes) == 2
    for update, events, images in (
        ("discriminator update", log[: calls[1]], [real, fakes[0]]),
        ("generator update", log[calls[1] :], [fakes[1]]),
    ):

        def received(tag, events=events):
            return [value for event, value in events if event == tag]

        _assert_same_images(received("augment"), images, f"{update}, augmented")
        _assert_same_images(received("noise"), [-x for x in images], f"{update}, noised")
        _assert_same_images(
            received("discriminator_in"), [3.0 - x for x in images], f"{update}, discriminated"
        )


def test_generator_average_equals_the_analytic_average_of_three_steps():
    decay = 0.75
    gan = _sn_gan({"generator_ema_decay": decay})
    images = random_images(16)
    steps = []
    for _ in range(3):
        gan.fit(_dataset(images), epochs=1, verbose=0)
        steps.append([np.asarray(weight).copy() for weight in gan.generator.trainable_weights])
    expected = steps[0]
    for n, values in enumerate(steps[1:], start=2):
        d = min(decay, n / (9.0 + n))  # the warm-up: 2/11, then 3/12
        expected = [d * old + (1 - d) * new for old, new in zip(expected, values, strict=True)]
    averaged = gan.sampling_generator
    for variable, value in zip(averaged.trainable_weights, expected, strict=True):
        np.testing.assert_allclose(np.asarray(variable), value, rtol=1e-5, atol=1e-7)
    # Batch-normalization statistics are the averaged network's own (standing
    # statistics): the mean over the latent batches of the batch moments of
    # each normalization's inputs in training mode, taken here from a second
    # copy's intermediate activations.
    reference = stabilizers.averaged_copy(gan.generator, gan.generator_ema)
    normalizations = [
        layer for layer in reference.layers if isinstance(layer, keras.layers.BatchNormalization)
    ]
    assert len(normalizations) >= 2
    activations = keras.Model(reference.input, [layer.input for layer in normalizations])
    batches = gan._standing_statistics_inputs()
    moments = [[], []]
    for z in batches:
        for index, x in enumerate(activations(z, training=True)):
            x = np.asarray(x, np.float64).reshape(-1, x.shape[-1])
            moments[0].append((index, x.mean(axis=0)))
            moments[1].append((index, x.var(axis=0)))
    averaged_normalizations = [
        layer for layer in averaged.layers if isinstance(layer, keras.layers.BatchNormalization)
    ]
    live_normalizations = [
        layer
        for layer in gan.generator.layers
        if isinstance(layer, keras.layers.BatchNormalization)
    ]
    for index, (mine, live) in enumerate(
        zip(averaged_normalizations, live_normalizations, strict=True)
    ):
        mean = np.mean([m for i, m in moments[0] if i == index], axis=0)
        variance = np.mean([v for i, v in moments[1] if i == index], axis=0)
        np.testing.assert_allclose(np.asarray(mine.moving_mean), mean, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(np.asarray(mine.moving_variance), variance, rtol=1e-4, atol=1e-5)
        assert not np.allclose(np.asarray(mine.moving_mean), np.asarray(live.moving_mean))
        assert mine.momentum == live.momentum
    assert type(averaged) is DCGANGenerator
    # `generate` samples from the average.
    z = np.random.default_rng(0).standard_normal((4, LATENT_DIM)).astype(np.float32)
    np.testing.assert_allclose(
        gan.generate(z=z), np.asarray(averaged(z, training=False)), rtol=1e-5, atol=1e-6
    )
    assert not np.allclose(gan.generate(z=z), np.asarray(gan.generator(z, training=False)))


def test_sampling_generator_is_built_once_and_refreshed_after_training():
    gan = _sn_gan({"generator_ema_decay": 0.5})
    images = random_images(16)
    num_weights = len(gan.weights)
    gan.fit(_dataset(images), epochs=1, verbose=0)
    first = gan.sampling_generator
    assert gan.sampling_generator is first
    before = [np.asarray(weight).copy() for weight in first.weights]
    gan.fit(_dataset(images), epochs=1, verbose=0)
    assert gan.sampling_generator is first
    # Refreshed: equal to a copy built from scratch now, and moved.
    reference = stabilizers.averaged_copy(
        gan.generator, gan.generator_ema, standing_inputs=gan._standing_statistics_inputs()
    )
    for mine, theirs in zip(first.weights, reference.weights, strict=True):
        np.testing.assert_allclose(np.asarray(mine), np.asarray(theirs), rtol=1e-6, atol=1e-7)
    assert any(
        not np.allclose(old, np.asarray(new))
        for old, new in zip(before, first.weights, strict=True)
    )
    # The cached copy is not part of the model's weights (checkpoints).
    assert len(gan.weights) == num_weights


def test_standing_statistics_of_a_conditional_generator_forget_the_copied_ones():
    # The nested normalizations of ConditionalBatchNormalization are found,
    # and the result depends on the averaged weights and the batches only:
    # starting from garbage statistics gives the same numbers.
    num_classes = 10
    keras.utils.set_random_seed(2)
    generator = ConditionalDCGANGenerator(
        LATENT_DIM, num_classes, IMAGE_SHAPE, base_filters=8, conditioning="batch_norm"
    )
    rng = np.random.default_rng(0)
    batches = [
        [rng.standard_normal((32, LATENT_DIM)).astype(np.float32), np.arange(32) % num_classes]
        for _ in range(3)
    ]
    normalizations = [
        layer
        for layer in all_layers(generator, include_self=False)
        if isinstance(layer, keras.layers.BatchNormalization)
    ]
    assert len(normalizations) >= 2
    copies = []
    for garbage in (0.0, 7.0):
        for layer in normalizations:
            layer.moving_mean.assign(np.full(layer.moving_mean.shape, garbage, np.float32))
            layer.moving_variance.assign(
                np.full(layer.moving_variance.shape, 1 + garbage, np.float32)
            )
        stabilizers.standing_statistics(generator, batches)
        copies.append([np.asarray(w).copy() for w in generator.non_trainable_weights])
    for first, second in zip(*copies, strict=True):
        np.testing.assert_allclose(first, second, rtol=1e-5, atol=1e-6)
    assert not np.allclose(np.asarray(normalizations[0].moving_mean), 0.0)
    with pytest.raises(ValueError, match="at least one batch"):
        stabilizers.standing_statistics(generator, [])


def test_float16_penalty_is_loss_scaled_and_trains():
    with global_dtype_policy("mixed_float16"):
        gan = _sn_gan(
            {"augmentation": "translation"},
            {"gradient_penalty": "r1", "generator_loss": "non_saturating"},
            d_optimizer=keras.optimizers.Adam(1e-3),
            g_optimizer=keras.optimizers.Adam(1e-3),
        )
        history = gan.fit(_dataset(random_images(32)), epochs=1, verbose=0)
    assert isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert np.isfinite(history.history["d_loss"][0])
    assert history.history["d_penalty"][0] > 0


def test_all_options_survive_save_and_load(tmp_path):
    gan = _sn_gan(
        {
            "augmentation": "color,cutout",
            "instance_noise": InstanceNoiseSchedule(0.1, decay_steps=10),
            "generator_ema_decay": 0.9,
        },
        {"gradient_penalty": "dragan", "gradient_penalty_weight": 2.0, "label_smoothing": 0.2},
        d_optimizer=keras.optimizers.Adam(1e-3),
        g_optimizer=keras.optimizers.Adam(1e-3),
    )
    gan.fit(_dataset(random_images(32)), epochs=1, verbose=0)
    path = tmp_path / "gan.keras"
    gan.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.augmentation == "color,cutout"
    assert loaded.instance_noise.get_config() == gan.instance_noise.get_config()
    assert loaded.gradient_penalty_weight == 2.0
    assert loaded.generator_ema_decay == 0.9
    assert max_weight_difference(gan, loaded) == 0.0
    history = loaded.fit(_dataset(random_images(16)), epochs=1, verbose=0)
    assert np.isfinite(history.history["d_penalty"][0])


def test_bad_stabilizer_arguments_fail_clearly():
    with pytest.raises(ValueError, match="batch normalization"):
        GAN(
            DCGANGenerator(LATENT_DIM, IMAGE_SHAPE, base_filters=8),
            DCGANDiscriminator(IMAGE_SHAPE, base_filters=8),
        ).compile(
            d_optimizer=keras.optimizers.Adam(),
            g_optimizer=keras.optimizers.Adam(),
            gradient_penalty="wgan_gp",
        )
    with pytest.raises(ValueError, match="Unknown gradient_penalty 'r2'"):
        _sn_gan(compile_options={"gradient_penalty": "r2"})
    with pytest.raises(ValueError, match="gradient_penalty_interval"):
        _sn_gan(compile_options={"gradient_penalty": "r1", "gradient_penalty_interval": 0})
    with pytest.raises(ValueError, match="gradient_penalty_weight"):
        _sn_gan(compile_options={"gradient_penalty": "r1", "gradient_penalty_weight": -1.0})
    with pytest.raises(ValueError, match="label smoothing.*'hinge'"):
        _sn_gan(compile_options={"generator_loss": "hinge", "label_smoothing": 0.1})
    with pytest.raises(ValueError, match=r"label_smoothing.*\[0, 1\)"):
        _sn_gan(compile_options={"label_smoothing": 1.0})
    with pytest.raises(ValueError, match="zoom"):
        _sn_gan({"augmentation": "color,zoom"})
    with pytest.raises(TypeError, match="augmentation"):
        _sn_gan({"augmentation": 3})
    with pytest.raises(ValueError, match="instance_noise"):
        _sn_gan({"instance_noise": -0.1})
    with pytest.raises(ValueError, match=r"decay.*\[0, 1\)"):
        _sn_gan({"generator_ema_decay": 1.0})
    sgan_networks = dict(
        generator=DCGANGenerator(LATENT_DIM, IMAGE_SHAPE, base_filters=8),
        discriminator=SemiSupervisedDiscriminator(
            num_classes=10, image_shape=IMAGE_SHAPE, base_filters=8
        ),
        num_classes=10,
    )
    with pytest.raises(ValueError, match="SemiSupervisedGAN does not take `augmentation`"):
        SemiSupervisedGAN(**sgan_networks, augmentation="color")
    sgan = SemiSupervisedGAN(**sgan_networks, generator_ema_decay=0.9)
    with pytest.raises(ValueError, match="does not take `gradient_penalty`"):
        sgan.compile(
            d_optimizer=keras.optimizers.Adam(),
            g_optimizer=keras.optimizers.Adam(),
            gradient_penalty="r1",
        )


def _tiny_cycle_gan(**options):
    from ganzoo.networks import PatchGANDiscriminator
    from ganzoo.networks import ResNetGenerator

    compile_options = {
        key: options.pop(key)
        for key in ("gradient_penalty", "gradient_penalty_interval")
        if key in options
    }
    keras.utils.set_random_seed(1)
    cycle_gan = CycleGAN(
        generator_g=ResNetGenerator(base_filters=4, num_residual_blocks=1, name="g"),
        generator_f=ResNetGenerator(base_filters=4, num_residual_blocks=1, name="f"),
        discriminator_x=PatchGANDiscriminator(base_filters=4, num_layers=2, name="d_x"),
        discriminator_y=PatchGANDiscriminator(base_filters=4, num_layers=2, name="d_y"),
        pool_size=4,
        seed=3,
        **options,
    )
    # Adam with a small rate, as in test_cycle_gan: with large SGD steps the
    # two runs' rounding differences grow through instance normalization.
    cycle_gan.compile(
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        **compile_options,
    )
    return cycle_gan


CYCLE_GAN_OPTIONS = dict(
    augmentation="translation,cutout",
    instance_noise=0.05,
    generator_ema_decay=0.5,
    gradient_penalty="r1",
    gradient_penalty_interval=2,
)


def test_cycle_gan_takes_every_option_and_two_replicas_equal_one(mirrored_strategy):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (4, 16, 16, 3)).astype(np.float32)
    y = np.tanh(0.5 + 0.3 * rng.standard_normal((4, 16, 16, 3))).astype(np.float32)
    # One step of 4 pairs (the lazy penalty applies at discriminator step 0).
    data = tf.data.Dataset.from_tensor_slices((x, y)).batch(4)
    single = _tiny_cycle_gan(**CYCLE_GAN_OPTIONS)
    history = single.fit(data, epochs=1, verbose=0)
    with mirrored_strategy.scope():
        distributed = _tiny_cycle_gan(**CYCLE_GAN_OPTIONS)
        distributed.fit(data, epochs=1, verbose=0)
    # Outputs, not weights (as in test_cycle_gan): kernels before instance
    # normalization drift apart by rounding between the two runs even
    # without any option, while the functions agree.
    for name, images in (
        ("generator_g", x),
        ("generator_f", y),
        ("discriminator_x", x),
        ("discriminator_y", y),
        ("sampling_generator_g", x),
    ):
        np.testing.assert_allclose(
            getattr(single, name)(images),
            getattr(distributed, name)(images),
            atol=1e-4,
            err_msg=name,
        )
    assert history.history["d_penalty"][0] > 0
    assert all(np.all(np.isfinite(values)) for values in history.history.values())
    # After one generator step the average is a copy (s_1 = w_1).
    averaged = single.sampling_generator_g
    assert type(averaged) is type(single.generator_g)
    assert int(single.generator_g_ema.num_updates) == 1
    np.testing.assert_allclose(averaged(x), single.generator_g(x), atol=1e-6)

    loaded = CycleGAN.from_config(single.get_config())
    assert (loaded.augmentation, loaded.instance_noise, loaded.generator_ema_decay) == (
        "translation,cutout",
        0.05,
        0.5,
    )
