"""The standard CNN generator and discriminator against StudioGAN's DCGAN networks in PyTorch."""

import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from ganzoo.networks import StandardCNNDiscriminator
from ganzoo.networks import StandardCNNGenerator
from ganzoo.training.precision import global_dtype_policy

REFERENCE = pathlib.Path(__file__).with_name("studiogan_deep_conv_reference.py")


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The arrays `studiogan_deep_conv_reference.py` writes (PyTorch runs in its own process)."""
    output = tmp_path_factory.mktemp("deep_conv") / "reference.npz"
    result = subprocess.run(
        [sys.executable, str(REFERENCE), str(output)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return dict(np.load(output))


def _conv(weight):
    """PyTorch (out, in, kh, kw), or (in, out, kh, kw) transposed, to Keras (kh, kw, ., .)."""
    return weight.transpose(2, 3, 1, 0)


def _batch_norm(arrays, prefix, channels):
    # gamma, beta, and the moving statistics training mode does not read.
    return [
        arrays[f"{prefix}.weight"],
        arrays[f"{prefix}.bias"],
        np.zeros(channels),
        np.ones(channels),
    ]


def test_generator_equals_studiogan_deep_conv_in_training_mode(reference):
    generator = StandardCNNGenerator()
    torch_weights = {
        k[len("generator.") :]: v for k, v in reference.items() if k.startswith("generator.")
    }
    assert generator.count_params() - 2 * (256 + 128 + 64) == sum(
        v.size for v in torch_weights.values()
    )
    # PyTorch's view(-1, 512, 4, 4) is channels-first: unit c*16 + h*4 + w;
    # Keras' Reshape((4, 4, 512)) reads unit (h*4 + w)*512 + c.
    kernel = torch_weights["linear0.weight"].reshape(512, 4, 4, 128).transpose(3, 1, 2, 0)
    generator.get_layer("projection").set_weights(
        [
            kernel.reshape(128, -1),
            torch_weights["linear0.bias"].reshape(512, 4, 4).transpose(1, 2, 0).ravel(),
        ]
    )
    for index, (torch_index, channels) in enumerate(((0, 256), (3, 128), (6, 64))):
        generator.get_layer(f"upsample_{index}").set_weights(
            [
                _conv(torch_weights[f"blocks.{torch_index}.weight"]),
                torch_weights[f"blocks.{torch_index}.bias"],
            ]
        )
        generator.get_layer(f"upsample_{index}_bn").set_weights(
            _batch_norm(torch_weights, f"blocks.{torch_index + 1}", channels)
        )
    generator.get_layer("to_image").set_weights(
        [_conv(torch_weights["conv.weight"]), torch_weights["conv.bias"]]
    )

    images = np.asarray(generator(reference["z"], training=True))
    np.testing.assert_allclose(images, reference["generated"], atol=2e-5)
    assert images.shape == (6, 32, 32, 3)


def test_discriminator_equals_studiogan_deep_conv_in_training_mode(reference):
    discriminator = StandardCNNDiscriminator()
    torch_weights = {
        k[len("discriminator.") :]: v
        for k, v in reference.items()
        if k.startswith("discriminator.")
    }
    batch_norm_channels = 2 * (2 * (64 + 128 + 256) + 512)
    assert discriminator.count_params() - batch_norm_channels == sum(
        v.size for v in torch_weights.values()
    )
    names = [f"block_{b}_{kind}" for b in range(3) for kind in ("conv", "downsample")] + ["conv"]
    for name, torch_index in zip(names, range(0, 19, 3), strict=True):
        weight = torch_weights[f"blocks.{torch_index}.weight"]
        discriminator.get_layer(name).set_weights(
            [_conv(weight), torch_weights[f"blocks.{torch_index}.bias"]]
        )
        discriminator.get_layer(f"{name}_bn").set_weights(
            _batch_norm(torch_weights, f"blocks.{torch_index + 1}", weight.shape[0])
        )
    discriminator.get_layer("logits").set_weights(
        [torch_weights["linear1.weight"].T, torch_weights["linear1.bias"]]
    )

    logits = np.asarray(discriminator(reference["images"], training=True))
    expected = reference["logits"]
    assert logits.shape == expected.shape == (6, 1)
    assert np.abs(logits - expected).max() <= 1e-4 * np.abs(expected).max()


def test_mixed_precision_outputs_stay_float32_and_configs_round_trip():
    with global_dtype_policy("mixed_bfloat16"):
        generator = StandardCNNGenerator(latent_dim=8, image_shape=(16, 16, 1), base_filters=4)
        discriminator = StandardCNNDiscriminator(
            image_shape=(16, 16, 1), base_filters=4, leaky_relu_slope=0.1
        )
        images = generator(np.zeros((2, 8), np.float32))
        logits = discriminator(images)
    assert images.dtype == "float32" and images.shape == (2, 16, 16, 1)
    assert logits.dtype == "float32" and logits.shape == (2, 1)
    for network in (generator, discriminator):
        clone = network.__class__.from_config(network.get_config())
        assert clone.get_config() == network.get_config()
        assert clone.count_params() == network.count_params()


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: StandardCNNGenerator(image_shape=(28, 28, 1)), "multiple of 8"),
        (lambda: StandardCNNDiscriminator(image_shape=(32, 16, 3)), "multiple of 8"),
        (lambda: StandardCNNGenerator(latent_dim=0), "latent_dim"),
        (lambda: StandardCNNDiscriminator(leaky_relu_slope=-0.2), "leaky_relu_slope"),
        (lambda: StandardCNNDiscriminator(leaky_relu_slope=True), "leaky_relu_slope"),
    ],
)
def test_bad_arguments_raise_value_errors(build, message):
    with pytest.raises(ValueError, match=message):
        build()
