import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo.layers import InstanceNormalization
from ganzoo.networks import PatchGANDiscriminator
from ganzoo.networks import ResNetGenerator
from ganzoo.networks import UNetGenerator
from ganzoo.networks.patchgan_discriminator import patchgan_receptive_field


def _tiny_networks():
    return [
        ResNetGenerator(num_residual_blocks=2, base_filters=4),
        UNetGenerator(num_downsamples=5, base_filters=4, dropout=0.5),
        PatchGANDiscriminator(base_filters=4),
    ]


def _images(shape, seed=0):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, shape).astype(np.float32)


def _pytorch_conv_transpose(inputs, kernel, bias, stride, padding, output_padding):
    """`torch.nn.ConvTranspose2d` in NumPy, with a Keras kernel `(kh, kw, out, in)`."""
    batch, height, width, _ = inputs.shape
    kernel_height, kernel_width, out_channels, _ = kernel.shape
    full = np.zeros(
        (
            batch,
            (height - 1) * stride + kernel_height,
            (width - 1) * stride + kernel_width,
            out_channels,
        )
    )
    for row in range(height):
        for column in range(width):
            full[
                :,
                row * stride : row * stride + kernel_height,
                column * stride : column * stride + kernel_width,
            ] += np.einsum("bi,hwoi->bhwo", inputs[:, row, column], kernel)
    out_height = (height - 1) * stride - 2 * padding + kernel_height + output_padding
    out_width = (width - 1) * stride - 2 * padding + kernel_width + output_padding
    return full[:, padding : padding + out_height, padding : padding + out_width] + bias


@pytest.mark.parametrize("size", [(32, 32), (24, 40)], ids=["32x32", "24x40"])
def test_resnet_generator_keeps_the_image_size(size):
    generator = ResNetGenerator(num_residual_blocks=2, base_filters=4)
    images = _images((2, *size, 3))
    translated = generator(images, training=False)
    assert tuple(translated.shape) == (2, *size, 3)
    assert translated.dtype == "float32"
    values = keras.ops.convert_to_numpy(translated)
    assert np.abs(values).max() <= 1.0
    assert values.std() > 0.0
    assert generator.inputs[0].name == "images"


def test_resnet_generator_structure():
    generator = ResNetGenerator(channels=1, num_residual_blocks=3, base_filters=4)
    assert len([layer for layer in generator.layers if isinstance(layer, keras.layers.Add)]) == 3
    assert generator.get_layer("residual_block_0_conv_0").filters == 16
    assert generator.get_layer("upsample_1_conv").filters == 4
    assert generator.get_layer("head_conv").filters == 1


@pytest.mark.parametrize("size", [(32, 32), (64, 32)], ids=["32x32", "64x32"])
def test_unet_generator_keeps_the_image_size(size):
    generator = UNetGenerator(num_downsamples=5, base_filters=4)
    translated = generator(_images((2, *size, 3)), training=False)
    assert tuple(translated.shape) == (2, *size, 3)
    assert translated.dtype == "float32"
    values = keras.ops.convert_to_numpy(translated)
    assert np.abs(values).max() <= 1.0
    assert values.std() > 0.0


def test_unet_dropout_only_in_the_intermediate_512_filter_levels():
    # pix2pix's unet_128 (7 downsamples) has two 8x-filter levels between the
    # fourth encoder level and the innermost one; those get dropout.
    generator = UNetGenerator(num_downsamples=7, base_filters=2, dropout=0.5)
    dropout_layers = [
        layer.name for layer in generator.layers if isinstance(layer, keras.layers.Dropout)
    ]
    assert sorted(dropout_layers) == ["decoder_4_dropout", "decoder_5_dropout"]
    assert generator.get_layer("decoder_4_conv").filters == 16
    assert not any(
        isinstance(layer, keras.layers.Dropout)
        for layer in UNetGenerator(num_downsamples=7, base_filters=2).layers
    )
    images = _images((1, 128, 128, 3))
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(generator(images, training=False)),
        keras.ops.convert_to_numpy(generator(images, training=False)),
    )


def test_unet_normalization_follows_pix2pix():
    generator = UNetGenerator(num_downsamples=6, base_filters=2)
    normalized = {
        layer.name for layer in generator.layers if isinstance(layer, InstanceNormalization)
    }
    # No norm after the first and the innermost encoder convolutions, nor
    # after the outermost decoder convolution.
    assert normalized == {f"encoder_{level}_norm" for level in range(1, 5)} | {
        f"decoder_{level}_norm" for level in range(1, 6)
    }
    assert generator.get_layer("encoder_0_conv").input.shape[-1] == 3
    assert generator.get_layer("decoder_0_conv").input.shape[-1] == 4


def test_resnet_upsampling_is_aligned_as_pytorch():
    # PyTorch: ConvTranspose2d(kernel_size=3, stride=2, padding=1, output_padding=1).
    generator = ResNetGenerator(num_residual_blocks=0, base_filters=2)
    convolution = generator.get_layer("upsample_0_conv")
    crop = generator.get_layer("upsample_0_crop")
    features = _images((2, 5, 6, 8))
    output = keras.ops.convert_to_numpy(crop(convolution(features)))
    kernel, bias = (keras.ops.convert_to_numpy(weight) for weight in convolution.weights)
    expected = _pytorch_conv_transpose(features, kernel, bias, 2, 1, 1)
    assert output.shape == (2, 10, 12, 4)
    np.testing.assert_allclose(output, expected, atol=1e-5)


