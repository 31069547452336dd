"""Export of an image-to-image generator (CycleGAN's G or F) and its onnxruntime runtime."""

import keras
import numpy as np
import onnxruntime
import pytest
import tensorflow as tf

import ganzoo.export
from ganzoo.export.manifest import TRANSLATION_TASK
from ganzoo.export.manifest import read_manifest
from ganzoo.networks import ResNetGenerator
from ganzoo.networks import UNetGenerator
from ganzoo.runtime import OnnxImageTranslator

SIZES = ((32, 32), (16, 24))


@pytest.fixture(scope="module")
def generator():
    keras.utils.set_random_seed(4)
    return ResNetGenerator(base_filters=4, num_residual_blocks=2, name="g_x_to_y")


@pytest.fixture(scope="module")
def exported(generator, tmp_path_factory):
    return ganzoo.export.export_image_translator(
        generator,
        tmp_path_factory.mktemp("translator") / "g_x_to_y",
        image_shape=(32, 32, 3),
        source_domain="sneaker",
        target_domain="ankle boot",
        dataset="fashion_mnist_sneaker2boot",
        training_config={"epochs": 1},
        parity_image_sizes=SIZES,
    )


def images(batch, height, width, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (batch, height, width, 3)).astype(np.float32)


@pytest.mark.large
@pytest.mark.parametrize("shape", [(1, 32, 32), (3, 16, 24), (2, 8, 40)])
def test_round_trip_at_several_sizes(generator, exported, shape):
    """SavedModel and onnxruntime equal the in-memory generator at any batch and size."""
    inputs = images(*shape, seed=sum(shape))
    expected = keras.ops.convert_to_numpy(generator(inputs, training=False))
    saved = tf.saved_model.load(str(exported / "saved_model"))
    from_saved_model = saved.signatures["serving_default"](images=tf.constant(inputs))
    np.testing.assert_allclose(from_saved_model["translated_images"].numpy(), expected, atol=1e-5)
    from_onnx = OnnxImageTranslator(exported).translate(inputs)
    np.testing.assert_allclose(from_onnx, expected, atol=1e-5)
    assert from_onnx.shape == inputs.shape and from_onnx.dtype == np.float32


@pytest.mark.large
def test_manifest_describes_the_translator(exported):
    manifest = read_manifest(exported / "manifest.json")
    assert manifest["task"] == TRANSLATION_TASK
    assert manifest["size_multiple"] == 4
    # 4x4 downsamples to 1x1, which the residual blocks' reflection pad refuses.
    assert manifest["min_size"] == 8
    assert (manifest["source_domain"], manifest["target_domain"]) == ("sneaker", "ankle boot")
    assert manifest["image_shape"] == [32, 32, 3]
    assert manifest["inputs"][0]["shape"] == [None, None, None, 3]
    assert manifest["parity"]["image_sizes"] == [list(size) for size in SIZES]
    assert max(manifest["parity"]["max_abs_diff"].values()) < 1e-4
    session = onnxruntime.InferenceSession(str(exported / "model.onnx"))
    dims = session.get_inputs()[0].shape
    assert dims[3] == 3 and not any(isinstance(dim, int) for dim in dims[:3])


@pytest.mark.large
def test_runtime_refuses_bad_images(exported):
    translator = OnnxImageTranslator(exported)
    with pytest.raises(TypeError, match="float32"):
        translator.translate(images(1, 32, 32).astype(np.float64))
    with pytest.raises(ValueError, match="multiples of 4"):
        translator.translate(images(1, 30, 32))
    with pytest.raises(ValueError, match=r"\(batch, height, width, 3\)"):
        translator.translate(np.zeros((1, 32, 32, 1), np.float32))
    # A multiple of 4 that used to fail inside onnxruntime's Pad node.
    with pytest.raises(ValueError, match="at least 8"):
        translator.translate(images(1, 4, 4))
    pixels = np.rint((images(2, 16, 16) + 1) * 127.5).astype(np.float32)
    with pytest.raises(ValueError, match=r"\[0, 255\] pixels: scale them with `x / 127.5 - 1`"):
        translator.translate(pixels)
    with pytest.raises(ValueError, match=r"looks scaled to \[0, 1\]"):
        translator.translate(pixels / 255)
    assert translator.translate(pixels / 255, assume_scaled=True).shape == pixels.shape
    broken = images(2, 16, 16)
    broken[1, 3, 3, 0] = np.nan
    with pytest.raises(ValueError, match="NaN or infinity"):
        translator.translate(broken)


@pytest.mark.large
def test_saved_model_enforces_the_input_contract(exported):
    """The SavedModel asserts what the ONNX runtime checks in NumPy."""
    serve = tf.saved_model.load(str(exported / "saved_model")).signatures["serving_default"]
    assert serve(images=tf.constant(images(1, 16, 16)))["translated_images"].shape == (1, 16, 16, 3)
    # 30x30 used to come back as 32x32.
    for bad, message in [
        (images(1, 30, 32), "multiples of 4 and at least 8"),
        (images(1, 4, 4), "multiples of 4 and at least 8"),
        (images(1, 16, 16) * 255, r"values in \[-1, 1\]"),
        (np.full((1, 16, 16, 3), np.nan, np.float32), "finite"),
    ]:
        with pytest.raises(tf.errors.InvalidArgumentError, match=message):
            serve(images=tf.constant(bad))


@pytest.mark.large
def test_unet_export_reads_its_size_multiple(tmp_path):
    generator = UNetGenerator(base_filters=4, num_downsamples=5)
    path = ganzoo.export.export_image_translator(
        generator, tmp_path / "unet", image_shape=(32, 32, 3), parity_image_sizes=[(32, 64)]
    )
    assert read_manifest(path / "manifest.json")["size_multiple"] == 32


def test_bad_parity_size_fails_before_writing(generator, tmp_path):
    with pytest.raises(ValueError, match="multiples of 4"):
        ganzoo.export.export_image_translator(
            generator, tmp_path / "g", image_shape=(32, 32, 3), parity_image_sizes=[(30, 32)]
        )
    assert not (tmp_path / "g").exists()


def test_fixed_size_generator_is_refused(tmp_path):
    inputs = keras.Input((32, 32, 3), name="images")
    fixed = keras.Model(inputs, keras.layers.Activation("tanh")(inputs))
    with pytest.raises(ValueError, match=r"\(None, None, None, channels\)"):
        ganzoo.export.export_image_translator(
            fixed, tmp_path / "g", image_shape=(32, 32, 3), size_multiple=1
        )


def test_image_shape_must_match_the_channels(generator, tmp_path):
    with pytest.raises(ValueError, match="3 channels"):
        ganzoo.export.export_image_translator(generator, tmp_path / "g", image_shape=(32, 32, 1))
