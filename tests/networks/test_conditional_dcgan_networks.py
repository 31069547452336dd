import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo.export import export_onnx
from ganzoo.export import export_saved_model
from ganzoo.export.parity import measure_parity
from ganzoo.networks import ConditionalDCGANDiscriminator
from ganzoo.networks import ConditionalDCGANGenerator

LATENT_DIM = 8
NUM_CLASSES = 3
EMBEDDING_DIM = 4


@pytest.fixture(autouse=True)
def _seeded_weights():
    """Deterministic initial weights, so that no test depends on test order."""
    keras.utils.set_random_seed(0)


def _generator(**kwargs):
    return ConditionalDCGANGenerator(
        LATENT_DIM, NUM_CLASSES, base_filters=8, embedding_dim=EMBEDDING_DIM, **kwargs
    )


def _discriminator(conditioning, **kwargs):
    return ConditionalDCGANDiscriminator(
        NUM_CLASSES,
        base_filters=8,
        conditioning=conditioning,
        embedding_dim=EMBEDDING_DIM,
        **kwargs,
    )


def _latents(count, seed=0):
    return np.random.default_rng(seed).standard_normal((count, LATENT_DIM)).astype(np.float32)


def _images(count, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (count, 28, 28, 1)).astype(np.float32)


def _randomize_class_tables(generator):
    """Gives class-conditional batch norm distinct per-class scales and offsets.

    They start at ones and zeros (the label has no effect until trained).
    """
    rng = np.random.default_rng(7)
    for variable in generator.weights:
        if variable.path.endswith(("bn/gamma", "bn/beta")):
            variable.assign(rng.normal(1.0, 0.5, tuple(variable.shape)).astype("float32"))
    return generator


@pytest.mark.parametrize("conditioning", ["concat", "batch_norm"])
def test_generator_output_depends_on_the_label(conditioning):
    generator = _randomize_class_tables(_generator(conditioning=conditioning))
    assert [tensor.name for tensor in generator.inputs] == ["z", "label"]
    assert keras.backend.standardize_dtype(generator.inputs[1].dtype) == "int32"
    z = np.repeat(_latents(1), 3, axis=0)
    images = keras.ops.convert_to_numpy(
        generator([z, np.array([0, 1, 2], np.int32)], training=False)
    )
    assert images.shape == (3, 28, 28, 1) and images.dtype == np.float32
    assert np.abs(images).max() <= 1.0
    # Same z, different labels: different images; same label: same image.
    assert np.abs(images[0] - images[1]).max() > 1e-3
    assert np.abs(images[1] - images[2]).max() > 1e-3
    again = generator([z[:1], np.array([1], np.int32)], training=False)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(again)[0], images[1], atol=1e-6)


@pytest.mark.parametrize("conditioning", ["projection", "concat"])
def test_discriminator_output_depends_on_the_label(conditioning):
    discriminator = _discriminator(conditioning)
    assert [tensor.name for tensor in discriminator.inputs] == ["images", "label"]
    images = np.repeat(_images(1), 3, axis=0)
    logits = keras.ops.convert_to_numpy(
        discriminator([images, np.array([0, 1, 2], np.int32)], training=False)
    )
    assert logits.shape == (3, 1) and logits.dtype == np.float32
    # The logits are small at initialisation; compare relative to their size
    # (a network that ignores the label gives equal logits up to rounding).
    scale = np.abs(logits).max()
    assert np.abs(logits[0] - logits[1]).max() > 1e-4 * scale
    assert np.abs(logits[1] - logits[2]).max() > 1e-4 * scale