def test_unet_upsampling_is_aligned_as_pytorch():
    # PyTorch: ConvTranspose2d(kernel_size=4, stride=2, padding=1).
    generator = UNetGenerator(num_downsamples=5, base_filters=2)
    convolution = generator.get_layer("decoder_2_conv")
    features = _images((2, 5, 6, convolution.input.shape[-1]))
    output = keras.ops.convert_to_numpy(convolution(features))
    kernel, bias = (keras.ops.convert_to_numpy(weight) for weight in convolution.weights)
    expected = _pytorch_conv_transpose(features, kernel, bias, 2, 1, 0)
    assert output.shape == (2, 10, 12, 4)
    np.testing.assert_allclose(output, expected, atol=1e-5)


def test_paper_resnet_9_block_parameter_count():
    # c7s1-64: 7*7*3*64 + 64 = 9,472; d128: 73,856; d256: 295,168;
    # 9 residual blocks of two 3x3x256x256 convolutions with bias:
    # 9 * 2 * 590,080 = 10,621,440; u128: 295,040; u64: 73,792;
    # c7s1-3: 9,411. Affine-free instance norm has no parameters. The
    # authors' code prints "Total number of parameters : 11.378 M".
    assert ResNetGenerator(num_residual_blocks=9, base_filters=64).count_params() == 11_378_179


def test_paper_patchgan_parameter_count():
    # C64 (no norm): 4*4*3*64 + 64 = 3,136; C128: 131,200; C256: 524,544;
    # C512 (stride 1): 2,097,664; logits: 4*4*512 + 1 = 8,193. The authors'
    # code prints "2.765 M".
    assert PatchGANDiscriminator(base_filters=64, num_layers=3).count_params() == 2_764_737


def test_unet_256_parameter_count():
    # Every convolution has a bias and instance norm has no parameters. The
    # authors' unet_256 with batch norm prints "54.414 M" = 54,413,955: it
    # has 9,856 batch norm scales and offsets (4,928 normalized channels) and
    # no bias on the convolutions a norm follows, nor on the first one
    # (5,504 biases; only the last transposed convolution keeps its 3).
    # 54,413,955 - 9,856 + 5,504 = 54,409,603.
    assert UNetGenerator(num_downsamples=8, base_filters=64).count_params() == 54_409_603


@pytest.mark.parametrize("size,expected", [(256, 30), (128, 14)])
def test_patchgan_output_map_size(size, expected):
    discriminator = PatchGANDiscriminator(base_filters=2)
    logits = discriminator(_images((1, size, size, 3)), training=False)
    assert tuple(logits.shape) == (1, expected, expected, 1)
    assert logits.dtype == "float32"


def test_patchgan_receptive_field_values():
    assert [patchgan_receptive_field(layers) for layers in (1, 2, 3, 4)] == [16, 34, 70, 142]
    assert PatchGANDiscriminator(base_filters=2).receptive_field == 70
    with pytest.raises(ValueError, match="num_layers"):
        patchgan_receptive_field(0)


def test_one_logit_sees_exactly_a_70x70_window():
    # Instance norm pools statistics over the whole image, which would make
    # every pixel matter; the convolutional window is checked without it.
    discriminator = PatchGANDiscriminator(base_filters=2, num_layers=3)
    discriminator.set_weights([np.abs(weight) + 0.01 for weight in discriminator.get_weights()])
    layers = [
        layer for layer in discriminator.layers[1:] if not isinstance(layer, InstanceNormalization)
    ]
    images = tf.constant(_images((1, 128, 128, 3)) * 0.5 + 0.5)
    with tf.GradientTape() as tape:
        tape.watch(images)
        x = images
        for layer in layers:
            x = layer(x)
        assert tuple(x.shape) == (1, 14, 14, 1)
        central_logit = x[0, 7, 7, 0]
    gradient = np.abs(tape.gradient(central_logit, images).numpy()[0]).sum(axis=-1)
    rows, columns = np.nonzero(gradient)
    assert (rows.min(), rows.max() + 1, columns.min(), columns.max() + 1) == (33, 103, 33, 103)
    assert np.count_nonzero(gradient) == 70 * 70


def test_mixed_precision_outputs_stay_float32():
    previous_policy = keras.config.dtype_policy()
    try:
        keras.config.set_dtype_policy("mixed_bfloat16")
        images = _images((1, 32, 32, 3))
        for network in _tiny_networks():
            assert network.get_layer(index=-2).compute_dtype == "bfloat16"
            output = network(images, training=False)
            assert output.dtype == "float32"
            assert np.all(np.isfinite(keras.ops.convert_to_numpy(output)))
    finally:
        keras.config.set_dtype_policy(previous_policy)


@pytest.mark.parametrize(
    "network,arguments,argument",
    [
        (ResNetGenerator, {"channels": 0}, "channels"),
        (ResNetGenerator, {"num_residual_blocks": -1}, "num_residual_blocks"),
        (ResNetGenerator, {"num_downsamples": 1.5}, "num_downsamples"),
        (UNetGenerator, {"num_downsamples": 4}, "num_downsamples"),
        (UNetGenerator, {"dropout": 1.0}, "dropout"),
        (UNetGenerator, {"base_filters": 0}, "base_filters"),
        (PatchGANDiscriminator, {"num_layers": 0}, "num_layers"),
        (PatchGANDiscriminator, {"base_filters": "64"}, "base_filters"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(network, arguments, argument):
    with pytest.raises(ValueError, match=argument):
        network(**arguments)
