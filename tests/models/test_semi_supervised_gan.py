import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo.data import semi_supervised_dataset
from ganzoo.losses import real_fake_logit
from ganzoo.models import SemiSupervisedGAN
from ganzoo.networks import DCGANGenerator
from ganzoo.networks import SemiSupervisedDiscriminator
from tests.test_case import IMAGE_SHAPE
from tests.test_case import LATENT_DIM
from tests.test_case import max_weight_difference

NUM_CLASSES = 4


def tiny_sgan(
    generator_loss="feature_matching",
    d_optimizer=None,
    g_optimizer=None,
    num_classes=NUM_CLASSES,
    dropout=0.0,
    discriminator_steps=1,
    **compile_kwargs,
):
    """A compiled SemiSupervisedGAN with 8-filter networks and fixed weights."""
    keras.utils.set_random_seed(1)
    sgan = SemiSupervisedGAN(
        generator=DCGANGenerator(LATENT_DIM, IMAGE_SHAPE, base_filters=8),
        discriminator=SemiSupervisedDiscriminator(
            num_classes, IMAGE_SHAPE, base_filters=8, input_dropout=dropout, dropout=dropout
        ),
        num_classes=num_classes,
        discriminator_steps=discriminator_steps,
        seed=3,
    )
    sgan.compile(
        d_optimizer=d_optimizer or keras.optimizers.Adam(1e-3, beta_1=0.5),
        g_optimizer=g_optimizer or keras.optimizers.Adam(1e-3, beta_1=0.5),
        generator_loss=generator_loss,
        **compile_kwargs,
    )
    return sgan


def uint8_images(count, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (count, *IMAGE_SHAPE), dtype=np.uint8)


def _data(count=64, num_labels=8, batch_size=16, labelled_batch_size=8, seed=0):
    labels = np.arange(count) % NUM_CLASSES
    return semi_supervised_dataset(
        uint8_images(count, seed),
        labels,
        num_labels=num_labels,
        num_classes=NUM_CLASSES,
        batch_size=batch_size,
        labelled_batch_size=labelled_batch_size,
        seed=seed,
    )


@pytest.mark.parametrize("generator_loss", ["feature_matching", "non_saturating"])
def test_fit_logs_every_loss_and_updates_both_networks(generator_loss):
    sgan = tiny_sgan(generator_loss, dropout=0.3)
    fresh = tiny_sgan(generator_loss)
    history = sgan.fit(_data().dataset, epochs=1, verbose=0)
    assert set(history.history) == {
        "d_loss",
        "g_loss",
        "d_real",
        "d_fake",
        "supervised_loss",
        "unsupervised_loss",
        "accuracy",
    }
    assert all(np.isfinite(values[0]) for values in history.history.values())
    assert int(sgan.d_optimizer.iterations) == int(sgan.g_optimizer.iterations) == 4
    for network in ("generator", "discriminator"):
        assert max_weight_difference(getattr(sgan, network), getattr(fresh, network)) > 1e-4
    # d_loss is the supervised plus the unsupervised loss (weight 1).
    np.testing.assert_allclose(
        history.history["d_loss"][0],
        history.history["supervised_loss"][0] + history.history["unsupervised_loss"][0],
        rtol=1e-5,
    )