def test_projection_logit_is_psi_of_phi_plus_embedding_inner_product():
    discriminator = _discriminator("projection")
    rng = np.random.default_rng(0)
    # Weights of unit scale make both terms of Eq. 3 large, so that dropping
    # or mis-wiring either one cannot hide inside the tolerance.
    embedding_layer = discriminator.get_layer("label_embedding")
    psi_layer = discriminator.get_layer("psi")
    embedding = rng.standard_normal(embedding_layer.embeddings.shape).astype(np.float32)
    kernel = rng.standard_normal(psi_layer.kernel.shape).astype(np.float32)
    bias = np.array([0.5], np.float32)
    embedding_layer.set_weights([embedding])
    psi_layer.set_weights([kernel, bias])

    images = _images(4, seed=1)
    labels = np.array([0, 2, 1, 2], np.int32)
    features = keras.Model(discriminator.inputs[0], discriminator.get_layer("features").output)
    phi = keras.ops.convert_to_numpy(features(images, training=False)).astype(np.float64)
    assert phi.shape == (4, 7 * 7 * 16)
    unconditional = phi @ kernel.astype(np.float64) + bias
    projection = np.sum(embedding[labels].astype(np.float64) * phi, axis=1, keepdims=True)
    logits = keras.ops.convert_to_numpy(discriminator([images, labels], training=False))
    np.testing.assert_allclose(logits, unconditional + projection, rtol=1e-4, atol=1e-5)
    assert np.abs(projection).mean() > 1e-2 and np.abs(unconditional).mean() > 1e-2
    # The wrong label changes exactly the projection term.
    wrong = np.array([1, 0, 2, 0], np.int32)
    wrong_logits = keras.ops.convert_to_numpy(discriminator([images, wrong], training=False))
    expected_wrong = unconditional + np.sum(embedding[wrong] * phi, axis=1, keepdims=True)
    np.testing.assert_allclose(wrong_logits, expected_wrong, rtol=1e-4, atol=1e-5)
    assert np.abs(wrong_logits - logits).max() > 1e-2


def test_small_config_parameter_counts():
    # 28x28: generator 7x7x16 -> 14x14x8 -> 28x28x1; discriminator mirrors it.
    # Batch normalization holds 4 values per channel (gamma, beta, moving
    # mean and variance).
    generator_expected = (
        NUM_CLASSES * EMBEDDING_DIM
        + (LATENT_DIM + EMBEDDING_DIM) * 7 * 7 * 16
        + 4 * 16
        + 5 * 5 * 16 * 8
        + 4 * 8
        + 5 * 5 * 8 * 1
        + 1
    )
    assert _generator().count_params() == generator_expected
    image_path = (5 * 5 * 1 * 8 + 8) + (5 * 5 * 8 * 16 + 4 * 16) + (7 * 7 * 16 + 1)
    # Projection: one embedding row of the size of phi(x) per class.
    assert _discriminator("projection").count_params() == image_path + NUM_CLASSES * 7 * 7 * 16
    # Concat: embedding, dense to a 28x28 map, and one more input channel.
    concat_expected = (
        image_path
        + NUM_CLASSES * EMBEDDING_DIM
        + (EMBEDDING_DIM * 28 * 28 + 28 * 28)
        + 5 * 5 * 1 * 8
    )
    assert _discriminator("concat").count_params() == concat_expected


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="conditioning.*'hybrid'"):
        _discriminator("hybrid")
    with pytest.raises(ValueError, match="conditioning.*'projection'"):
        _generator(conditioning="projection")
    with pytest.raises(ValueError, match="num_classes"):
        ConditionalDCGANGenerator(num_classes=0)
    with pytest.raises(ValueError, match="embedding_dim"):
        ConditionalDCGANDiscriminator(embedding_dim=-1)
    with pytest.raises(ValueError, match="image_shape"):
        ConditionalDCGANGenerator(image_shape=(28, 32, 1))


@pytest.mark.parametrize("conditioning", ["concat", "batch_norm"])
def test_generator_exports_with_an_int32_label_input(tmp_path, conditioning):
    # The two-input export path a conditional export will use: SavedModel and
    # onnxruntime against the in-memory network, at two batch sizes.
    generator = _randomize_class_tables(_generator(conditioning=conditioning))
    signature = [
        tf.TensorSpec((None, LATENT_DIM), tf.float32, name="z"),
        tf.TensorSpec((None,), tf.int32, name="label"),
    ]
    saved_model = export_saved_model(
        generator, tmp_path / "saved_model", signature, output_names=["images"]
    )
    onnx_path = export_onnx(generator, tmp_path / "model.onnx", signature, output_names=["images"])
    feeds = [
        {"z": _latents(size, seed=size), "label": np.arange(size, dtype=np.int32) % NUM_CLASSES}
        for size in (1, 3)
    ]
    references = [
        {
            "images": keras.ops.convert_to_numpy(
                generator([feed["z"], feed["label"]], training=False)
            )
        }
        for feed in feeds
    ]
    max_abs_diff = measure_parity(
        feeds, references, {"saved_model": saved_model, "onnx": onnx_path}
    )
    assert max_abs_diff["saved_model"] <= 1e-4
    assert max_abs_diff["onnx"] <= 1e-4