def test_supervised_loss_sees_only_the_labelled_subset():
    # Every image is its own class, so a label names one image: the labels that
    # reach the supervised loss show exactly which examples were used.
    num_classes = 40
    images = uint8_images(num_classes)
    data = semi_supervised_dataset(
        images,
        np.arange(num_classes),
        num_labels=6,
        num_classes=num_classes,
        batch_size=8,
        labelled_batch_size=4,
        seed=5,
    )
    seen = []

    def recording_loss(labels, logits):
        seen.append(np.asarray(labels))
        return tf.reduce_mean(
            keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True)
        )

    sgan = tiny_sgan(num_classes=num_classes, supervised_loss=recording_loss, run_eagerly=True)
    sgan.fit(data.dataset, epochs=2, verbose=0)
    labels = np.concatenate(seen)
    assert len(labels) == 2 * (40 // 8) * 4
    np.testing.assert_array_equal(np.unique(labels), np.sort(data.labelled_labels))
    assert len(np.unique(labels)) == 6


def test_discriminator_logits_give_d_of_salimans_et_al():
    sgan = tiny_sgan()
    images = tf.random.uniform((5, *IMAGE_SHAPE), -1.0, 1.0, seed=0)
    logits = np.asarray(sgan(images), np.float64)
    z = np.exp(logits).sum(axis=1)
    np.testing.assert_allclose(
        tf.sigmoid(real_fake_logit(logits)).numpy(), z / (z + 1.0), rtol=1e-5
    )
    np.testing.assert_allclose(sgan.predict(images, verbose=0), logits, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("generator_loss", "k"),
    [("feature_matching", 1), ("feature_matching", 2), ("non_saturating", 1)],
)
def test_mirrored_step_equals_single_device_step(generator_loss, k, mirrored_strategy):
    # One fixed batch: the pipeline reshuffles on every pass.
    batch = next(iter(_data(count=32, batch_size=16, labelled_batch_size=8).dataset))
    data = tf.data.Dataset.from_tensors(batch)

    def build():
        return tiny_sgan(
            generator_loss,
            d_optimizer=keras.optimizers.SGD(0.1),
            g_optimizer=keras.optimizers.SGD(0.1),
            discriminator_steps=k,
        )

    single = build()
    with mirrored_strategy.scope():
        distributed = build()
    single_history = single.fit(data, epochs=1, verbose=0)
    with mirrored_strategy.scope():
        distributed_history = distributed.fit(data, epochs=1, verbose=0)
    assert max_weight_difference(single, distributed) < 1e-5
    assert max_weight_difference(single, build()) > 1e-3
    for key in ("d_loss", "g_loss", "supervised_loss", "accuracy"):
        np.testing.assert_allclose(
            distributed_history.history[key], single_history.history[key], rtol=1e-4
        )


def test_evaluate_reports_classification_accuracy():
    sgan = tiny_sgan()
    images = tf.random.uniform((12, *IMAGE_SHAPE), -1.0, 1.0, seed=1)
    logits = sgan(images).numpy()
    labels = np.array([0, 1, 2, 3] * 3)
    results = sgan.evaluate(images, labels, batch_size=4, return_dict=True, verbose=0)
    np.testing.assert_allclose(
        results["accuracy"], np.mean(logits.argmax(axis=1) == labels), atol=1e-6
    )
    with pytest.raises(ValueError, match="without labels"):
        sgan.evaluate(images, batch_size=4, verbose=0)


def test_rejects_bad_data_and_networks():
    sgan = tiny_sgan()
    images = tf.random.uniform((8, *IMAGE_SHAPE), -1.0, 1.0)
    with pytest.raises(ValueError, match="dicts with the keys"):
        sgan.fit(tf.data.Dataset.from_tensor_slices((images, tf.zeros(8, "int32"))).batch(4))
    batch = next(iter(_data().dataset))
    bad = tf.data.Dataset.from_tensors({**batch, "labels": batch["labels"] + NUM_CLASSES})
    with pytest.raises(ValueError, match=r"labels outside \[0, 4\)"):
        sgan.fit(bad, verbose=0)
    with pytest.raises(ValueError, match=r"class logits of shape \(batch, 5\)"):
        SemiSupervisedGAN(sgan.generator, sgan.discriminator, num_classes=5)
    with pytest.raises(ValueError, match="no layer named 'penultimate'"):
        SemiSupervisedGAN(
            sgan.generator, sgan.discriminator, NUM_CLASSES, feature_layer="penultimate"
        )


def test_saved_sgan_reloads_compiled_and_keeps_training(tmp_path):
    sgan = tiny_sgan("non_saturating")
    sgan.fit(_data().dataset, epochs=1, verbose=0)
    path = tmp_path / "sgan.keras"
    sgan.save(path)
    restored = keras.saving.load_model(path)
    assert isinstance(restored, SemiSupervisedGAN)
    images = tf.random.uniform((3, *IMAGE_SHAPE), -1.0, 1.0, seed=2)
    np.testing.assert_allclose(restored(images), sgan(images), atol=1e-5)
    np.testing.assert_allclose(restored.generate(3, seed=0), sgan.generate(3, seed=0), atol=1e-6)
    restored.fit(_data(seed=1).dataset, epochs=1, verbose=0)
    assert int(restored.d_optimizer.iterations) == 8
